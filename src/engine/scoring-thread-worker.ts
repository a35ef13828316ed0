/**
 * Worker-thread side of a scoring thread: one scoring pipeline with its own model session,
 * consumer in the input group, producer and Prometheus registry. Its start prepares the
 * pipeline; the service then asks it to join.
 */
import { Registry } from 'prom-client';
import { topologyFromThread } from '../topology/index.js';
import { hostPartThread } from './part-thread-host.js';
import { createScoringRunner } from './scoring-runner.js';
import type {
  ScoringAnswer,
  ScoringQuestion,
  ScoringThreadData,
} from './scoring-thread-protocol.js';

hostPartThread<ScoringThreadData, void, { unfinished: number }, ScoringQuestion, ScoringAnswer>(
  (data, logger, fail) => {
    const registry = new Registry();
    const runner = createScoringRunner({
      topology: topologyFromThread(data.topology),
      logger: logger.child({ pipeline: data.pipeline }),
      registry,
      onFatal: fail,
      pipeline: data.pipeline,
    });
    return {
      start: () => runner.prepare(),
      stop: (deadlineMs) => runner.stop(deadlineMs),
      // The thread's own starting detail names the pipeline already; the runner's do not.
      notReady: () => {
        const notReady = runner.notReady();
        return notReady && { ...notReady, detail: `pipeline ${data.pipeline}: ${notReady.detail}` };
      },
      answer: async (question): Promise<ScoringAnswer> => {
        if (question === 'join') {
          await runner.join();
          return { type: 'joined' };
        }
        return { type: 'metrics', metrics: await registry.getMetricsAsJSON() };
      },
    };
  },
);
