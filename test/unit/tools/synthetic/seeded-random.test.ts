import { describe, expect, it } from 'vitest';
import { createSeededRandom, cumulativeWeights } from '../../../../tools/synthetic/index.js';

describe('createSeededRandom', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number): number[] => {
      const random = createSeededRandom(seed);
      return Array.from({ length: 50 }, () => random.uint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => createSeededRandom(1.5)).toThrow(RangeError);
  });

  it('draws uniform floats in [0, 1) and integers in [0, n)', () => {
    const random = createSeededRandom(1);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const value = random.float();
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
      const bucket = random.int(10);
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    for (const count of counts) expect(count).toBeGreaterThan(9_500);
  });

  it('draws standard normals with mean 0 and sd 1', () => {
    const random = createSeededRandom(2);
    let sum = 0;
    let squares = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const value = random.normal();
      sum += value;
      squares += value * value;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(squares / n)).toBeCloseTo(1, 1);
  });

  it('draws Pareto values above the scale with the heavy tail P(X > x) = (scale / x)^shape', () => {
    const random = createSeededRandom(3);
    let above4 = 0;
    let min = Infinity;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const value = random.pareto(1, 2);
      min = Math.min(min, value);
      if (value > 4) above4++;
    }
    expect(min).toBeGreaterThanOrEqual(1);
    expect(above4 / n).toBeCloseTo(1 / 16, 2);
  });

  it('picks indices in proportion to their weights and never a zero-weight one', () => {
    const random = createSeededRandom(4);
    const table = cumulativeWeights([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const index = random.pick(table);
      counts[index] = (counts[index] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / 40_000).toBeCloseTo(0.75, 1);
  });

  it('refuses weight tables with negative or no weight', () => {
    expect(() => cumulativeWeights([1, -1])).toThrow(RangeError);
    expect(() => cumulativeWeights([0, 0])).toThrow(RangeError);
  });
});
