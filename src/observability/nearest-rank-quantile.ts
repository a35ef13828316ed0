/**
 * Nearest-rank quantile of ascending `sorted` values: the smallest value with at least
 * `q × n` values at or below it. NaN for an empty list. Nearest rank never invents a value
 * between two observations, so a p99.9 of integer milliseconds stays an observed latency.
 */
export function nearestRankQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (q <= 0) return sorted[0] as number;
  const rank = Math.ceil(q * n);
  return sorted[Math.min(n, rank) - 1] as number;
}
