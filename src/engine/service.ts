/**
 * The one place that knows every concrete part: it turns a loaded topology into a running
 * service (readiness monitor, admin HTTP server, the drift side stream when enabled, model
 * session and scoring pipeline) and stops them in reverse order: scoring first, so its last
 * outputs are written before the drift consumer flushes its counts and leaves.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { driftPageRoutes, driftPageView } from '../drift/index.js';
import {
  createAdminServer,
  createReadinessMonitor,
  type Logger,
  type NotReady,
  type ReadinessCheck,
} from '../observability/index.js';
import type { Topology } from '../topology/index.js';
import { createDriftThread, type DriftThread } from './drift-thread.js';
import { createScoringRunner } from './scoring-runner.js';
import { createScoringThreads } from './scoring-threads.js';

/** What a process runs: scoring, the drift side stream, or both. */
export type ServicePart = 'scoring' | 'drift';

export interface ServiceOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  /** Overrides `observability.httpPort` (0 picks a free port). */
  readonly httpPort?: number;
  /** Default: scoring, plus drift when the topology has `drift.enabled`. */
  readonly parts?: readonly ServicePart[];
  /**
   * Called when a part fails after start (the drift thread died, the scoring pipeline cannot go
   * on); the caller should stop the service, so that its supervisor restarts the process.
   * Default: the failure is only logged.
   */
  readonly onFailure?: (error: Error) => void;
}

export interface Service {
  /**
   * The Prometheus registry of the process, and of scoring when it runs on this thread
   * (/metrics adds the scoring threads' and the drift thread's).
   */
  readonly registry: Registry;
  /** The drift side stream, when this service runs it. */
  readonly drift: DriftThread | undefined;
  start(): Promise<{ httpPort: number }>;
  /** Stops every part within the deadline; resolves with the events left unfinished. */
  stop(deadlineMs?: number): Promise<{ unfinished: number }>;
}

export function createService(options: ServiceOptions): Service {
  const { topology, logger } = options;
  const parts = options.parts ?? ['scoring', ...(topology.drift.enabled ? ['drift' as const] : [])];
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'streamscore_process_' });
  const onFailure = options.onFailure ?? (() => undefined);
  const drift = parts.includes('drift')
    ? createDriftThread({ topology, logger, onFailure })
    : undefined;
  const scoring = parts.includes('scoring')
    ? createScoring(topology, logger, registry, onFailure)
    : undefined;
  const checks: ReadinessCheck[] = [
    ...(scoring
      ? [{ name: 'scoring', gatesReadiness: true, notReady: () => scoring.notReady() }]
      : []),
    // Beside scoring, a drift outage must not take scoring out of rotation (see /readyz/drift).
    ...(drift
      ? [{ name: 'drift', gatesReadiness: scoring === undefined, notReady: () => drift.notReady() }]
      : []),
  ];
  const readiness = createReadinessMonitor({ checks, logger, registry });
  const admin = createAdminServer({
    host: topology.observability.httpHost,
    port: options.httpPort ?? topology.observability.httpPort,
    logger,
    metrics: async () =>
      (await registry.metrics()) +
      ((await scoring?.metrics()) ?? '') +
      ((await drift?.metrics()) ?? ''),
    readiness: readiness.evaluate,
    routes: driftPageRoutes(
      drift &&
        (async (scope) => {
          const source = await drift.view();
          return source && driftPageView(source, scope);
        }),
    ),
  });
  let stopped: Promise<{ unfinished: number }> | undefined;

  return {
    registry,
    drift,
    async start() {
      readiness.start();
      const { port } = await admin.start();
      await drift?.start({ httpPort: port });
      await scoring?.start();
      return { httpPort: port };
    },
    stop(deadlineMs = 30_000) {
      stopped ??= (async () => {
        const deadline = performance.now() + deadlineMs;
        const { unfinished } = (await scoring?.stop(deadlineMs)) ?? { unfinished: 0 };
        await drift?.stop(Math.max(250, deadline - performance.now()));
        await admin.stop();
        readiness.stop();
        return { unfinished };
      })();
      return stopped;
    },
  };
}

/** Scoring as the service runs it: on this thread, or as pipelines in scoring threads. */
interface Scoring {
  start(): Promise<void>;
  stop(deadlineMs: number): Promise<{ unfinished: number }>;
  notReady(): NotReady | undefined;
  /** Series of scoring that are not in the service's registry (the threads'). */
  metrics(): Promise<string>;
}

function createScoring(
  topology: Topology,
  logger: Logger,
  registry: Registry,
  onFailure: (error: Error) => void,
): Scoring {
  if (topology.scaling.pipelines > 1) return createScoringThreads({ topology, logger, onFailure });
  const runner = createScoringRunner({ topology, logger, registry, onFatal: onFailure });
  return {
    async start() {
      await runner.prepare();
      await runner.join();
    },
    stop: (deadlineMs) => runner.stop(deadlineMs),
    notReady: () => runner.notReady(),
    metrics: async () => '',
  };
}
