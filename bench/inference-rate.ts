/**
 * The inference ceiling: a model's raw batched `session.run` throughput, through the very
 * sessions the engine uses (in-thread, or the worker-thread pool), fed real feature rows of
 * synthetic transactions, with no Kafka. Nothing that scores through this session can beat it.
 */
import { createFeatureExtractor } from '../src/features/index.js';
import {
  createModelSession,
  createWorkerSessionPool,
  type ModelSession,
} from '../src/inference/index.js';
import { createLogger, nearestRankQuantile } from '../src/observability/index.js';
import { createTransactionGenerator } from '../tools/synthetic/index.js';
import type { ExecutionProvider, FeatureSpec } from '../src/topology/index.js';
import type { InferenceRate } from './bench-results.js';

export interface InferenceRateOptions {
  readonly modelPath: string;
  readonly modelLabel: string;
  readonly inputName: string;
  readonly outputNames: readonly string[];
  /** The topology's feature spec: rows are built from synthetic events exactly as in the engine. */
  readonly features: readonly FeatureSpec[];
  readonly batchSize: number;
  readonly mode: 'in-thread' | 'worker-threads';
  readonly workers: number;
  readonly intraOpThreads: number;
  readonly executionProviders: readonly ExecutionProvider[];
  /** How long to run after warm-up. */
  readonly seconds: number;
}

/** Distinct batches cycled through, so a model that caches nothing still sees varied data. */
const DISTINCT_BATCHES = 8;

export async function measureInferenceRate(options: InferenceRateOptions): Promise<InferenceRate> {
  const extractor = createFeatureExtractor(options.features);
  const width = extractor.width;
  const events = createTransactionGenerator({ seed: 11 }).nextBatch(
    options.batchSize * DISTINCT_BATCHES,
  );
  const batches: Float32Array[] = [];
  for (let b = 0; b < DISTINCT_BATCHES; b++) {
    const rows = new Float32Array(options.batchSize * width);
    for (let i = 0; i < options.batchSize; i++) {
      extractor.extract(events[b * options.batchSize + i], rows, i * width);
    }
    batches.push(rows);
  }

  const sessionOptions = {
    modelPath: options.modelPath,
    modelLabel: options.modelLabel,
    inputName: options.inputName,
    outputNames: options.outputNames,
    width,
    executionProviders: options.executionProviders,
    warmupBatchSizes: [options.batchSize],
    intraOpThreads: options.intraOpThreads,
    logger: createLogger({ level: 'silent' }),
  };
  const session: ModelSession =
    options.mode === 'worker-threads'
      ? await createWorkerSessionPool({ ...sessionOptions, workers: options.workers })
      : await createModelSession(sessionOptions);

  // One batch per worker plus one queued keeps every worker busy, as a backlog does.
  const parallel = options.mode === 'worker-threads' ? options.workers + 1 : 1;
  const durationsMs: number[] = [];
  let next = 0;
  try {
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const lane = async () => {
      while (performance.now() < deadline) {
        // The worker pool takes the buffer it is given (transfer), so each run gets a copy.
        const rows = (batches[next++ % DISTINCT_BATCHES] as Float32Array).slice();
        const runStarted = performance.now();
        await session.run(rows, options.batchSize);
        durationsMs.push(performance.now() - runStarted);
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
    const seconds = (performance.now() - started) / 1000;
    durationsMs.sort((a, b) => a - b);
    const servers = options.mode === 'worker-threads' ? options.workers : 1;
    return {
      mode: options.mode,
      workers: options.mode === 'worker-threads' ? options.workers : 1,
      intraOpThreads: options.intraOpThreads,
      batchSize: options.batchSize,
      rowsPerSecond: (durationsMs.length * options.batchSize) / seconds,
      batches: durationsMs.length,
      // Wall time each batch held a worker (or the main thread), queueing excluded.
      meanBatchMs: (seconds * 1000 * servers) / durationsMs.length,
      p99BatchMs: nearestRankQuantile(durationsMs, 0.99),
      seconds,
    };
  } finally {
    await session.release();
  }
}
