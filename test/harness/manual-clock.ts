/**
 * A drift clock for unit tests: time moves only when the test says, and the timers that fall
 * due on the way run in order, each followed by the promise chains it starts.
 */
import type { DriftClock } from '../../src/drift/alerts/index.js';

/** Lets promise chains (a round ending, the next being scheduled) run to their end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A clock whose time moves only when the test says, firing due timers in order. */
export function manualClock(startMs: number) {
  let now = startMs;
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 0;
  const clock: DriftClock = {
    now: () => now,
    setTimeout(callback, delayMs) {
      const id = nextId++;
      timers.push({ at: now + delayMs, callback, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer.id !== handle);
    },
  };
  return {
    clock,
    pending: () => timers.length,
    /** Moves time to `toMs`, running every timer due on the way (and what they start). */
    async advanceTo(toMs: number) {
      await settle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const [next] = timers;
        if (next === undefined || next.at > toMs) break;
        timers.shift();
        now = next.at;
        next.callback();
        await settle();
      }
      now = toMs;
    },
  };
}
