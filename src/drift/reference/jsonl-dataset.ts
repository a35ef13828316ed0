/**
 * Reads an offline data set (JSON Lines, one event per line, as `streamscore generate` writes
 * it) into columns of raw values: the topology features, plus the model's score and label
 * when a scorer is given. Events are scored in chunks, so the model sees batches, not events.
 * Lines that are not JSON are counted and skipped; blank lines are ignored.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { StreamscoreError } from '../../errors.js';
import type { FeatureSpec } from '../../topology/index.js';
import { createDatasetColumnsBuilder, type DatasetColumns } from './dataset-columns.js';
import type { RawValue } from '../statistics/index.js';
import {
  createRawFeatureReader,
  featureSubjects,
  type ProfileSubject,
} from './profile-subjects.js';

/** Supplies model-derived subjects (score, label) for a chunk of events. */
export interface EventScorer {
  readonly subjects: readonly ProfileSubject[];
  /**
   * Values per scorer subject per event (`values[s][i]`), `null` where the event could not be
   * scored, and how many events that was.
   */
  score(events: readonly unknown[]): Promise<{ values: RawValue[][]; unscored: number }>;
}

export interface JsonlDataset {
  /** The file name, without its directory. */
  readonly file: string;
  readonly sha256: string;
  readonly columns: DatasetColumns;
  readonly undecodableLines: number;
  /** Events the scorer could not score; null without a scorer. */
  readonly unscoredEvents: number | null;
}

export interface ReadJsonlDatasetOptions {
  readonly features: readonly FeatureSpec[];
  readonly scorer?: EventScorer;
  /** Events per scoring chunk. */
  readonly chunkEvents?: number;
}

const DEFAULT_CHUNK_EVENTS = 1024;

export async function readJsonlDataset(
  file: string,
  options: ReadJsonlDatasetOptions,
): Promise<JsonlDataset> {
  const { features, scorer } = options;
  const chunkEvents = options.chunkEvents ?? DEFAULT_CHUNK_EVENTS;
  const scoreSubjects = scorer?.subjects ?? [];
  const builder = createDatasetColumnsBuilder([...featureSubjects(features), ...scoreSubjects]);
  const readFeatures = createRawFeatureReader(features);
  const row: RawValue[] = new Array<RawValue>(features.length + scoreSubjects.length).fill(null);
  let undecodableLines = 0;
  let unscoredEvents = 0;
  let chunk: unknown[] = [];

  const flush = async () => {
    if (chunk.length === 0) return;
    const scored = scorer === undefined ? undefined : await scorer.score(chunk);
    if (scored !== undefined) unscoredEvents += scored.unscored;
    for (let i = 0; i < chunk.length; i++) {
      readFeatures(chunk[i], row, 0);
      for (let s = 0; s < scoreSubjects.length; s++) {
        row[features.length + s] = scored?.values[s]?.[i] ?? null;
      }
      builder.add(row);
    }
    chunk = [];
  };

  const hash = createHash('sha256');
  const stream = createReadStream(file);
  stream.on('data', (bytes) => hash.update(bytes));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        undecodableLines++;
        continue;
      }
      chunk.push(event);
      if (chunk.length >= chunkEvents) await flush();
    }
    await flush();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new StreamscoreError('DATA_INVALID', `cannot read data file ${file} (${code})`, {
        cause: error,
        context: { file },
      });
    }
    throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
  return {
    file: basename(file),
    sha256: hash.digest('hex'),
    columns: builder.build(),
    undecodableLines,
    unscoredEvents: scorer === undefined ? null : unscoredEvents,
  };
}
