/**
 * Quantiles exactly as numpy computes them with its default method (`np.quantile(..., method=
 * 'linear')`, Hyndman & Fan type 7), so that reference edges built here are bit-identical to
 * the ones a data scientist gets in a notebook. The arithmetic follows numpy 2.x step by step:
 * virtual index `(n - 1) * q`, `gamma = index - floor(index)`, and numpy's two-sided lerp
 * (`b - (b - a) * (1 - gamma)` once `gamma >= 0.5`), which keeps the result monotone.
 */

/**
 * The `probability` quantile of `sorted` (ascending, finite, non-empty).
 * Throws on an empty sample: a quantile of nothing has no value to give.
 */
export function linearQuantile(sorted: ArrayLike<number>, probability: number): number {
  const count = sorted.length;
  if (count === 0) throw new RangeError('linearQuantile of an empty sample');
  const virtualIndex = (count - 1) * probability;
  if (virtualIndex >= count - 1) return sorted[count - 1] as number;
  if (virtualIndex < 0) return sorted[0] as number;
  const previousIndex = Math.floor(virtualIndex);
  const gamma = virtualIndex - previousIndex;
  const below = sorted[previousIndex] as number;
  const above = sorted[previousIndex + 1] as number;
  const difference = above - below;
  return gamma >= 0.5 ? above - difference * (1 - gamma) : below + difference * gamma;
}

/** Finite values of `values`, sorted ascending, as a new array. */
export function sortedFinite(values: Iterable<number>): Float64Array {
  const finite: number[] = [];
  for (const value of values) if (Number.isFinite(value)) finite.push(value);
  return Float64Array.from(finite).sort();
}
