/**
 * The drift side stream in a worker thread of the scoring process. On the scoring thread it
 * took a fifth of the throughput (it decodes and counts every scored event again, and its
 * garbage is collected with the scorer's); in a thread of its own it costs about what a separate
 * `--only drift` process does (see the bench settings sweep). The thread has its own Prometheus
 * registry, read into /metrics, and its own /drift data, asked for per request.
 */
import { Worker } from 'node:worker_threads';
import type { DriftPageSource } from '../drift/index.js';
import { StreamscoreError } from '../errors.js';
import type { Logger, NotReady } from '../observability/index.js';
import { topologyForThread, type Topology } from '../topology/index.js';
import type {
  DriftThreadData,
  DriftThreadReply,
  DriftThreadRequest,
  ThreadError,
} from './drift-thread-protocol.js';

export interface DriftThreadOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  /** Called once when the thread dies after it started: the drift side stream has stopped. */
  readonly onFailure: (error: Error) => void;
}

export interface DriftThread {
  /** `httpPort`: where this process's admin server listens (alerts link to its /drift page). */
  start(admin: { readonly httpPort: number }): Promise<void>;
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

// Compiled next to this file in dist/; the thread is started from the built CLI.
const WORKER_URL = new URL('./drift-thread-worker.js', import.meta.url);

type Answer = Extract<DriftThreadReply, { id: number }>;

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

export function createDriftThread(options: DriftThreadOptions): DriftThread {
  const { logger } = options;
  let worker: Worker | undefined;
  let notReady: NotReady | undefined = {
    condition: 'starting',
    detail: 'drift side stream starting',
  };
  let starting: Waiter<void> | undefined;
  let stopping = false;
  let stopError: Error | undefined;
  let exited: Promise<void> = Promise.resolve();
  let nextId = 0;
  const asked = new Map<number, Waiter<Answer>>();

  const ask = (type: 'view' | 'metrics'): Promise<Answer> => {
    const running = worker;
    if (running === undefined) return Promise.reject(new Error('the drift thread is not running'));
    const id = nextId++;
    return new Promise<Answer>((resolve, reject) => {
      asked.set(id, { resolve, reject });
      running.postMessage({ type, id } satisfies DriftThreadRequest);
    });
  };

  const onReply = (reply: DriftThreadReply) => {
    switch (reply.type) {
      case 'started':
        starting?.resolve();
        starting = undefined;
        break;
      case 'start-failed':
        starting?.reject(fromThreadError(reply.error));
        starting = undefined;
        break;
      case 'stopped':
        if (reply.error !== undefined) stopError = fromThreadError(reply.error);
        break;
      case 'status':
        notReady = reply.notReady;
        break;
      default: {
        const waiter = asked.get(reply.id);
        asked.delete(reply.id);
        waiter?.resolve(reply);
      }
    }
  };

  const onExit = (error: Error) => {
    worker = undefined;
    for (const waiter of asked.values()) waiter.reject(error);
    asked.clear();
    if (starting !== undefined) {
      starting.reject(error);
      starting = undefined;
      return;
    }
    if (stopping) return;
    notReady = { condition: 'failed', detail: `drift side stream failed: ${error.message}` };
    logger.error({ err: error }, 'the drift side stream failed');
    options.onFailure(error);
  };

  return {
    start({ httpPort }) {
      const data: DriftThreadData = {
        topology: topologyForThread(options.topology),
        logLevel: logger.level,
        // The thread's own root logger sets name and pid again.
        logBindings: Object.fromEntries(
          Object.entries(logger.bindings()).filter(([key]) => key !== 'name' && key !== 'pid'),
        ),
      };
      const started = new Worker(WORKER_URL, { workerData: data });
      worker = started;
      let failure: Error | undefined;
      started.on('message', onReply);
      started.on('error', (error) => {
        failure = error;
      });
      exited = new Promise<void>((resolve) => {
        started.once('exit', (code) => {
          onExit(failure ?? new Error(`the drift thread exited with code ${code}`));
          resolve();
        });
      });
      return new Promise<void>((resolve, reject) => {
        starting = { resolve, reject };
        started.postMessage({ type: 'start', httpPort } satisfies DriftThreadRequest);
      });
    },
    async stop(deadlineMs = 30_000) {
      const running = worker;
      if (stopping || running === undefined) return exited;
      stopping = true;
      running.postMessage({ type: 'stop', deadlineMs } satisfies DriftThreadRequest);
      // A thread that overruns its deadline (a stuck flush) is not waited for.
      const overrun = setTimeout(() => void running.terminate(), deadlineMs + 1_000);
      await exited;
      clearTimeout(overrun);
      if (stopError !== undefined) throw stopError;
    },
    async view() {
      if (worker === undefined) return undefined;
      const answer = await ask('view');
      return answer.type === 'view' ? answer.source : undefined;
    },
    async metrics() {
      if (worker === undefined) return '';
      const answer = await ask('metrics');
      if (answer.type === 'metrics-failed') throw fromThreadError(answer.error);
      return answer.type === 'metrics' ? answer.text : '';
    },
    notReady: () => notReady,
  };
}

function fromThreadError(error: ThreadError): Error {
  if (error.code === undefined) return new Error(error.message);
  const { message, code, retriable, context } = error;
  return new StreamscoreError(code, message, { retriable, context });
}
