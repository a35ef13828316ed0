/**
 * `scaling.pipelines` ≥ 2: that many scoring pipelines, each in a worker thread with its own
 * model session, consumer (a member of the input group, so the partitions spread over the
 * threads), producer and Prometheus registry. The service's thread keeps the admin server,
 * readiness and the drift thread; /metrics sums the threads' series (counters and histograms
 * add up, the queue and lag gauges too; the model info is taken once).
 *
 * One event loop carries decoding, features, the model call and both Kafka clients' encoding;
 * on a machine with spare cores, N of them score about N times as much (docs/operations.md,
 * "Scaling").
 */
import { AggregatorRegistry } from 'prom-client';
import type { Logger, NotReady } from '../observability/index.js';
import { topologyForThread, type Topology } from '../topology/index.js';
import { createPartThread, threadLogSetup, type PartThread } from './part-thread.js';
import type {
  ScoringAnswer,
  ScoringQuestion,
  ScoringThreadData,
} from './scoring-thread-protocol.js';

export interface ScoringThreadsOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  /** A pipeline cannot go on, or its thread died, after start. */
  readonly onFailure: (error: Error) => void;
}

export interface ScoringThreads {
  start(): Promise<void>;
  /** Stops every pipeline at once; resolves with the events they left unfinished. */
  stop(deadlineMs: number): Promise<{ unfinished: number }>;
  /** The first pipeline that cannot make progress, by number; undefined when all can. */
  notReady(): NotReady | undefined;
  /** The pipelines' metrics, summed, in the Prometheus text format. */
  metrics(): Promise<string>;
}

/**
 * A scoring thread's young generation. Every event's objects die within one micro-batch, so a
 * smaller young generation than V8's default costs few extra scavenges: on a 600k fraud
 * backlog with 2 pipelines, 24 MB scored at 29.6k events/s with a 536 MB peak RSS against
 * 30.3k and 575 MB without a limit; 12 MB cut throughput by a sixth (docs/operations.md).
 */
const SCORING_THREAD_LIMITS = { maxYoungGenerationSizeMb: 24 } as const;

type ScoringThread = PartThread<void, { unfinished: number }, ScoringQuestion, ScoringAnswer>;

export function createScoringThreads(options: ScoringThreadsOptions): ScoringThreads {
  const { topology, logger } = options;
  const transferred = topologyForThread(topology);
  const threads: ScoringThread[] = Array.from(
    { length: topology.scaling.pipelines },
    (_, pipeline) =>
      createPartThread<
        ScoringThreadData,
        void,
        { unfinished: number },
        ScoringQuestion,
        ScoringAnswer
      >({
        workerUrl: new URL('./scoring-thread-worker.js', import.meta.url),
        workerData: { topology: transferred, pipeline, ...threadLogSetup(logger) },
        describe: `scoring pipeline ${pipeline}`,
        logger,
        onFailure: options.onFailure,
        resourceLimits: SCORING_THREAD_LIMITS,
      }),
  );
  return {
    async start() {
      // Every pipeline warms its model and checks its topics before any joins the group: one
      // joining while another already scores would rebalance that one, which then reads its
      // finished but uncommitted work again. A failed step rejects after all the threads
      // settled, so that stop() finds them.
      await allOrFirstFailure(threads.map((thread) => thread.start()));
      await allOrFirstFailure(threads.map((thread) => thread.ask('join')));
    },
    async stop(deadlineMs) {
      const stopped = await Promise.allSettled(threads.map((thread) => thread.stop(deadlineMs)));
      let unfinished = 0;
      for (const [pipeline, result] of stopped.entries()) {
        if (result.status === 'fulfilled') unfinished += result.value?.unfinished ?? 0;
        else logger.error({ err: result.reason, pipeline }, 'scoring pipeline failed to stop');
      }
      return { unfinished };
    },
    notReady() {
      for (const thread of threads) {
        const notReady = thread.notReady();
        if (notReady !== undefined) return notReady;
      }
      return undefined;
    },
    async metrics() {
      // A thread that stops meanwhile drops out of this scrape rather than failing it.
      const answers = await Promise.allSettled(
        threads.filter((thread) => thread.running()).map((thread) => thread.ask('metrics')),
      );
      const perThread = answers.flatMap((answer) =>
        answer.status === 'fulfilled' && answer.value.type === 'metrics'
          ? [answer.value.metrics]
          : [],
      );
      return perThread.length === 0 ? '' : AggregatorRegistry.aggregate(perThread).metrics();
    },
  };
}

async function allOrFirstFailure(steps: Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
}
