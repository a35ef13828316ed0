/**
 * One scoring pipeline with its model session, on the thread that creates it: the model is
 * resolved and warmed up and the topics checked (prepare), then the pipeline joins the input
 * group (join). The service runs one on its own thread (`scaling.pipelines: 1`), or one in
 * each scoring thread, where every pipeline prepares before any joins (scoring-threads.ts).
 */
import { availableParallelism } from 'node:os';
import type { Registry } from 'prom-client';
import {
  createModelSession,
  createWorkerSessionPool,
  type ModelSession,
} from '../inference/index.js';
import type { Logger, NotReady } from '../observability/index.js';
import type { Topology } from '../topology/index.js';
import { createScoringPipeline, type ScoringPipeline } from './scoring-pipeline.js';
import { resolveTopologyModel } from './topology-model.js';

export interface ScoringRunnerOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  readonly registry: Registry;
  /** The pipeline cannot go on after start (see ScoringPipelineOptions.onFatal). */
  readonly onFatal?: (error: Error) => void;
  /** Which of the process's pipelines this is, from 0 (the first checks the scaling). */
  readonly pipeline?: number;
}

export interface ScoringRunner {
  /** Resolves and warms up the model, checks the topics; reads nothing yet. */
  prepare(): Promise<void>;
  /** Joins the input group and starts scoring (after prepare). */
  join(): Promise<void>;
  /** Resolves with the events left unfinished (read again after a restart). */
  stop(deadlineMs: number): Promise<{ unfinished: number }>;
  notReady(): NotReady | undefined;
}

export function createScoringRunner(options: ScoringRunnerOptions): ScoringRunner {
  const { topology, logger } = options;
  let session: ModelSession | undefined;
  let pipeline: ScoringPipeline | undefined;
  let warm = false;
  return {
    async prepare() {
      const { model, width } = await resolveTopologyModel(topology);
      const { maxBatchSize, preferredBatchSizes } = topology.batching;
      const { mode, workers, intraOpThreads } = topology.model.inference;
      const sessionOptions = {
        modelPath: model.modelPath,
        modelLabel: model.label,
        inputName: topology.model.input,
        outputNames: topology.model.outputs.map((output) => output.name),
        width,
        executionProviders: topology.model.executionProviders,
        warmupBatchSizes: [...preferredBatchSizes, maxBatchSize],
        intraOpThreads: intraOpThreadsPerPipeline(intraOpThreads, topology.scaling.pipelines),
        logger,
      };
      session =
        mode === 'worker-threads'
          ? await createWorkerSessionPool({ ...sessionOptions, workers })
          : await createModelSession(sessionOptions);
      warm = true;
      pipeline = createScoringPipeline({
        topology,
        session,
        model: { name: model.name, version: model.version },
        logger,
        registry: options.registry,
        ...(options.onFatal ? { onFatal: options.onFatal } : {}),
      });
      const { inputPartitions } = await pipeline.prepare();
      const { pipelines } = topology.scaling;
      if ((options.pipeline ?? 0) === 0 && pipelines > inputPartitions) {
        logger.warn(
          { input: topology.input.topic, inputPartitions, pipelines },
          `input topic ${topology.input.topic} has fewer partitions (${inputPartitions}) than scaling.pipelines (${pipelines}): the extra pipelines get none and sit idle`,
        );
      }
    },
    async join() {
      if (pipeline === undefined) throw new Error('scoring runner: join() before prepare()');
      await pipeline.join();
    },
    async stop(deadlineMs) {
      const { unfinished } = (await pipeline?.stop(deadlineMs)) ?? { unfinished: 0 };
      await session?.release();
      return { unfinished };
    },
    notReady() {
      if (!warm) return { condition: 'starting', detail: 'model warming up' };
      if (pipeline === undefined) {
        return { condition: 'starting', detail: 'scoring pipeline starting' };
      }
      return pipeline.notReady();
    },
  };
}

/**
 * ONNX Runtime's own choice (0) is a thread per core for every session, so N pipelines would
 * run N × cores inference threads on the same cores; with N ≥ 2 each gets its share instead.
 */
export function intraOpThreadsPerPipeline(
  configured: number,
  pipelines: number,
  cores = availableParallelism(),
): number {
  if (configured !== 0 || pipelines === 1) return configured;
  return Math.max(1, Math.floor(cores / pipelines));
}
