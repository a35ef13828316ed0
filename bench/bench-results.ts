/**
 * What each scenario measures, as written to `bench/results/<date>-<scenario>.json` and read
 * back by the report. Units are in the names; rates are per second of wall-clock time.
 */
import type { LatencySummary, RssProfile } from './statistics.js';

export const SCENARIO_IDS = [
  'kafka-ceiling',
  'inference-ceiling',
  'streamscore-fraud',
  'heavy-model',
  'latency',
  'naive-baseline',
  'python-peer',
  'settings',
  'gpu',
] as const;

export type ScenarioId = (typeof SCENARIO_IDS)[number];

export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(value);
}

/** A process that drained (part of) a pre-loaded backlog from the input topic to an output topic. */
export interface BacklogRun {
  /** Output records per second over the steady window (10 % → 90 % of the final count). */
  readonly eventsPerSecond: number;
  /** Records in the output topic when the run ended. */
  readonly outputRecords: number;
  /** Records the run was given (the backlog), or the count it was stopped at by the time cap. */
  readonly backlogRecords: number;
  /** True when the whole backlog was scored; false when the time cap stopped the run. */
  readonly drained: boolean;
  readonly windowSeconds: number;
  /** From process start to the end of the run. */
  readonly runSeconds: number;
  /** Mean CPU cores the process kept busy in the window (1.0 = one core). */
  readonly cpuCores?: number;
  /** CPU seconds per million output records, in the window. */
  readonly cpuSecondsPerMillionEvents?: number;
  readonly rss?: RssProfile;
  /** Mean events per inference batch (streamscore: from its /metrics). */
  readonly meanBatchSize?: number;
  /** Where streamscore's memory was at the end of the run (from its /metrics). */
  readonly memory?: ProcessMemory;
  /** How the process was configured, for the reader. */
  readonly config: Readonly<Record<string, string | number | boolean>>;
}

/** A process's memory by where it lives; what is left of the RSS is native (ONNX Runtime, code, stacks). */
export interface ProcessMemory {
  readonly rssBytes: number;
  /** The main thread's V8 heap (worker threads have their own). */
  readonly heapTotalBytes: number;
  readonly heapUsedBytes: number;
  /** Buffers and other memory V8 objects hold outside the heap (fetched records, encoded output). */
  readonly externalBytes: number;
}

/** Raw `session.run` throughput, no Kafka. */
export interface InferenceRate {
  readonly mode: 'in-thread' | 'worker-threads';
  readonly workers: number;
  readonly intraOpThreads: number;
  readonly batchSize: number;
  readonly rowsPerSecond: number;
  readonly batches: number;
  readonly meanBatchMs: number;
  readonly p99BatchMs: number;
  readonly seconds: number;
}

export interface ModelCeiling {
  readonly model: string;
  readonly executionProvider: string;
  readonly inThread: InferenceRate;
  readonly workerThreads: InferenceRate;
}

export interface LatencyAtLoad {
  /** Share of the measured peak the producer was asked for (0.25, 0.5, 0.75). */
  readonly loadShare: number;
  readonly targetEventsPerSecond: number;
  /** What the producer achieved; below target when the machine could not keep up. */
  readonly producedEventsPerSecond: number;
  readonly latency: LatencySummary;
}

export interface LatencySetting {
  readonly maxDelayMs: number;
  readonly loads: readonly LatencyAtLoad[];
  /** Output records with no matching input record (should be 0). */
  readonly unmatchedOutputs: number;
  readonly meanBatchSize?: number;
  /**
   * Where a batch's first event spent its time, mean milliseconds per stage over the whole run
   * (warm-up and every load), from streamscore's `streamscore_stage_duration_seconds`.
   */
  readonly stageMeansMs?: Readonly<Record<PipelineStage, number>>;
}

export const PIPELINE_STAGES = ['fetch', 'batch_fill', 'inference', 'output'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

interface ResultBase {
  readonly scenario: ScenarioId;
  readonly title: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly quick: boolean;
  /** Measured, skipped (with the reason) or failed (with the error). */
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  /** How the scenario measured, for the reader of the JSON file. */
  readonly method: string;
}

export interface KafkaCeilingResult extends ResultBase {
  readonly scenario: 'kafka-ceiling';
  readonly run?: BacklogRun;
  /** The same passthrough writing records shaped like streamscore's output. */
  readonly scoredShapeRun?: BacklogRun;
  /** The scored-shape passthrough written with @platformatic/kafka. */
  readonly platformaticScoredShapeRun?: BacklogRun;
}

export interface InferenceCeilingResult extends ResultBase {
  readonly scenario: 'inference-ceiling';
  readonly ceilings?: readonly ModelCeiling[];
}

export interface StreamscoreFraudResult extends ResultBase {
  readonly scenario: 'streamscore-fraud';
  /** With the shipped `kafka.client`. */
  readonly run?: BacklogRun;
  /** The same topology with the other `kafka.client`. */
  readonly otherClientRun?: BacklogRun;
}

export interface HeavyModelResult extends ResultBase {
  readonly scenario: 'heavy-model';
  readonly model?: {
    readonly parameters: number;
    readonly fileBytes: number;
    readonly architecture: string;
  };
  readonly ceiling?: ModelCeiling;
  readonly inThread?: BacklogRun;
  readonly workerThreads?: BacklogRun;
}

/** The same loads through another program: the kafkajs passthrough, the Python peer. */
export interface LatencyPeer {
  readonly program: string;
  readonly loads: readonly LatencyAtLoad[];
  readonly unmatchedOutputs: number;
}

export interface LatencyResult extends ResultBase {
  readonly scenario: 'latency';
  /** The streamscore fraud throughput the load shares are taken of. */
  readonly peakEventsPerSecond?: number;
  readonly settings?: readonly LatencySetting[];
  /** The scored-shape kafkajs passthrough: what a plain kafkajs program shows. */
  readonly passthrough?: LatencyPeer;
  /** The Python peer: what a user would run instead, at the same loads. */
  readonly pythonPeer?: LatencyPeer;
}

export interface NaiveBaselineResult extends ResultBase {
  readonly scenario: 'naive-baseline';
  readonly run?: BacklogRun;
}

export interface PythonPeerResult extends ResultBase {
  readonly scenario: 'python-peer';
  readonly run?: BacklogRun;
  readonly python?: {
    readonly version: string;
    readonly packages: Readonly<Record<string, string>>;
  };
}

export interface SettingsSweepResult extends ResultBase {
  readonly scenario: 'settings';
  /** The first run is the shipped topology; each later one changes one setting. */
  readonly runs?: readonly {
    readonly label: string;
    readonly change: string;
    readonly run: BacklogRun;
  }[];
}

export interface GpuResult extends ResultBase {
  readonly scenario: 'gpu';
  /** The heavy model's session.run ceiling on the CUDA execution provider. */
  readonly ceiling?: ModelCeiling;
  /** streamscore on the heavy model with `executionProviders: [cuda]`. */
  readonly run?: BacklogRun;
  readonly gpu?: string;
}

export type ScenarioResult =
  | KafkaCeilingResult
  | InferenceCeilingResult
  | StreamscoreFraudResult
  | HeavyModelResult
  | LatencyResult
  | NaiveBaselineResult
  | PythonPeerResult
  | SettingsSweepResult
  | GpuResult;

/** The result of one scenario, looked up by id with its precise type. */
export type ResultOf<Id extends ScenarioId> = Extract<ScenarioResult, { scenario: Id }>;

/** Everything one `streamscore bench` run found, as the report reads it. */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly quick: boolean;
  /** Backlog size and partitions the throughput scenarios ran with. */
  readonly backlog: { readonly records: number; readonly partitions: number };
  readonly startedAt: string;
  readonly results: readonly ScenarioResult[];
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly os: string;
  readonly node: string;
  readonly kafka: string;
  readonly kafkajs: string;
  readonly onnxruntimeNode: string;
  /** Load average over the last minute when the bench started: others using the machine. */
  readonly loadAverage1m: number;
}

export function findResult<Id extends ScenarioId>(
  results: readonly ScenarioResult[],
  id: Id,
): ResultOf<Id> | undefined {
  const found = results.find((result) => result.scenario === id && result.status === 'ok');
  return found as ResultOf<Id> | undefined;
}
