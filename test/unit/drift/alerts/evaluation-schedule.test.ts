import { describe, expect, it } from 'vitest';
import { createEvaluationSchedule, dueScopes } from '../../../../src/drift/alerts/index.js';
import { manualClock } from '../../../harness/manual-clock.js';

describe('the evaluation schedule', () => {
  it('runs a round per interval on multiples of it, settleMs after each', async () => {
    // At 1010 the round of tick 1000 is still to come (at 1040): it is the first.
    const time = manualClock(1_010);
    const ran: { tick: number; at: number }[] = [];
    const schedule = createEvaluationSchedule({
      everyMs: 250,
      settleMs: 40,
      clock: time.clock,
      run: async (tick) => {
        ran.push({ tick, at: time.clock.now() });
      },
    });
    schedule.start();
    await time.advanceTo(1_800);
    expect(ran).toEqual([
      { tick: 1_000, at: 1_040 },
      { tick: 1_250, at: 1_290 },
      { tick: 1_500, at: 1_540 },
      { tick: 1_750, at: 1_790 },
    ]);
    await schedule.stop();
    expect(time.pending()).toBe(0);
  });

  it('never overlaps rounds, and skips the rounds an overrun missed', async () => {
    const time = manualClock(0);
    const ran: number[] = [];
    const skipped: [number, number][] = [];
    let release: () => void = () => undefined;
    const schedule = createEvaluationSchedule({
      everyMs: 100,
      settleMs: 0,
      clock: time.clock,
      run: async (tick) => {
        ran.push(tick);
        if (tick === 100) await new Promise<void>((resolve) => (release = resolve));
      },
      onSkipped: (count, tick) => skipped.push([count, tick]),
    });
    schedule.start();
    await time.advanceTo(450);
    expect(ran).toEqual([100]);
    release();
    await time.advanceTo(450);
    // 200, 300 and 400 came while round 100 ran: only the latest runs, at once.
    expect(ran).toEqual([100, 400]);
    expect(skipped).toEqual([[2, 400]]);
    await time.advanceTo(500);
    expect(ran).toEqual([100, 400, 500]);
    await schedule.stop();
  });

  it('stops between rounds, and waits for a running one', async () => {
    const time = manualClock(0);
    let release: () => void = () => undefined;
    let finished = false;
    const schedule = createEvaluationSchedule({
      everyMs: 100,
      settleMs: 0,
      clock: time.clock,
      run: async () => {
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
    });
    schedule.start();
    await time.advanceTo(100);
    const stopping = schedule.stop();
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(time.pending()).toBe(0);
  });

  it('adds the slow evaluation on multiples of its own interval', () => {
    const settings = {
      fast: { windowMs: 3_600_000, everyMs: 300_000 },
      slow: { windowMs: 86_400_000, everyMs: 3_600_000 },
    };
    expect(dueScopes(7_200_000, settings)).toEqual(['fast', 'slow']);
    expect(dueScopes(7_500_000, settings)).toEqual(['fast']);
  });
});
