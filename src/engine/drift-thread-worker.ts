/**
 * Worker-thread side of the drift thread: the whole drift side stream (consumer, counts,
 * evaluation, sinks) with a Prometheus registry of its own. The scoring process asks it for its
 * metrics text and /drift data, and hears about its readiness when that changes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Registry } from 'prom-client';
import type { LevelWithSilent } from 'pino';
import { isStreamscoreError } from '../errors.js';
import { createLogger, type NotReady } from '../observability/index.js';
import { topologyFromThread } from '../topology/index.js';
import { createDriftService } from './drift-service.js';
import type {
  DriftThreadData,
  DriftThreadReply,
  DriftThreadRequest,
  ThreadError,
} from './drift-thread-protocol.js';

const port = parentPort;
if (port === null) throw new Error('drift-thread-worker must run in a worker thread');
const { topology, logLevel, logBindings } = workerData as DriftThreadData;
const registry = new Registry();
const service = createDriftService({
  topology: topologyFromThread(topology),
  logger: createLogger({ level: logLevel as LevelWithSilent }).child({
    ...logBindings,
    thread: 'drift',
  }),
  registry,
});
const reply = (message: DriftThreadReply) => port.postMessage(message);

/** What the scoring thread was last told; null before the first report. */
let reported: NotReady | undefined | null = null;
const reportStatus = () => {
  const notReady = service.notReady();
  if (
    reported !== null &&
    reported?.condition === notReady?.condition &&
    reported?.detail === notReady?.detail
  ) {
    return;
  }
  reported = notReady;
  reply({ type: 'status', notReady });
};
// Readiness is read synchronously by /readyz in the scoring thread, so it is pushed, not asked.
const statusTimer = setInterval(reportStatus, 250);

port.on('message', (request: DriftThreadRequest) => {
  switch (request.type) {
    case 'start':
      service.start({ httpPort: request.httpPort }).then(
        () => {
          reportStatus();
          reply({ type: 'started' });
        },
        (error: unknown) => reply({ type: 'start-failed', error: threadError(error) }),
      );
      break;
    case 'stop':
      clearInterval(statusTimer);
      service
        .stop(request.deadlineMs)
        .then(
          () => reply({ type: 'stopped' }),
          (error: unknown) => reply({ type: 'stopped', error: threadError(error) }),
        )
        .finally(() => port.close());
      break;
    case 'view':
      reply({ type: 'view', id: request.id, source: service.view() });
      break;
    case 'metrics':
      registry.metrics().then(
        (text) => reply({ type: 'metrics', id: request.id, text }),
        (error: unknown) =>
          reply({ type: 'metrics-failed', id: request.id, error: threadError(error) }),
      );
      break;
  }
});

function threadError(error: unknown): ThreadError {
  if (isStreamscoreError(error)) {
    const { message, code, retriable, context } = error;
    return { message, code, retriable, context };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}
