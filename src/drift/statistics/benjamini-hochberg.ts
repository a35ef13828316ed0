/**
 * Benjamini–Hochberg adjusted p-values, as `scipy.stats.false_discovery_control(p,
 * method='bh')` computes them: sort ascending, scale the i-th smallest by m/i, take the running
 * minimum from the largest down, cap at 1. A test survives at false discovery rate q exactly
 * when its adjusted p-value is ≤ q — the step-up procedure, without the bookkeeping.
 *
 * Why BH: a model has tens of features, each tested every few minutes; without a correction
 * some feature would "drift" in every evaluation by chance alone.
 */

/** Adjusted p-values in input order; `null` entries (no test) stay null and do not count in m. */
export function benjaminiHochbergAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues
    .map((pValue, index) => ({ pValue, index }))
    .filter((entry): entry is { pValue: number; index: number } => entry.pValue !== null)
    .sort((a, b) => a.pValue - b.pValue || a.index - b.index);
  const m = tested.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let runningMinimum = 1;
  for (let rank = m; rank >= 1; rank--) {
    const entry = tested[rank - 1] as { pValue: number; index: number };
    // p · (m / i), in scipy's order of operations, so the numbers agree to the last bit.
    runningMinimum = Math.min(runningMinimum, entry.pValue * (m / rank));
    adjusted[entry.index] = runningMinimum;
  }
  return adjusted;
}
