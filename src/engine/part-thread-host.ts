/**
 * The worker-thread side of a part thread (part-thread.ts): runs the part the thread was
 * started for, answers the service's questions, pushes its readiness whenever it changes
 * (/readyz reads it synchronously on the service's thread), and reports a failure after
 * start. The thread ends once the part stopped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LevelWithSilent } from 'pino';
import { createLogger, type Logger, type NotReady } from '../observability/index.js';
import {
  toThreadError,
  type PartThreadReply,
  type PartThreadRequest,
  type ThreadLogSetup,
} from './part-thread-protocol.js';

export interface HostedPart<Start, Stopped, Question, Answer> {
  start(request: Start): Promise<void>;
  stop(deadlineMs: number): Promise<Stopped>;
  notReady(): NotReady | undefined;
  answer(question: Question): Answer | Promise<Answer>;
}

/** How often readiness is compared with what the service was last told. */
const STATUS_INTERVAL_MS = 250;

/**
 * Hosts the part `create` makes from the thread's data and logger. `fail` reports that the
 * part cannot go on (the service then stops, for a supervisor to restart the process).
 */
export function hostPartThread<Data extends ThreadLogSetup, Start, Stopped, Question, Answer>(
  create: (
    data: Data,
    logger: Logger,
    fail: (error: Error) => void,
  ) => HostedPart<Start, Stopped, Question, Answer>,
): void {
  const port = parentPort;
  if (port === null) throw new Error('a part thread module must run in a worker thread');
  const data = workerData as Data;
  const logger = createLogger({ level: data.logLevel as LevelWithSilent }).child(data.logBindings);
  const reply = (message: PartThreadReply<Stopped, Answer>) => port.postMessage(message);
  const part = create(data, logger, (error) =>
    reply({ type: 'failed', error: toThreadError(error) }),
  );

  /** What the service was last told; null before the first report. */
  let reported: NotReady | undefined | null = null;
  const reportStatus = () => {
    const notReady = part.notReady();
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
  const statusTimer = setInterval(reportStatus, STATUS_INTERVAL_MS);

  port.on('message', (request: PartThreadRequest<Start, Question>) => {
    switch (request.type) {
      case 'start':
        part.start(request.request).then(
          () => {
            reportStatus();
            reply({ type: 'started' });
          },
          (error: unknown) => reply({ type: 'start-failed', error: toThreadError(error) }),
        );
        break;
      case 'stop':
        clearInterval(statusTimer);
        part
          .stop(request.deadlineMs)
          .then(
            (result) => reply({ type: 'stopped', result }),
            (error: unknown) => reply({ type: 'stopped', error: toThreadError(error) }),
          )
          .finally(() => port.close());
        break;
      case 'ask':
        Promise.resolve()
          .then(() => part.answer(request.question))
          .then(
            (answer) => reply({ type: 'answer', id: request.id, answer }),
            (error: unknown) =>
              reply({ type: 'answer-failed', id: request.id, error: toThreadError(error) }),
          );
        break;
    }
  });
}
