/**
 * Worker-thread side of the session pool: one ONNX Runtime session per worker. onnxruntime-node's
 * run() blocks its thread (microsoft/onnxruntime#19611), so heavy models run here and the main
 * thread keeps serving Kafka. Buffers move both ways by transfer, never by copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../observability/index.js';
import { createModelSession, type ModelSessionOptions } from './model-session.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('session-worker must run in a worker thread');
const { logLevel, ...sessionOptions } = workerData as Omit<ModelSessionOptions, 'logger'> & {
  logLevel: 'warn' | 'info';
};

const session = await createModelSession({
  ...sessionOptions,
  logger: createLogger({ level: logLevel }).child({ worker: true }),
}).catch((error: unknown) => {
  port.postMessage({ type: 'failed', message: String((error as Error).message ?? error) });
  throw error;
});
port.postMessage({ type: 'ready', provider: session.provider } satisfies WorkerReply);

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'release') {
    void session.release().then(() => port.close());
    return;
  }
  const rows = new Float32Array(request.rows);
  session.run(rows, request.runSize).then(
    ({ outputs }) => {
      // Outputs are a few numbers per row and are copied; the rows buffer goes back by transfer.
      port.postMessage(
        { type: 'result', id: request.id, outputs, rows: request.rows } satisfies WorkerReply,
        [request.rows],
      );
    },
    (error: unknown) => {
      port.postMessage(
        {
          type: 'error',
          id: request.id,
          message: String(error),
          rows: request.rows,
        } satisfies WorkerReply,
        [request.rows],
      );
    },
  );
});
