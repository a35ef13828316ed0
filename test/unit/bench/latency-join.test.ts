import { describe, expect, it } from 'vitest';
import { createLatencyJoin } from '../../../bench/latency-join.js';

describe('createLatencyJoin', () => {
  it('joins outputs to inputs by source partition and offset, grouped by input phase', () => {
    const join = createLatencyJoin([1_000, 2_000]);
    join.addInput(0, 0, 1_100);
    join.addInput(0, 1, 1_200);
    join.addInput(1, 0, 2_100);
    join.addInput(1, 1, 900); // before the first phase: not counted
    expect(join.addOutput(0, 1, 1_230)).toBe(true);
    expect(join.addOutput(0, 0, 1_110)).toBe(true);
    expect(join.addOutput(1, 0, 2_150)).toBe(true);
    expect(join.addOutput(1, 1, 950)).toBe(true);
    expect(join.addOutput(3, 0, 5_000)).toBe(false);
    const [first, second] = join.summarize();
    expect(first).toMatchObject({ count: 2, p50Ms: 10, maxMs: 30 });
    expect(second).toMatchObject({ count: 1, p50Ms: 50 });
  });

  it('counts a redelivered output once per delivery', () => {
    const join = createLatencyJoin([0]);
    join.addInput(0, 0, 10);
    join.addOutput(0, 0, 20);
    join.addOutput(0, 0, 40);
    expect(join.summarize()[0]).toMatchObject({ count: 2, p50Ms: 10, maxMs: 30 });
  });
});
