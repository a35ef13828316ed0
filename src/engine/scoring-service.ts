/**
 * The one place that knows every concrete part: it turns a loaded topology into a running
 * scoring service (model session, pipeline, admin HTTP server) and stops them in reverse order.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createFeatureExtractor } from '../features/index.js';
import {
  checkFeatureColumns,
  createModelSession,
  createWorkerSessionPool,
  resolveModel,
  type ModelSession,
} from '../inference/index.js';
import { createAdminServer, type Logger } from '../observability/index.js';
import type { Topology } from '../topology/index.js';
import { createScoringPipeline, type ScoringPipeline } from './scoring-pipeline.js';

export interface ScoringServiceOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  /** Overrides `observability.httpPort` (0 picks a free port). */
  readonly httpPort?: number;
}

export interface ScoringService {
  /** The Prometheus registry behind /metrics. */
  readonly registry: Registry;
  start(): Promise<{ httpPort: number }>;
  stop(deadlineMs?: number): Promise<void>;
}

export function createScoringService(options: ScoringServiceOptions): ScoringService {
  const { topology, logger } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'streamscore_process_' });
  let session: ModelSession | undefined;
  let pipeline: ScoringPipeline | undefined;
  let warm = false;
  const admin = createAdminServer({
    port: options.httpPort ?? topology.observability.httpPort,
    registry,
    notReadyReason: () => {
      if (!warm) return 'model warming up';
      return pipeline === undefined ? 'starting' : pipeline.notReadyReason();
    },
  });
  let stopped: Promise<void> | undefined;

  return {
    registry,
    async start() {
      const { port } = await admin.start();
      const model = await resolveModel(
        topology.model.registryDir,
        topology.model.name,
        topology.model.version,
      );
      const extractor = createFeatureExtractor(topology.features);
      checkFeatureColumns(model, extractor.columns, topology.sourceFile);
      const { maxBatchSize, preferredBatchSizes } = topology.batching;
      const { mode, workers, intraOpThreads } = topology.model.inference;
      const sessionOptions = {
        modelPath: model.modelPath,
        modelLabel: model.label,
        inputName: topology.model.input,
        outputNames: topology.model.outputs.map((output) => output.name),
        width: extractor.width,
        executionProviders: topology.model.executionProviders,
        warmupBatchSizes: [...preferredBatchSizes, maxBatchSize],
        intraOpThreads,
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
        registry,
      });
      await pipeline.start();
      return { httpPort: port };
    },
    stop(deadlineMs = 30_000) {
      stopped ??= (async () => {
        await pipeline?.stop(deadlineMs);
        await session?.release();
        await admin.stop();
      })();
      return stopped;
    },
  };
}
