import { describe, expect, it } from 'vitest';
import { nearestRankQuantile } from '../../../src/observability/index.js';

describe('quantile (nearest rank)', () => {
  const values = Float64Array.from({ length: 1000 }, (_, index) => index + 1);

  it('returns an observed value: the smallest with at least q·n values at or below it', () => {
    expect(nearestRankQuantile(values, 0.5)).toBe(500);
    expect(nearestRankQuantile(values, 0.99)).toBe(990);
    expect(nearestRankQuantile(values, 0.999)).toBe(999);
    expect(nearestRankQuantile(values, 1)).toBe(1000);
    expect(nearestRankQuantile(values, 0)).toBe(1);
  });

  it('takes the maximum for a p99.9 of fewer than a thousand values', () => {
    expect(nearestRankQuantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.999)).toBe(10);
    expect(nearestRankQuantile([7], 0.5)).toBe(7);
  });

  it('is NaN for no values', () => {
    expect(nearestRankQuantile([], 0.5)).toBeNaN();
  });
});
