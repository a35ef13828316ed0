/** Hand-made results for the report and comparison tests: round numbers, easy to check. */
import type {
  BacklogRun,
  BenchResults,
  InferenceRate,
  ScenarioResult,
} from '../../../bench/bench-results.js';
import { SHIPPED_CHANGE } from '../../../bench/comparisons.js';

const MB = 1024 * 1024;

export function backlogRun(eventsPerSecond: number, extra: Partial<BacklogRun> = {}): BacklogRun {
  return {
    eventsPerSecond,
    outputRecords: 100_000,
    backlogRecords: 100_000,
    drained: true,
    windowSeconds: 10,
    runSeconds: 12,
    cpuCores: 1,
    cpuSecondsPerMillionEvents: 1e6 / eventsPerSecond,
    rss: { peakBytes: 200 * MB, earlyBytes: 190 * MB, lateBytes: 195 * MB, growthBytes: 5 * MB },
    config: {},
    ...extra,
  };
}

export function inferenceRate(mode: InferenceRate['mode'], rowsPerSecond: number): InferenceRate {
  return {
    mode,
    workers: mode === 'in-thread' ? 1 : 2,
    intraOpThreads: mode === 'in-thread' ? 0 : 1,
    batchSize: 256,
    rowsPerSecond,
    batches: 100,
    meanBatchMs: 1,
    p99BatchMs: 2,
    seconds: 5,
  };
}

const base = {
  startedAt: '2026-11-23T12:00:00.000Z',
  durationSeconds: 10,
  quick: false,
  status: 'ok' as const,
  method: 'measured',
};

export function sampleResults(): ScenarioResult[] {
  return [
    {
      ...base,
      scenario: 'kafka-ceiling',
      title: 'Kafka ceiling',
      run: backlogRun(50_000),
      scoredShapeRun: backlogRun(40_000),
    },
    {
      ...base,
      scenario: 'inference-ceiling',
      title: 'Inference ceiling',
      ceilings: [
        {
          model: 'fraud@1',
          executionProvider: 'cpu',
          inThread: inferenceRate('in-thread', 500_000),
          workerThreads: inferenceRate('worker-threads', 600_000),
        },
      ],
    },
    {
      ...base,
      scenario: 'streamscore-fraud',
      title: 'streamscore, fraud model',
      run: backlogRun(45_000, { meanBatchSize: 250 }),
    },
    {
      ...base,
      scenario: 'heavy-model',
      title: 'Heavy model',
      model: { parameters: 5_000_000, fileBytes: 20 * MB, architecture: 'MLP | 3 layers' },
      ceiling: {
        model: 'heavy-mlp@1',
        executionProvider: 'cpu',
        inThread: inferenceRate('in-thread', 10_000),
        workerThreads: inferenceRate('worker-threads', 12_000),
      },
      inThread: backlogRun(9_000),
      workerThreads: backlogRun(6_000),
    },
    {
      ...base,
      scenario: 'latency',
      title: 'Latency',
      peakEventsPerSecond: 45_000,
      settings: [
        {
          maxDelayMs: 5,
          unmatchedOutputs: 0,
          stageMeansMs: { fetch: 1.5, batch_fill: 3, inference: 0.5, output: 4 },
          loads: [
            {
              loadShare: 0.5,
              targetEventsPerSecond: 22_500,
              producedEventsPerSecond: 22_400,
              latency: { count: 1000, p50Ms: 6, p99Ms: 12, p999Ms: 20, maxMs: 30, meanMs: 7 },
            },
          ],
        },
        {
          maxDelayMs: 20,
          unmatchedOutputs: 0,
          loads: [
            {
              loadShare: 0.5,
              targetEventsPerSecond: 22_500,
              producedEventsPerSecond: 22_500,
              latency: { count: 1000, p50Ms: 20, p99Ms: 34, p999Ms: 40, maxMs: 41, meanMs: 21 },
            },
          ],
        },
      ],
      pythonPeer: {
        program: 'bench/python/python_scorer.py',
        unmatchedOutputs: 0,
        loads: [
          {
            loadShare: 0.5,
            targetEventsPerSecond: 22_500,
            producedEventsPerSecond: 22_450,
            latency: { count: 1000, p50Ms: 8, p99Ms: 20, p999Ms: 25, maxMs: 28, meanMs: 9 },
          },
        ],
      },
      passthrough: {
        program: 'dist/bench/peers/kafka-passthrough.js (BENCH_OUTPUT_SHAPE=scored)',
        unmatchedOutputs: 0,
        loads: [
          {
            loadShare: 0.5,
            targetEventsPerSecond: 22_500,
            producedEventsPerSecond: 22_450,
            latency: { count: 1000, p50Ms: 4, p99Ms: 9, p999Ms: 15, maxMs: 18, meanMs: 5 },
          },
        ],
      },
    },
    { ...base, scenario: 'naive-baseline', title: 'Naive', run: backlogRun(3_000) },
    {
      ...base,
      scenario: 'python-peer',
      title: 'Python peer',
      run: backlogRun(60_000),
      python: { version: '3.11.7', packages: { 'confluent-kafka': '2.16.1' } },
    },
    {
      ...base,
      scenario: 'settings',
      title: 'Settings sweep',
      runs: [
        { label: 'shipped-1', change: SHIPPED_CHANGE, run: backlogRun(42_000) },
        {
          label: 'batch-64',
          change: 'maxBatchSize 64',
          run: backlogRun(30_000, { meanBatchSize: 64 }),
        },
        { label: 'drift', change: 'drift side stream on', run: backlogRun(35_000) },
        { label: 'drift-process', change: 'drift as a process', run: backlogRun(38_000) },
        { label: 'shipped-2', change: SHIPPED_CHANGE, run: backlogRun(38_000) },
      ],
    },
    {
      ...base,
      scenario: 'gpu',
      title: 'GPU',
      status: 'skipped',
      reason: 'no NVIDIA GPU on this machine',
    },
  ];
}

export function sampleBench(results = sampleResults(), quick = false): BenchResults {
  return {
    quick,
    backlog: { records: 100_000, partitions: 4 },
    startedAt: '2026-11-23T12:00:00.000Z',
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      memoryBytes: 24 * 1024 * MB,
      os: 'Linux 6',
      node: 'v20.20.2',
      kafka: '4.1.1',
      kafkajs: '2.2.4',
      onnxruntimeNode: '1.30.0',
      loadAverage1m: 0.5,
    },
    results,
  };
}
