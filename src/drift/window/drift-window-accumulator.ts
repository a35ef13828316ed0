/**
 * Counts scored events into tumbling event-time windows, per source partition, between two
 * flushes; each flush turns one partition's counts into one `CountUpdate` for the shared
 * `WindowCountStore`.
 *
 * Event time: the window of an event is floor(t / windowMs), with t the Kafka timestamp of the
 * *input* record, which the scoring pipeline carries on every output in the
 * `streamscore.source.timestamp` header (the caller falls back to the output record's own
 * timestamp, i.e. the scoring time, for outputs without it). Windows then hold what happened
 * in them, even when a backlog is scored an hour late.
 *
 * Window keys: `<model>@<version>/<binning id>/<windowMs>/<window start, ISO 8601>`, e.g.
 * `fraud@1/3f2a9c1b7d0e/300000/2026-11-23T10:05:00.000Z`. The binning id is a hash of the
 * profile's subjects and bins: counters are bin numbers, so counts taken against other bins
 * (a rebuilt reference, another model version) or another window length never mix, while a
 * profile rebuilt with the same bins (new calibration) keeps counting into the same windows.
 *
 * Each update covers one contiguous offset range of its partition (`firstOffset`…`lastOffset`,
 * records skipped as unreadable included), which is what the store fences on. Counting an
 * event allocates nothing beyond what `addRawValue` does: the window of the previous event is
 * reused, and other windows are found in a map keyed by window number.
 */
import { createHash } from 'node:crypto';
import type { CountUpdate } from '../../state/index.js';
import type { FeatureSpec } from '../../topology/index.js';
import {
  addRawValue,
  compileBinning,
  createFeatureHistogram,
  type CompiledBinning,
  type FeatureHistogram,
  type RawValue,
} from '../statistics/index.js';
import {
  addCounters,
  addHistogramCounters,
  createHistogramCounterLayout,
  type HistogramCounterLayout,
} from './histogram-counters.js';
import {
  createRawFeatureReader,
  createScoredOutputReader,
  featureSubjects,
  labelSubject,
  scoreSubject,
  type ProfiledSubject,
  type ProfileModel,
  type ProfileSubject,
  type ReferenceProfile,
} from '../reference/index.js';

/** A reference profile built with the model, as live drift needs (the score is profiled). */
export type LiveReferenceProfile = ReferenceProfile & { readonly model: ProfileModel };

/** What names a window: the model the events were scored by, the bins, the window length. */
export interface DriftWindowing {
  /** `name@version`, as the `streamscore.model` header writes it. */
  readonly model: string;
  readonly binningId: string;
  readonly windowMs: number;
}

export function driftWindowKey(windowing: DriftWindowing, window: number): string {
  const start = new Date(window * windowing.windowMs).toISOString();
  return `${windowing.model}/${windowing.binningId}/${windowing.windowMs}/${start}`;
}

/** The window numbers whose start lies in [fromMs, toMs). */
export function windowsStartingIn(windowMs: number, fromMs: number, toMs: number): number[] {
  const windows: number[] = [];
  for (let window = Math.ceil(fromMs / windowMs); window * windowMs < toMs; window++) {
    windows.push(window);
  }
  return windows;
}

/** 12 hex digits of SHA-256 over the profile's subjects and their bins. */
export function referenceBinningId(subjects: readonly ProfiledSubject[]): string {
  const shape = subjects.map(({ name, source, valueType, binning }) => ({
    name,
    source,
    valueType,
    binning,
  }));
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12);
}

/**
 * The subjects a live profile holds, in order: the topology's features, then the score and the
 * label (if the profile has one), read back from the scored event's fields.
 */
export function scoredEventSubjects(
  features: readonly FeatureSpec[],
  model: ProfileModel,
): ProfileSubject[] {
  return [
    ...featureSubjects(features),
    scoreSubject(model.score.output, model.score.column),
    ...(model.label === null ? [] : [labelSubject(model.label.output)]),
  ];
}

export interface DriftWindowAccumulatorOptions {
  /** The topic the scored events are read from (the source of every update). */
  readonly topic: string;
  readonly features: readonly FeatureSpec[];
  /** The profile's model and subjects, in `scoredEventSubjects` order. */
  readonly model: ProfileModel;
  readonly subjects: readonly ProfiledSubject[];
  readonly windowing: DriftWindowing;
}

export interface DriftWindowAccumulator {
  /** Counts one scored event of `partition` at `offset` into the window of `eventTimeMs`. */
  add(partition: number, offset: number, eventTimeMs: number, event: unknown): void;
  /** Covers a record that is not counted (unreadable, another model): it still moves the range. */
  skip(partition: number, offset: number): void;
  /** One update per partition with records since the last flush; the counts start afresh. */
  flush(): CountUpdate[];
  /** Drops what a partition counted since the last flush (revoked, or re-read from the fence). */
  discard(partition: number): void;
}

interface PartitionCounts {
  firstOffset: number;
  lastOffset: number;
  readonly windows: Map<number, FeatureHistogram[]>;
  /** The window of the previous event and its histograms (events mostly arrive in order). */
  lastWindow: number;
  lastHistograms: FeatureHistogram[] | undefined;
}

export function createDriftWindowAccumulator(
  options: DriftWindowAccumulatorOptions,
): DriftWindowAccumulator {
  const { topic, features, model, subjects, windowing } = options;
  const layout: HistogramCounterLayout = createHistogramCounterLayout(subjects);
  const compiled: CompiledBinning[] = subjects.map((subject) => compileBinning(subject.binning));
  const readFeatures = createRawFeatureReader(features);
  const readOutputs = createScoredOutputReader([
    model.score.field,
    ...(model.label === null ? [] : [model.label.field]),
  ]);
  const subjectCount = subjects.length;
  if (subjectCount !== features.length + (model.label === null ? 1 : 2)) {
    throw new RangeError(
      `a live profile holds the ${features.length} features, the score and the label if any; got ${subjectCount} subjects`,
    );
  }
  const row: RawValue[] = new Array<RawValue>(subjectCount).fill(null);
  const partitions = new Map<number, PartitionCounts>();

  const countsOf = (partition: number, offset: number): PartitionCounts => {
    let counts = partitions.get(partition);
    if (counts === undefined) {
      counts = {
        firstOffset: offset,
        lastOffset: offset,
        windows: new Map(),
        lastWindow: Number.NaN,
        lastHistograms: undefined,
      };
      partitions.set(partition, counts);
    }
    counts.lastOffset = offset;
    return counts;
  };

  const histogramsOf = (counts: PartitionCounts, window: number): FeatureHistogram[] => {
    if (counts.lastWindow === window) return counts.lastHistograms as FeatureHistogram[];
    let histograms = counts.windows.get(window);
    if (histograms === undefined) {
      histograms = subjects.map((subject) => createFeatureHistogram(subject.binning));
      counts.windows.set(window, histograms);
    }
    counts.lastWindow = window;
    counts.lastHistograms = histograms;
    return histograms;
  };

  return {
    add(partition, offset, eventTimeMs, event) {
      const histograms = histogramsOf(
        countsOf(partition, offset),
        Math.floor(eventTimeMs / windowing.windowMs),
      );
      readFeatures(event, row, 0);
      readOutputs(event, row, features.length);
      for (let s = 0; s < subjectCount; s++) {
        addRawValue(
          histograms[s] as FeatureHistogram,
          compiled[s] as CompiledBinning,
          row[s] as RawValue,
        );
      }
    },

    skip(partition, offset) {
      countsOf(partition, offset);
    },

    flush() {
      const updates: CountUpdate[] = [];
      for (const [partition, counts] of partitions) {
        const windows = new Map<string, Map<string, number>>();
        for (const [window, histograms] of counts.windows) {
          const counters = new Map<string, number>();
          histograms.forEach((histogram, s) =>
            addHistogramCounters(layout, s, histogram, counters),
          );
          windows.set(driftWindowKey(windowing, window), counters);
        }
        updates.push({
          source: {
            topic,
            partition,
            firstOffset: counts.firstOffset,
            lastOffset: counts.lastOffset,
          },
          windows,
        });
      }
      partitions.clear();
      return updates;
    },

    discard(partition) {
      partitions.delete(partition);
    },
  };
}

/**
 * One update covering two consecutive ones of the same partition (`newer` starts after `older`
 * ends): how a flush the store could not take is carried into the next one.
 */
export function mergeCountUpdates(older: CountUpdate, newer: CountUpdate): CountUpdate {
  const windows = new Map<string, Map<string, number>>();
  for (const update of [older, newer]) {
    for (const [key, counters] of update.windows) {
      const merged = windows.get(key) ?? new Map<string, number>();
      addCounters(merged, counters);
      windows.set(key, merged);
    }
  }
  return {
    source: { ...newer.source, firstOffset: older.source.firstOffset },
    windows,
  };
}
