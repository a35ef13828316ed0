/**
 * Worker-thread side of a scoring thread: one scoring pipeline with its own model session,
 * consumer in the input group, producer and Prometheus registry.
 */
import { Registry } from 'prom-client';
import { topologyFromThread } from '../topology/index.js';
import { hostPartThread } from './part-thread-host.js';
import { createScoringRunner } from './scoring-runner.js';
import type { ScoringThreadData, ScoringThreadMetrics } from './scoring-thread-protocol.js';

hostPartThread<ScoringThreadData, void, { unfinished: number }, 'metrics', ScoringThreadMetrics>(
  (data, logger, fail) => {
    const registry = new Registry();
    const runner = createScoringRunner({
      topology: topologyFromThread(data.topology),
      logger: logger.child({ pipeline: data.pipeline }),
      registry,
      onFatal: fail,
    });
    return {
      start: () => runner.start(),
      stop: (deadlineMs) => runner.stop(deadlineMs),
      // The thread's own starting detail names the pipeline already; the runner's do not.
      notReady: () => {
        const notReady = runner.notReady();
        return notReady && { ...notReady, detail: `pipeline ${data.pipeline}: ${notReady.detail}` };
      },
      answer: () => registry.getMetricsAsJSON(),
    };
  },
);
