import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  buildDriftReport,
  checkProfileMatches,
  featureSubjects,
  formatDriftReportTable,
  parseReferenceProfile,
  readJsonlDataset,
  REFERENCE_PROFILE_FORMAT,
  resolveDriftThresholds,
  type ReferenceProfile,
} from '../drift/index.js';
import { StreamscoreError } from '../errors.js';
import { loadTopology, type Topology } from '../topology/index.js';
import {
  openModelScorer,
  parsePositiveInteger,
  profileJsonlFile,
  type OpenedModelScorer,
} from './profile-command.js';

interface CompareOptions {
  topology: string;
  reference: string;
  current: string;
  json?: boolean;
  minEvents?: number;
  windowEvents?: number;
}

/** `streamscore drift …`: offline drift tools. `compare` today; the live side stream comes next. */
export function registerDriftCommand(program: Command): void {
  const drift = program.command('drift').description('drift monitoring tools');
  drift
    .command('compare')
    .description(
      'compare a data set with a reference (profile or data): every drift statistic per feature and for the score, with verdicts',
    )
    .requiredOption('--topology <file>', 'topology file: feature spec and model')
    .requiredOption(
      '--reference <file>',
      'reference profile (reference.json) or reference events (JSON Lines)',
    )
    .requiredOption('--current <file>', 'events to check, as JSON Lines')
    .option('--json', 'print the report as JSON (schema: docs/drift-compare-json.md)')
    .option(
      '--min-events <n>',
      'fewer events than this is insufficient data (default 1000, at least 200)',
      parseMinEvents,
    )
    .option(
      '--window-events <n>',
      'calibration window size when --reference is data (default 1000)',
      parsePositiveInteger,
    )
    .addHelpText(
      'after',
      '\nExample:\n  streamscore generate --count 20000 --seed 7 --drift amount-shift-2sd --out drifted.jsonl\n' +
        '  streamscore drift compare --topology topologies/fraud.yaml --reference models/fraud/1/reference.json --current drifted.jsonl',
    )
    .action(async (options: CompareOptions) => {
      const thresholds = resolveDriftThresholds(
        options.minEvents === undefined ? {} : { minEvents: options.minEvents },
      );
      const topology = await loadTopology(options.topology);
      const scoring = await openModelScorer(topology);
      try {
        const { profile, kind } = await loadReference(options, topology, scoring);
        const current = await readJsonlDataset(options.current, {
          features: topology.features,
          scorer: scoring.scorer,
        });
        const report = buildDriftReport(profile, current.columns, {
          thresholds,
          reference: { kind, file: options.reference },
          current: {
            file: options.current,
            undecodableLines: current.undecodableLines,
            unscoredEvents: current.unscoredEvents,
          },
        });
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else process.stdout.write(formatDriftReportTable(report));
      } finally {
        await scoring.release();
      }
    });
}

/**
 * The reference as a profile: read from a profile file (checked against this topology and
 * model), or built from reference events on the spot.
 */
async function loadReference(
  options: CompareOptions,
  topology: Topology,
  scoring: OpenedModelScorer,
): Promise<{ profile: ReferenceProfile; kind: 'profile' | 'data' }> {
  const file = options.reference;
  const document = await readProfileDocument(file);
  if (document !== undefined) {
    const profile = parseReferenceProfile(document, file);
    checkProfileMatches(
      profile,
      {
        subjects: [...featureSubjects(topology.features), ...scoring.scorer.subjects],
        model: scoring.model,
      },
      file,
    );
    return { profile, kind: 'profile' };
  }
  const profile = await profileJsonlFile(topology, scoring, file, options.windowEvents);
  return { profile, kind: 'data' };
}

/**
 * The parsed document when `file` is a reference profile, undefined when it is event data.
 * A profile is one JSON document whose `format` says so; JSON Lines (`.jsonl`, `.ndjson`, or
 * anything else that is not such a document) is data.
 */
async function readProfileDocument(file: string): Promise<unknown> {
  const extension = extname(file).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new StreamscoreError(
      'DATA_INVALID',
      `cannot read reference ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error, context: { file } },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isProfile =
    typeof document === 'object' &&
    document !== null &&
    (document as { format?: unknown }).format === REFERENCE_PROFILE_FORMAT;
  return isProfile ? document : undefined;
}

function parseMinEvents(value: string): number {
  const parsed = parsePositiveInteger(value);
  try {
    resolveDriftThresholds({ minEvents: parsed });
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return parsed;
}
