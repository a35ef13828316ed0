import { describe, expect, it } from 'vitest';
import { createProduceProgress } from '../../../src/cli/produce-progress.js';

function clockAt(startMs: number) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe('the progress lines of produce', () => {
  it('says how many of how many, at the rate of the last interval', () => {
    const clock = clockAt(0);
    const progress = createProduceProgress({
      topic: 'transactions',
      total: 36_000,
      now: clock.now,
    });
    clock.advance(1_000);
    progress.produced(4_000);
    expect(progress.intervalLine()).toBe('produced 4,000 of 36,000 events (4,000/s)');
    clock.advance(2_000);
    progress.produced(12_000);
    expect(progress.intervalLine()).toBe('produced 12,000 of 36,000 events (4,000/s)');
  });

  it('writes ? for the total of a stream', () => {
    const clock = clockAt(0);
    const progress = createProduceProgress({ topic: 't', now: clock.now });
    clock.advance(1_000);
    progress.produced(12);
    expect(progress.intervalLine()).toBe('produced 12 of ? events (12/s)');
  });

  it('ends with the totals, or with what was produced before a failure', () => {
    const clock = clockAt(5_000);
    const progress = createProduceProgress({ topic: 'transactions', total: 9_000, now: clock.now });
    clock.advance(4_500);
    progress.produced(9_000);
    expect(progress.summaryLine('done')).toBe(
      'produced 9,000 events to transactions in 4.5 s (2,000/s)',
    );
    expect(progress.summaryLine('failed')).toBe(
      'produced 9,000 of 9,000 events to transactions in 4.5 s (2,000/s); then it failed',
    );
  });

  it('shows no rate for an interval of no time', () => {
    const progress = createProduceProgress({ topic: 't', now: () => 0 });
    expect(progress.summaryLine('done')).toBe('produced 0 events to t in 0.0 s (-/s)');
  });
});
