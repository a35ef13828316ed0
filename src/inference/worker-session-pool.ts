/**
 * A small pool of worker threads, each with its own ONNX Runtime session, behind the same
 * `ModelSession` surface as the in-thread session. A batch's rows buffer is transferred to an
 * idle worker and back (zero-copy); batches wait in order when every worker is busy.
 */
import { Worker } from 'node:worker_threads';
import { StreamscoreError } from '../errors.js';
import type { ExecutionProvider } from '../topology/index.js';
import type { ModelRun, ModelSession, ModelSessionOptions } from './model-session.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

export interface WorkerSessionPoolOptions extends ModelSessionOptions {
  readonly workers: number;
}

interface PendingRun {
  readonly rows: Float32Array;
  readonly runSize: number;
  readonly resolve: (run: ModelRun) => void;
  readonly reject: (error: Error) => void;
}

interface PooledWorker {
  readonly worker: Worker;
  busy?: { readonly id: number; readonly run: PendingRun };
}

// Compiled next to this file in dist/; the pool is used from the built CLI.
const WORKER_URL = new URL('./session-worker.js', import.meta.url);

export async function createWorkerSessionPool(
  options: WorkerSessionPoolOptions,
): Promise<ModelSession> {
  const { logger, ...shared } = options;
  const workerData = { ...shared, logLevel: logger.level };
  const pool: PooledWorker[] = [];
  const waiting: PendingRun[] = [];
  let nextId = 0;
  let provider: ExecutionProvider = 'cpu';

  const dispatch = () => {
    for (const slot of pool) {
      if (slot.busy !== undefined) continue;
      const run = waiting.shift();
      if (run === undefined) return;
      const id = nextId++;
      slot.busy = { id, run };
      const buffer = run.rows.buffer as ArrayBuffer;
      slot.worker.postMessage(
        { type: 'run', id, rows: buffer, runSize: run.runSize } satisfies WorkerRequest,
        [buffer],
      );
    }
  };

  const startWorker = () =>
    new Promise<PooledWorker>((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { workerData });
      const slot: PooledWorker = { worker };
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          provider = reply.provider;
          resolve(slot);
        } else if (reply.type === 'failed') {
          reject(
            new StreamscoreError('MODEL_INVALID', reply.message, {
              context: { model: options.modelLabel },
            }),
          );
        } else {
          const busy = slot.busy;
          slot.busy = undefined;
          if (busy !== undefined) {
            const rows = new Float32Array(reply.rows);
            if (reply.type === 'result') busy.run.resolve({ outputs: reply.outputs, rows });
            else busy.run.reject(Object.assign(new Error(reply.message), { rows }));
          }
          dispatch();
        }
      });
      worker.on('error', (error) => {
        reject(error);
        const busy = slot.busy;
        slot.busy = undefined;
        busy?.run.reject(error);
        const index = pool.indexOf(slot);
        if (index === -1) return;
        // The batch it held fails (and is dead-lettered); a fresh worker takes its place.
        pool.splice(index, 1);
        logger.error(
          { err: error, model: options.modelLabel },
          'inference worker crashed; replacing it',
        );
        startWorker().then(
          (replacement) => {
            pool.push(replacement);
            dispatch();
          },
          (restartError: unknown) =>
            logger.error(
              { err: restartError, model: options.modelLabel },
              'inference worker restart failed',
            ),
        );
      });
    });

  try {
    for (let i = 0; i < options.workers; i++) pool.push(await startWorker());
  } catch (error) {
    await Promise.all(pool.map(({ worker }) => worker.terminate()));
    throw error;
  }
  logger.info(
    { model: options.modelLabel, workers: options.workers, provider },
    'inference worker pool ready',
  );

  return {
    provider,
    inputName: options.inputName,
    outputNames: options.outputNames,
    width: options.width,
    run(rows, runSize) {
      return new Promise<ModelRun>((resolve, reject) => {
        waiting.push({ rows, runSize, resolve, reject });
        dispatch();
      });
    },
    async release() {
      await Promise.all(
        pool.map(
          ({ worker }) =>
            new Promise<void>((resolve) => {
              worker.once('exit', () => resolve());
              worker.postMessage({ type: 'release' } satisfies WorkerRequest);
              // A worker stuck in a long run is not waited for.
              setTimeout(() => void worker.terminate(), 5_000).unref();
            }),
        ),
      );
    },
  };
}
