/**
 * How big and how long each scenario is: the full plan behind `npm run bench` (about a quarter
 * of an hour on a 2-core machine) and the `--quick` plan that only proves every scenario works.
 */
import { isScenarioId, SCENARIO_IDS, type ScenarioId } from './bench-results.js';

export interface BenchPlan {
  readonly quick: boolean;
  /** Partitions of every input and output topic. */
  readonly partitions: number;
  /** Records pre-loaded once into the shared input topic that the backlog scenarios drain. */
  readonly backlogRecords: number;
  /** Seconds each `session.run` ceiling runs, per model and mode. */
  readonly inferenceSeconds: number;
  /**
   * Each ceiling is measured this many times and the best kept: a ceiling is what the model can
   * do, and a run disturbed by anything else on the machine only understates it.
   */
  readonly inferenceRepetitions: number;
  /** Wall-clock caps per backlog run; a contender too slow for the backlog is measured on part of it. */
  readonly kafkaCeilingCapSeconds: number;
  readonly streamscoreCapSeconds: number;
  readonly heavyCapSeconds: number;
  readonly naiveCapSeconds: number;
  readonly pythonCapSeconds: number;
  /** Each run of the settings sweep, measured on the part of the backlog it gets through. */
  readonly settingsCapSeconds: number;
  /** Latency at load: shares of the measured peak, each held this long, after a warm-up. */
  readonly latencyLoadShares: readonly number[];
  readonly latencyPhaseSeconds: number;
  readonly latencyWarmupSeconds: number;
  readonly latencyMaxDelaysMs: readonly number[];
}

export function createBenchPlan(quick: boolean): BenchPlan {
  const shared = {
    quick,
    partitions: 4,
    latencyLoadShares: [0.25, 0.5, 0.75],
    latencyMaxDelaysMs: [5, 20],
  };
  return quick
    ? {
        ...shared,
        backlogRecords: 60_000,
        inferenceSeconds: 1.5,
        inferenceRepetitions: 1,
        kafkaCeilingCapSeconds: 15,
        streamscoreCapSeconds: 20,
        heavyCapSeconds: 8,
        naiveCapSeconds: 8,
        pythonCapSeconds: 10,
        settingsCapSeconds: 5,
        latencyPhaseSeconds: 4,
        latencyWarmupSeconds: 1,
      }
    : {
        ...shared,
        backlogRecords: 2_000_000,
        inferenceSeconds: 4,
        inferenceRepetitions: 2,
        kafkaCeilingCapSeconds: 90,
        streamscoreCapSeconds: 300,
        heavyCapSeconds: 40,
        naiveCapSeconds: 30,
        pythonCapSeconds: 45,
        settingsCapSeconds: 30,
        latencyPhaseSeconds: 15,
        latencyWarmupSeconds: 3,
      };
}

/**
 * Parses `--scenarios a,b,c` (all when undefined), in the canonical order. The latency
 * scenario takes its load from the streamscore fraud peak, so that one is added when missing.
 */
export function selectScenarios(list: string | undefined): {
  readonly scenarios: ScenarioId[];
  readonly unknown: string[];
  readonly added: ScenarioId[];
} {
  if (list === undefined || list.trim() === '' || list.trim() === 'all') {
    return { scenarios: [...SCENARIO_IDS], unknown: [], added: [] };
  }
  const asked = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = asked.filter((name) => !isScenarioId(name));
  const wanted = new Set(asked.filter(isScenarioId));
  const added: ScenarioId[] = [];
  if (wanted.has('latency') && !wanted.has('streamscore-fraud')) {
    wanted.add('streamscore-fraud');
    added.push('streamscore-fraud');
  }
  return { scenarios: SCENARIO_IDS.filter((id) => wanted.has(id)), unknown, added };
}
