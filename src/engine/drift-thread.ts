/**
 * The drift side stream in a worker thread of the service. On the scoring thread it took a
 * fifth of the throughput (it decodes and counts every scored event again, and its garbage is
 * collected with the scorer's); in a thread of its own it costs about what a separate
 * `--only drift` process does (see the bench settings sweep). The thread has its own
 * Prometheus registry, read into /metrics, and its own /drift data, asked for per request.
 */
import type { DriftPageSource } from '../drift/index.js';
import type { Logger, NotReady } from '../observability/index.js';
import { topologyForThread, type Topology } from '../topology/index.js';
import type {
  DriftAnswer,
  DriftQuestion,
  DriftThreadData,
  DriftThreadStart,
} from './drift-thread-protocol.js';
import { createPartThread, threadLogSetup } from './part-thread.js';

export interface DriftThreadOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  /** Called once when the thread dies after it started: the drift side stream has stopped. */
  readonly onFailure: (error: Error) => void;
}

export interface DriftThread {
  /** `httpPort`: where this process's admin server listens (alerts link to its /drift page). */
  start(admin: DriftThreadStart): Promise<void>;
  stop(deadlineMs?: number): Promise<void>;
  /** The /drift page's data (see DriftService.view). */
  view(): Promise<DriftPageSource | undefined>;
  /** The thread's metrics in the Prometheus text format; empty before start and after stop. */
  metrics(): Promise<string>;
  /**
   * Why the side stream cannot count now, as the thread last reported it (see
   * DriftService.notReady), or `failed` once the thread died; undefined when it can.
   */
  notReady(): NotReady | undefined;
}

export function createDriftThread(options: DriftThreadOptions): DriftThread {
  const thread = createPartThread<
    DriftThreadData,
    DriftThreadStart,
    void,
    DriftQuestion,
    DriftAnswer
  >({
    workerUrl: new URL('./drift-thread-worker.js', import.meta.url),
    workerData: {
      topology: topologyForThread(options.topology),
      ...threadLogSetup(options.logger),
    },
    describe: 'drift side stream',
    logger: options.logger,
    onFailure: options.onFailure,
  });
  return {
    start: (admin) => thread.start(admin),
    async stop(deadlineMs = 30_000) {
      await thread.stop(deadlineMs);
    },
    async view() {
      if (!thread.running()) return undefined;
      const answer = await thread.ask('view');
      return answer.type === 'view' ? answer.source : undefined;
    },
    async metrics() {
      if (!thread.running()) return '';
      const answer = await thread.ask('metrics');
      return answer.type === 'metrics' ? answer.text : '';
    },
    notReady: () => thread.notReady(),
  };
}
