/**
 * Readiness that means "this process can make progress now". Each part of the process (scoring,
 * the drift side stream) is a check that names why it cannot, with a typed condition; the
 * monitor evaluates every check once a second and on each /readyz request, exports one gauge
 * sample per check and condition, and logs one line per transition (not per probe).
 *
 * A check that does not gate readiness (drift beside scoring) is reported on /readyz and in the
 * metrics, and answers /readyz/<name> with 503 on its own, while /readyz stays 200: a drift store
 * outage must not take scoring out of a load balancer or a rollout.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** Why a part cannot make progress now. */
export type NotReadyCondition =
  /** Starting up: model warming, consumer joining its group for the first time. */
  | 'starting'
  | 'stopping'
  /** The consumer is not a member of its group (rebalancing, or the group coordinator is gone). */
  | 'not-in-group'
  /** The consumer crashed and the client is restarting it. */
  | 'consumer-restarting'
  /** No fetch (consumer) or no acknowledged send (producer) has reached the broker for the broker timeout. */
  | 'broker-unreachable'
  /** Input is waiting but nothing has been finished for the stall timeout. */
  | 'stalled'
  /** The ordered output path stopped for good; the process is exiting for its supervisor. */
  | 'halted'
  /** The state store (Redis) does not answer. */
  | 'store-unreachable'
  /** The part failed and is not coming back without a restart. */
  | 'failed';

export const NOT_READY_CONDITIONS: readonly NotReadyCondition[] = [
  'starting',
  'stopping',
  'not-in-group',
  'consumer-restarting',
  'broker-unreachable',
  'stalled',
  'halted',
  'store-unreachable',
  'failed',
];

export interface NotReady {
  readonly condition: NotReadyCondition;
  /** One line for people: what is wrong, with the topic, partition or address it concerns. */
  readonly detail: string;
}

export interface ReadinessCheck {
  /** `scoring`, `drift`: a path segment and a metric label. */
  readonly name: string;
  /** Whether this check failing fails /readyz. */
  readonly gatesReadiness: boolean;
  readonly notReady: () => NotReady | undefined;
}

export interface ReadinessState {
  readonly ready: boolean;
  readonly checks: readonly {
    readonly name: string;
    readonly gatesReadiness: boolean;
    readonly notReady: NotReady | undefined;
  }[];
}

export interface ReadinessMonitor {
  /** Evaluates every check now (logging and exporting transitions). */
  evaluate(): ReadinessState;
  /** Starts the once-a-second evaluation. */
  start(): void;
  stop(): void;
}

export interface ReadinessMonitorOptions {
  readonly checks: readonly ReadinessCheck[];
  readonly logger: Logger;
  readonly registry?: Registry;
  /** Default 1 s. */
  readonly intervalMs?: number;
}

export function createReadinessMonitor(options: ReadinessMonitorOptions): ReadinessMonitor {
  const log = options.logger.child({ stage: 'readiness' });
  const registers = options.registry ? [options.registry] : [];
  const readyGauge = new Gauge({
    name: 'streamscore_ready',
    help: 'Whether the part can make progress now (1) or not (0); see streamscore_not_ready for why.',
    labelNames: ['check'],
    registers,
  });
  const conditionGauge = new Gauge({
    name: 'streamscore_not_ready',
    help: 'Why the part cannot make progress: 1 for the condition that holds, 0 for the others.',
    labelNames: ['check', 'condition'],
    registers,
  });
  const last = new Map<string, NotReady | undefined>();
  /** Checks whose last evaluation threw: the error is logged when it starts, not every second. */
  const throwing = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  function note(check: ReadinessCheck, notReady: NotReady | undefined): void {
    const before = last.get(check.name);
    const seen = last.has(check.name);
    last.set(check.name, notReady);
    readyGauge.set({ check: check.name }, notReady === undefined ? 1 : 0);
    for (const condition of NOT_READY_CONDITIONS) {
      conditionGauge.set(
        { check: check.name, condition },
        notReady?.condition === condition ? 1 : 0,
      );
    }
    if (seen && before?.condition === notReady?.condition) return;
    if (notReady === undefined) {
      if (seen) log.info({ check: check.name, was: before?.condition }, 'ready');
      return;
    }
    const fields = {
      check: check.name,
      condition: notReady.condition,
      detail: notReady.detail,
      gatesReadiness: check.gatesReadiness,
    };
    // Starting and stopping are the expected states of a healthy process.
    if (notReady.condition === 'starting' || notReady.condition === 'stopping') {
      log.info(fields, 'not ready');
    } else log.warn(fields, 'not ready');
  }

  function evaluate(): ReadinessState {
    const checks = options.checks.map((check) => {
      let notReady: NotReady | undefined;
      try {
        notReady = check.notReady();
        throwing.delete(check.name);
      } catch (error) {
        // The detail is served on /readyz, so it says where to look rather than what was thrown.
        if (!throwing.has(check.name))
          log.error({ err: error, check: check.name }, 'readiness check threw');
        throwing.add(check.name);
        notReady = { condition: 'failed', detail: 'readiness check threw; see the process log' };
      }
      note(check, notReady);
      return { name: check.name, gatesReadiness: check.gatesReadiness, notReady };
    });
    return {
      ready: checks.every((check) => !check.gatesReadiness || check.notReady === undefined),
      checks,
    };
  }

  return {
    evaluate,
    start() {
      if (timer !== undefined) return;
      evaluate();
      timer = setInterval(evaluate, options.intervalMs ?? 1_000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
