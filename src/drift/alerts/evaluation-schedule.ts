/**
 * When evaluations run. Rounds ("ticks") fall on multiples of the fast interval since the epoch,
 * so every instance and every restart evaluates the same windows; the slow evaluation joins
 * the round on multiples of its own interval, so one round can group both into one
 * notification. A round runs `settleMs` after its tick, leaving time for the last counts of
 * the window to reach the store. Rounds never overlap; when one overruns, the rounds it
 * missed are skipped, not queued.
 */
import type { EvaluationScope } from './alert-state-machine.js';

/** The time source and timers of the schedule; the system's in production, a fake in tests. */
export interface DriftClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: DriftClock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, delayMs: number) => setTimeout(callback, delayMs),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
});

/** One evaluation: a sliding window of `windowMs` ending at each multiple of `everyMs`. */
export interface EvaluationCadence {
  readonly windowMs: number;
  readonly everyMs: number;
}

export interface EvaluationSettings {
  readonly fast: EvaluationCadence;
  readonly slow: EvaluationCadence;
}

/** The evaluations due in the round at `tickMs` (a multiple of the fast interval). */
export function dueScopes(tickMs: number, settings: EvaluationSettings): EvaluationScope[] {
  return tickMs % settings.slow.everyMs === 0 ? ['fast', 'slow'] : ['fast'];
}

export interface EvaluationScheduleOptions {
  readonly everyMs: number;
  readonly settleMs: number;
  readonly clock: DriftClock;
  /** Runs one round; a rejection is the caller's to log (the schedule goes on). */
  readonly run: (tickMs: number) => Promise<void>;
  /** Told how many rounds an overrun skipped. */
  readonly onSkipped?: (skipped: number, tickMs: number) => void;
}

export interface EvaluationSchedule {
  /** Schedules the first round at the next tick. */
  start(): void;
  /** No further rounds; resolves once a running round has finished. */
  stop(): Promise<void>;
}

export function createEvaluationSchedule(options: EvaluationScheduleOptions): EvaluationSchedule {
  const { everyMs, settleMs, clock, run } = options;
  let timer: unknown;
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastTickMs: number | undefined;

  /** The latest tick whose round may run now. */
  const latestDueTick = () => Math.floor((clock.now() - settleMs) / everyMs) * everyMs;

  const scheduleNext = () => {
    if (stopped) return;
    const due = latestDueTick();
    let tickMs = due + everyMs;
    if (lastTickMs !== undefined && due > lastTickMs) {
      tickMs = due;
      const skipped = (due - lastTickMs) / everyMs - 1;
      if (skipped > 0) options.onSkipped?.(skipped, tickMs);
    }
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        lastTickMs = tickMs;
        running = run(tickMs)
          .catch(() => undefined)
          .finally(() => {
            running = undefined;
            scheduleNext();
          });
      },
      Math.max(0, tickMs + settleMs - clock.now()),
    );
  };

  return {
    start() {
      if (stopped || timer !== undefined || running !== undefined) return;
      scheduleNext();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
