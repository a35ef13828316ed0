import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  buildReferenceProfile,
  calibrationWarnings,
  createModelEventScorer,
  DEFAULT_CALIBRATION_WINDOW_EVENTS,
  DEFAULT_DRIFT_THRESHOLDS,
  formatReferenceProfile,
  histogramEvents,
  readJsonlDataset,
  type EventScorer,
  type ProfileModel,
  type ReferenceProfile,
} from '../drift/index.js';
import { resolveTopologyModel } from '../engine/index.js';
import { StreamscoreError } from '../errors.js';
import { createModelSession } from '../inference/index.js';
import type { ResolvedModel } from '../models/index.js';
import { createLogger } from '../observability/index.js';
import { loadTopology, type Topology } from '../topology/index.js';

interface ProfileOptions {
  topology: string;
  data: string;
  out?: string;
  windowEvents: number;
}

/**
 * `streamscore profile`: the model's drift reference profile from held-out data, read through
 * the topology's feature spec and scored by the model (docs/drift.md "Reference profile").
 */
export function registerProfileCommand(program: Command): void {
  program
    .command('profile')
    .description(
      "build the model's drift reference profile (bins, vocabularies, score distribution, calibration) from held-out events",
    )
    .requiredOption('--topology <file>', 'topology file: feature spec and model')
    .requiredOption('--data <file>', 'held-out events as JSON Lines (not the training set)')
    .option('--out <file>', 'where to write the profile (default: reference.json beside the model)')
    .option(
      '--window-events <n>',
      'production window size the calibration replays',
      parsePositiveInteger,
      DEFAULT_CALIBRATION_WINDOW_EVENTS,
    )
    .addHelpText(
      'after',
      '\nExample:\n  streamscore generate --count 50000 --seed 2 --out holdout.jsonl\n  streamscore profile --topology topologies/fraud.yaml --data holdout.jsonl',
    )
    .action(async (options: ProfileOptions) => {
      const topology = await loadTopology(options.topology);
      await writeReferenceProfile(topology, options.data, {
        ...(options.out === undefined ? {} : { out: options.out }),
        windowEvents: options.windowEvents,
      });
    });
}

/**
 * Profiles a JSONL file of held-out events through the topology's features and model, writes
 * the profile (by default `reference.json` beside the model) and prints its summary.
 */
export async function writeReferenceProfile(
  topology: Topology,
  dataFile: string,
  options: { readonly out?: string; readonly windowEvents?: number } = {},
): Promise<string> {
  const scoring = await openModelScorer(topology);
  let profile: ReferenceProfile;
  try {
    profile = await profileJsonlFile(topology, scoring, dataFile, options.windowEvents);
  } finally {
    await scoring.release();
  }
  if (profile.data.events === 0) {
    throw new StreamscoreError('DATA_INVALID', `${dataFile} holds no events to profile`, {
      context: { file: dataFile },
    });
  }
  const out = options.out ?? join(scoring.modelDir, 'reference.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, formatReferenceProfile(profile));
  printProfileSummary(profile, out);
  return out;
}

/** The model, opened for offline scoring, with what a profile records about it. */
export interface OpenedModelScorer {
  readonly scorer: EventScorer;
  readonly model: ProfileModel;
  /** The model version's directory in the registry. */
  readonly modelDir: string;
  release(): Promise<void>;
}

/**
 * The reference profile of a JSONL file of events, read through the topology's features and
 * scored by its model; `windowEvents` overrides the calibration's production window size.
 */
export async function profileJsonlFile(
  topology: Topology,
  scoring: OpenedModelScorer,
  file: string,
  windowEvents: number | undefined,
): Promise<ReferenceProfile> {
  const dataset = await readJsonlDataset(file, {
    features: topology.features,
    scorer: scoring.scorer,
  });
  return buildReferenceProfile(dataset.columns, {
    topology: topology.name,
    model: scoring.model,
    data: {
      file: dataset.file,
      sha256: dataset.sha256,
      undecodableLines: dataset.undecodableLines,
      unscoredEvents: dataset.unscoredEvents,
    },
    calibration: windowEvents === undefined ? {} : { windowEvents },
  });
}

/**
 * Resolves the topology's model, checks its columns, and opens a session that scores events
 * offline. The score is the manifest's score column as the topology emits it; the label is a
 * 1-D integer output the topology emits, if any.
 */
export async function openModelScorer(topology: Topology): Promise<OpenedModelScorer> {
  const { model: resolved, width } = await resolveTopologyModel(topology);
  const outputs = scoredOutputs(topology, resolved);
  const session = await createModelSession({
    modelPath: resolved.modelPath,
    modelLabel: resolved.label,
    inputName: topology.model.input,
    outputNames: [outputs.score.output, ...(outputs.label === null ? [] : [outputs.label.output])],
    width,
    executionProviders: topology.model.executionProviders,
    warmupBatchSizes: [],
    // Offline scoring shares the machine with whatever else runs; one thread is plenty.
    intraOpThreads: 1,
    // stdout carries the command's answer (and `--json`); the session logs to stderr, warnings only.
    logger: createLogger({ level: 'warn' }, process.stderr),
  });
  return {
    scorer: createModelEventScorer(session, topology.features, outputs),
    model: {
      name: resolved.name,
      version: resolved.version,
      sha256: resolved.manifest.sha256,
      score: outputs.score,
      label: outputs.label,
    },
    modelDir: dirname(resolved.modelPath),
    release: () => session.release(),
  };
}

function scoredOutputs(
  topology: Topology,
  resolved: ResolvedModel,
): Omit<ProfileModel, 'name' | 'version' | 'sha256'> {
  const { manifest } = resolved;
  const outputs = topology.model.outputs;
  const score =
    outputs.find(
      (output) => output.name === manifest.score.output && output.column === manifest.score.column,
    ) ?? outputs.find((output) => output.column !== undefined);
  if (score === undefined || score.column === undefined) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${topology.sourceFile} emits no score column: add model.outputs entry { name: ${manifest.score.output}, column: ${manifest.score.column}, field: ... } to profile ${resolved.label}`,
      { context: { file: topology.sourceFile, model: resolved.label } },
    );
  }
  const integerTypes = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32']);
  const label = outputs.find((output) => {
    const tensor = manifest.outputs.find((candidate) => candidate.name === output.name);
    return (
      output.column === undefined &&
      tensor !== undefined &&
      integerTypes.has(tensor.elementType) &&
      tensor.shape.length === 1
    );
  });
  const field = (name: string) => `${topology.output.scoreField}.${name}`;
  return {
    score: { output: score.name, column: score.column, field: field(score.field) },
    label: label === undefined ? null : { output: label.name, field: field(label.field) },
  };
}

function printProfileSummary(profile: ReferenceProfile, out: string): void {
  const { data, model, calibration } = profile;
  console.log(
    `profiled ${data.events} events of ${data.file ?? 'data'} with ${model === null ? 'no model' : `${model.name}@${model.version}`}` +
      ` (${data.undecodableLines} undecodable lines, ${data.unscoredEvents ?? 0} unscored events)`,
  );
  console.log(`wrote ${out}: ${profile.subjects.length} subjects`);
  for (const subject of profile.subjects) {
    const { binning, reference } = subject;
    const events = histogramEvents(reference);
    const unusable = reference.nullCount + reference.nanCount + reference.infiniteCount;
    const shape =
      binning.kind === 'numeric'
        ? `numeric, ${binning.edges.length + 1} bins over [${binning.min}, ${binning.max}]`
        : `categorical, ${binning.vocabulary.length} values + OTHER + UNSEEN`;
    const missing = events === 0 ? '' : `, ${((unusable / events) * 100).toFixed(2)}% null/invalid`;
    console.log(`  ${subject.name.padEnd(22)} ${shape}${missing}`);
  }
  if (calibration !== null) {
    console.log(
      `calibration: ${calibration.windows} windows of ${calibration.windowEvents} events replayed after the first ${calibration.fitPercent}%`,
    );
    for (const warning of calibrationWarnings(calibration, DEFAULT_DRIFT_THRESHOLDS)) {
      console.log(`  warning: ${warning.message}`);
    }
  }
}

export function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected an integer >= 1');
  }
  return parsed;
}
