/**
 * The service's side of a part running in a worker thread: start and stop it, ask it
 * questions (answered by id), and read its readiness synchronously, as the thread last pushed
 * it. A thread that dies, or reports that its part cannot go on, after it started calls
 * `onFailure` once; before that, the failure rejects `start`.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Logger, NotReady } from '../observability/index.js';
import {
  fromThreadError,
  type PartThreadReply,
  type PartThreadRequest,
  type ThreadLogSetup,
} from './part-thread-protocol.js';

export interface PartThreadOptions<Data> {
  /** The worker module, next to its caller (see runnableWorkerUrl for source mode). */
  readonly workerUrl: URL;
  readonly workerData: Data;
  /** What the part is, in readiness, log lines and errors: "drift side stream". */
  readonly describe: string;
  readonly logger: Logger;
  readonly onFailure: (error: Error) => void;
  /** The thread's V8 heap limits; Node's defaults where absent. */
  readonly resourceLimits?: ResourceLimits;
}

export interface PartThread<Start, Stopped, Question, Answer> {
  start(request: Start): Promise<void>;
  /**
   * Asks the part to stop within the deadline; a thread that overruns it is terminated.
   * Resolves with what the part's stop reported (undefined when it was not running or was
   * terminated); rejects with the error its stop ended in.
   */
  stop(deadlineMs: number): Promise<Stopped | undefined>;
  /** Rejects when the thread is not running, or with the part's error. */
  ask(question: Question): Promise<Answer>;
  running(): boolean;
  notReady(): NotReady | undefined;
}

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

/** What a part thread starts from for its logger: the service's level and bindings. */
export function threadLogSetup(logger: Logger): ThreadLogSetup {
  return {
    logLevel: logger.level,
    // The thread's own root logger sets name and pid again.
    logBindings: Object.fromEntries(
      Object.entries(logger.bindings()).filter(([key]) => key !== 'name' && key !== 'pid'),
    ),
  };
}

/** Run from source, this file is src/engine/part-thread.ts: the repository root. */
const SOURCE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Node 20 starts worker threads from JavaScript only. A caller running from TypeScript source
 * (in-process integration tests under vitest) starts the worker built from the same source in
 * dist/, which `npm test` builds first.
 */
export function runnableWorkerUrl(workerUrl: URL): URL {
  if (existsSync(workerUrl)) return workerUrl;
  const source = fileURLToPath(workerUrl);
  const built = pathToFileURL(join(SOURCE_ROOT, 'dist', relative(SOURCE_ROOT, source)));
  if (existsSync(built)) return built;
  throw new Error(
    `worker module ${source} is not built: run \`npm run build\` (looked for ${fileURLToPath(built)})`,
  );
}

export function createPartThread<Data, Start, Stopped, Question, Answer>(
  options: PartThreadOptions<Data>,
): PartThread<Start, Stopped, Question, Answer> {
  const { logger, describe } = options;
  type Request = PartThreadRequest<Start, Question>;
  let worker: Worker | undefined;
  let notReady: NotReady | undefined = { condition: 'starting', detail: `${describe} starting` };
  let starting: Waiter<void> | undefined;
  let stopping = false;
  let failed = false;
  let stopped: { result?: Stopped; error?: Error } = {};
  let exited: Promise<void> = Promise.resolve();
  let nextId = 0;
  const asked = new Map<number, Waiter<Answer>>();

  function failAfterStart(error: Error): void {
    if (stopping || failed) return;
    failed = true;
    notReady = { condition: 'failed', detail: `${describe} failed: ${error.message}` };
    logger.error({ err: error }, `${describe} failed`);
    options.onFailure(error);
  }

  const onReply = (reply: PartThreadReply<Stopped, Answer>) => {
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
        stopped = {
          ...(reply.result === undefined ? {} : { result: reply.result }),
          ...(reply.error === undefined ? {} : { error: fromThreadError(reply.error) }),
        };
        // The part is done, but its thread may linger on a client's timers (kafkajs retrying a
        // broker that is gone) past the stop deadline: it is ended now.
        void worker?.terminate();
        break;
      case 'status':
        if (!failed) notReady = reply.notReady;
        break;
      case 'failed':
        failAfterStart(fromThreadError(reply.error));
        break;
      case 'answer':
      case 'answer-failed': {
        const waiter = asked.get(reply.id);
        asked.delete(reply.id);
        if (reply.type === 'answer') waiter?.resolve(reply.answer);
        else waiter?.reject(fromThreadError(reply.error));
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
    failAfterStart(error);
  };

  const post = (running: Worker, request: Request) => running.postMessage(request);

  return {
    start(request) {
      const started = new Worker(runnableWorkerUrl(options.workerUrl), {
        workerData: options.workerData,
        ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      });
      worker = started;
      let failure: Error | undefined;
      started.on('message', onReply);
      started.on('error', (error) => {
        failure = error;
      });
      exited = new Promise<void>((resolve) => {
        started.once('exit', (code) => {
          onExit(failure ?? new Error(`${describe}: its thread exited with code ${code}`));
          resolve();
        });
      });
      return new Promise<void>((resolve, reject) => {
        starting = { resolve, reject };
        post(started, { type: 'start', request });
      });
    },
    async stop(deadlineMs) {
      const running = worker;
      if (stopping || running === undefined) {
        await exited;
        return stopped.result;
      }
      stopping = true;
      post(running, { type: 'stop', deadlineMs });
      // A thread that overruns its deadline (a stuck flush) is not waited for.
      const overrun = setTimeout(() => void running.terminate(), deadlineMs + 1_000);
      await exited;
      clearTimeout(overrun);
      if (stopped.error !== undefined) throw stopped.error;
      return stopped.result;
    },
    ask(question) {
      const running = worker;
      if (running === undefined) return Promise.reject(new Error(`${describe} is not running`));
      const id = nextId++;
      return new Promise<Answer>((resolve, reject) => {
        asked.set(id, { resolve, reject });
        post(running, { type: 'ask', id, question });
      });
    },
    running: () => worker !== undefined,
    notReady: () => notReady,
  };
}
