/**
 * Worker-thread side of the drift thread: the whole drift side stream (consumer, counts,
 * evaluation, sinks) with a Prometheus registry of its own. The service asks it for its
 * metrics text and /drift data.
 */
import { Registry } from 'prom-client';
import { topologyFromThread } from '../topology/index.js';
import { createDriftService } from './drift-service.js';
import type {
  DriftAnswer,
  DriftQuestion,
  DriftThreadData,
  DriftThreadStart,
} from './drift-thread-protocol.js';
import { hostPartThread } from './part-thread-host.js';

hostPartThread<DriftThreadData, DriftThreadStart, void, DriftQuestion, DriftAnswer>(
  (data, logger) => {
    const registry = new Registry();
    const service = createDriftService({
      topology: topologyFromThread(data.topology),
      logger: logger.child({ thread: 'drift' }),
      registry,
    });
    return {
      start: (request) => service.start(request),
      stop: (deadlineMs) => service.stop(deadlineMs),
      notReady: () => service.notReady(),
      async answer(question): Promise<DriftAnswer> {
        return question === 'view'
          ? { type: 'view', source: service.view() }
          : { type: 'metrics', text: await registry.metrics() };
      },
    };
  },
);
