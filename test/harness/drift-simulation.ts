/**
 * A simulated model for drift tests: a reference profile built from samples of known
 * distributions (numeric features ~ N(0, 1), a categorical channel, a score in (0, 1)), and a
 * live stream whose tumbling windows are fresh samples of the same distributions — the
 * sampling noise a production window has — unless a test shifts a subject from some time on.
 * Everything is seeded, so a run is reproducible to the bit.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  addRawValue,
  compileBinning,
  type CompiledBinning,
  createFeatureHistogram,
  mergeFeatureHistograms,
  type FeatureHistogram,
  type RawValue,
} from '../../src/drift/statistics/index.js';
import {
  buildReferenceProfile,
  createDriftEvaluator,
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftEvaluator,
  type ReferenceProfile,
  type WindowHistogramSource,
} from '../../src/drift/index.js';
import {
  DEFAULT_ALERT_POLICY,
  type AlertPolicy,
  type DriftEvaluatorOptions,
  type DriftOutcome,
  type EvaluationSettings,
} from '../../src/drift/alerts/index.js';
import {
  createDatasetColumnsBuilder,
  SCORE_SUBJECT,
  scoreSubject,
  type ProfileSubject,
} from '../../src/drift/reference/index.js';
import { createDriftAlertMetrics } from '../../src/observability/index.js';
import { createSeededRandom, type SeededRandom } from '../../tools/synthetic/index.js';

export const CHANNEL_SUBJECT = 'channel';
const CHANNELS = ['pos', 'ecom', 'atm', 'moto'] as const;
const CHANNEL_WEIGHTS = [0.6, 0.3, 0.08, 0.02];

/** Names of the numeric features: `f00`, `f01`, ... */
export function numericFeatureNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `f${String(i).padStart(2, '0')}`);
}

function subjectsOf(numericFeatures: number): ProfileSubject[] {
  return [
    ...numericFeatureNames(numericFeatures).map((name): ProfileSubject => ({
      name,
      source: 'feature',
      origin: name,
      valueType: 'number',
    })),
    { name: CHANNEL_SUBJECT, source: 'feature', origin: 'channel', valueType: 'category' },
    scoreSubject('probabilities', 1),
  ];
}

/** How the live stream departs from the reference in one tumbling window. */
export interface StreamShift {
  /** Added to the N(0, 1) draw of a numeric feature (in reference σ), or of the score's logit. */
  readonly mean?: Readonly<Record<string, number>>;
  /** Share of channel values replaced by values never seen in the reference. */
  readonly unseenChannelShare?: number;
}

/** One event of the simulated stream, in subject order. */
function sampleEvent(
  random: SeededRandom,
  numericFeatures: readonly string[],
  shift: StreamShift,
  out: RawValue[],
): void {
  numericFeatures.forEach((name, i) => {
    out[i] = random.normal() + (shift.mean?.[name] ?? 0);
  });
  const unseen = shift.unseenChannelShare ?? 0;
  out[numericFeatures.length] =
    unseen > 0 && random.float() < unseen
      ? `new-${Math.floor(random.float() * 3)}`
      : (CHANNELS[pickIndex(random.float(), CHANNEL_WEIGHTS)] as string);
  const logit = -2 + 1.2 * random.normal() + 1.2 * (shift.mean?.[SCORE_SUBJECT] ?? 0);
  out[numericFeatures.length + 1] = 1 / (1 + Math.exp(-logit));
}

function pickIndex(u: number, weights: readonly number[]): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] as number;
    if (u < acc) return i;
  }
  return weights.length - 1;
}

export function simulatedProfile(options: {
  readonly numericFeatures: number;
  readonly referenceEvents: number;
  readonly seed: number;
}): ReferenceProfile {
  const names = numericFeatureNames(options.numericFeatures);
  const builder = createDatasetColumnsBuilder(subjectsOf(options.numericFeatures));
  const random = createSeededRandom(options.seed);
  const row: RawValue[] = [];
  for (let e = 0; e < options.referenceEvents; e++) {
    sampleEvent(random, names, {}, row);
    builder.add(row);
  }
  return buildReferenceProfile(builder.build(), {
    model: {
      name: 'sim',
      version: 1,
      sha256: '0'.repeat(64),
      score: { output: 'probabilities', column: 1, field: 'probability' },
      label: null,
    },
    calibration: null,
  });
}

export interface SimulatedStream extends WindowHistogramSource {
  /** Reads so far, for tests of what the evaluator asked for. */
  readonly reads: { fromMs: number; toMs: number }[];
}

/**
 * Tumbling windows of `windowMs` (default 250 ms, the fast interval of the test cadence) with
 * `eventsPerWindow` events each (default 300: 1200 per fast window), sampled on first read
 * (seeded by window index); `shiftAt(windowStartMs)` says how each window departs.
 */
export function createSimulatedStream(options: {
  readonly profile: ReferenceProfile;
  readonly seed: number;
  readonly windowMs?: number;
  readonly eventsPerWindow?: number;
  readonly shiftAt?: (windowStartMs: number) => StreamShift;
}): SimulatedStream {
  const { profile, windowMs = TEST_SETTINGS.fast.everyMs, eventsPerWindow = 300 } = options;
  const subjects = profile.subjects;
  const numeric = subjects
    .filter((subject) => subject.source === 'feature' && subject.valueType === 'number')
    .map((subject) => subject.name);
  const compiled = subjects.map((subject) => compileBinning(subject.binning));
  const windows = new Map<number, FeatureHistogram[]>();

  const windowHistograms = (startMs: number): FeatureHistogram[] => {
    const cached = windows.get(startMs);
    if (cached !== undefined) return cached;
    const random = createSeededRandom(options.seed * 1_000_003 + startMs / windowMs);
    const shift = options.shiftAt?.(startMs) ?? {};
    const histograms = subjects.map((subject) => createFeatureHistogram(subject.binning));
    const row: RawValue[] = [];
    for (let e = 0; e < eventsPerWindow; e++) {
      sampleEvent(random, numeric, shift, row);
      histograms.forEach((histogram, s) =>
        addRawValue(histogram, compiled[s] as CompiledBinning, row[s] ?? null),
      );
    }
    windows.set(startMs, histograms);
    return histograms;
  };

  const reads: { fromMs: number; toMs: number }[] = [];
  return {
    reads,
    async read(fromMs, toMs) {
      reads.push({ fromMs, toMs });
      let merged = subjects.map((subject) => createFeatureHistogram(subject.binning));
      for (let start = Math.ceil(fromMs / windowMs) * windowMs; start < toMs; start += windowMs) {
        const window = windowHistograms(start);
        merged = merged.map((histogram, s) =>
          mergeFeatureHistograms(histogram, window[s] as FeatureHistogram),
        );
      }
      return new Map(subjects.map((subject, s) => [subject.name, merged[s] as FeatureHistogram]));
    },
  };
}

/** Test cadence: 1 s windows every 250 ms (fast), 4 s windows every second (slow). */
export const TEST_SETTINGS: EvaluationSettings = Object.freeze({
  fast: Object.freeze({ windowMs: 1000, everyMs: 250 }),
  slow: Object.freeze({ windowMs: 4000, everyMs: 1000 }),
});

export const TEST_IDENTITY = Object.freeze({ model: 'sim', version: 1, reference: 'sim-ref' });

/** The default policy with notification grouping scaled to the test cadence (8 and 40 rounds). */
export const TEST_POLICY: AlertPolicy = Object.freeze({
  ...DEFAULT_ALERT_POLICY,
  groupWaitMs: 2000,
  groupIntervalMs: 10_000,
});

/** An evaluator over `source` with the test cadence and defaults for everything not given. */
export function createTestEvaluator(
  options: Pick<DriftEvaluatorOptions, 'profile' | 'source'> &
    Partial<Omit<DriftEvaluatorOptions, 'profile' | 'source'>>,
): { evaluator: DriftEvaluator; registry: Registry } {
  const registry = new Registry();
  const evaluator = createDriftEvaluator({
    identity: TEST_IDENTITY,
    settings: TEST_SETTINGS,
    thresholds: DEFAULT_DRIFT_THRESHOLDS,
    policy: TEST_POLICY,
    retrain: { sustainMs: 2000, cooldownMs: 60_000, dataTopic: 'sim.scored' },
    reportUrl: 'http://127.0.0.1:9464/drift',
    sinks: [],
    metrics: createDriftAlertMetrics(registry),
    logger: pino({ level: 'silent' }),
    ...options,
  });
  return { evaluator, registry };
}

/** Runs the rounds of ticks `fromTick`..`toTick - 1` (in fast intervals) in order. */
export async function evaluateTicks(
  evaluator: DriftEvaluator,
  fromTick: number,
  toTick: number,
): Promise<DriftOutcome[]> {
  const outcomes: DriftOutcome[] = [];
  for (let tick = fromTick; tick < toTick; tick++) {
    outcomes.push(await evaluator.evaluate(tick * TEST_SETTINGS.fast.everyMs));
  }
  return outcomes;
}
