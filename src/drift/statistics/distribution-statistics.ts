/**
 * Distances and tests between a reference and a current distribution, both given as integer
 * counts over the same bins. Each function states the numpy/scipy expression it reproduces;
 * the drift fixtures (test/fixtures/drift) hold scipy's answers and the tests hold us to them.
 * Every function returns null when either side has no mass: nothing was observed to compare.
 */
import { chiSquareSurvival } from './incomplete-gamma.js';
import { pairwiseSum } from './pairwise-sum.js';

type Counts = ArrayLike<number>;

/** Shares below this are raised to it before PSI, so an empty bin costs a finite amount. */
export const PSI_SHARE_FLOOR = 1e-4;

/**
 * Population stability index: Σ (c − r)·ln(c / r) over bin shares, each share floored at
 * 1e-4 and not renormalised. numpy: `r = np.maximum(ref / ref.sum(), 1e-4)`, same for c,
 * `np.sum((c - r) * np.log(c / r))`.
 */
export function psi(reference: Counts, current: Counts): number | null {
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  const terms = new Float64Array(reference.length);
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max((reference[i] as number) / referenceTotal, PSI_SHARE_FLOOR);
    const c = Math.max((current[i] as number) / currentTotal, PSI_SHARE_FLOOR);
    terms[i] = (c - r) * Math.log(c / r);
  }
  return pairwiseSum(terms);
}

/**
 * Jensen–Shannon distance in bits, `scipy.spatial.distance.jensenshannon(ref, cur, base=2)`:
 * both vectors normalised, m = (p + q)/2, sqrt((KL(p‖m) + KL(q‖m)) / 2 / ln 2). In [0, 1].
 */
export function jensenShannonDistance(reference: Counts, current: Counts): number | null {
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  const left = new Float64Array(reference.length);
  const right = new Float64Array(reference.length);
  for (let i = 0; i < reference.length; i++) {
    const p = (reference[i] as number) / referenceTotal;
    const q = (current[i] as number) / currentTotal;
    const m = (p + q) / 2;
    left[i] = relativeEntropyTerm(p, m);
    right[i] = relativeEntropyTerm(q, m);
  }
  // Rounding can leave a hair below zero for identical inputs; scipy would return NaN there.
  const divergence = Math.max((pairwiseSum(left) + pairwiseSum(right)) / Math.LN2, 0);
  return Math.sqrt(divergence / 2);
}

/**
 * `scipy.special.rel_entr(x, y)` = x·ln(x/y) (x ≥ 0, y > 0), evaluated as scipy does: through
 * log1p((x − y)/y) while x/y is within (½, 2), where ln of a ratio near 1 would keep little more
 * than the ratio's rounding error.
 */
function relativeEntropyTerm(x: number, y: number): number {
  if (x === 0) return 0;
  const ratio = x / y;
  return ratio > 0.5 && ratio < 2 ? x * Math.log1p((x - y) / y) : x * Math.log(ratio);
}

export interface ChiSquareResult {
  readonly statistic: number;
  readonly dof: number;
  readonly pValue: number;
}

/**
 * χ² test of homogeneity on the 2×B table [reference; current] with all-zero columns dropped
 * and no continuity correction: `scipy.stats.chi2_contingency(table, correction=False)`.
 * Expected counts are rowSum·colSum/N; with one column left (dof 0) scipy's convention holds:
 * statistic 0, p-value 1.
 */
export function chiSquareHomogeneity(reference: Counts, current: Counts): ChiSquareResult | null {
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  const grandTotal = referenceTotal + currentTotal;
  // Terms in scipy's order: the reference row, then the current row (row-major 2×B table).
  const terms = new Float64Array(2 * reference.length);
  let columns = 0;
  for (let i = 0; i < reference.length; i++) {
    const observedReference = reference[i] as number;
    const observedCurrent = current[i] as number;
    const columnTotal = observedReference + observedCurrent;
    if (columnTotal === 0) continue;
    const expectedReference = (referenceTotal * columnTotal) / grandTotal;
    const expectedCurrent = (currentTotal * columnTotal) / grandTotal;
    const deviationReference = observedReference - expectedReference;
    const deviationCurrent = observedCurrent - expectedCurrent;
    terms[columns] = (deviationReference * deviationReference) / expectedReference;
    terms[reference.length + columns] = (deviationCurrent * deviationCurrent) / expectedCurrent;
    columns++;
  }
  const dof = columns - 1;
  if (dof === 0) return { statistic: 0, dof: 0, pValue: 1 };
  // Kept columns sit at the start of each half; compact the current row behind the reference row.
  terms.copyWithin(columns, reference.length, reference.length + columns);
  const statistic = pairwiseSum(terms, 0, 2 * columns);
  return { statistic, dof, pValue: chiSquareSurvival(statistic, dof) };
}

/**
 * Kolmogorov–Smirnov D between the binned CDFs: max over bins of
 * |cumsum(ref)/Σref − cumsum(cur)/Σcur| (numpy, exactly that expression). The CDFs are
 * compared at the bin boundaries only, so this is a lower bound of the raw-sample
 * `scipy.stats.ks_2samp` D, short of it by at most the largest share one bin holds in either
 * sample (about 1% of the reference with percentile bins).
 */
export function binnedKsDistance(reference: Counts, current: Counts): number | null {
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  let referenceCumulative = 0;
  let currentCumulative = 0;
  let distance = 0;
  for (let i = 0; i < reference.length; i++) {
    referenceCumulative += reference[i] as number;
    currentCumulative += current[i] as number;
    const gap = Math.abs(referenceCumulative / referenceTotal - currentCumulative / currentTotal);
    if (gap > distance) distance = gap;
  }
  return distance;
}

/**
 * Wasserstein-1 distance between binned distributions whose mass sits at one representative
 * point per bin: `scipy.stats.wasserstein_distance(points, points, ref, cur)`, i.e.
 * Σⱼ |F_ref(j) − F_cur(j)|·(points[j+1] − points[j]) with F the cumulative shares.
 * `points` must be non-decreasing.
 */
export function binnedWasserstein1(
  points: ArrayLike<number>,
  reference: Counts,
  current: Counts,
): number | null {
  const referenceTotal = total(reference);
  const currentTotal = total(current);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  let referenceCumulative = 0;
  let currentCumulative = 0;
  let distance = 0;
  for (let j = 0; j + 1 < points.length; j++) {
    referenceCumulative += reference[j] as number;
    currentCumulative += current[j] as number;
    const width = (points[j + 1] as number) - (points[j] as number);
    distance +=
      Math.abs(referenceCumulative / referenceTotal - currentCumulative / currentTotal) * width;
  }
  return distance;
}

/**
 * Where the mass of each fine bin of a numeric binning sits for Wasserstein-1: the midpoint of
 * each interior bin [eⱼ, eⱼ₊₁), and for the open outer bins the midpoint between the outer
 * edge and the reference minimum (below) or maximum (above). Values beyond the reference range
 * therefore count as if at the outer midpoint; how far beyond is what the out-of-range share
 * reports.
 */
export function binRepresentativePoints(
  edges: readonly number[],
  min: number,
  max: number,
): Float64Array {
  const k = edges.length;
  const points = new Float64Array(k + 1);
  points[0] = (min + (edges[0] as number)) / 2;
  for (let j = 1; j < k; j++) points[j] = ((edges[j - 1] as number) + (edges[j] as number)) / 2;
  points[k] = ((edges[k - 1] as number) + max) / 2;
  return points;
}

function total(counts: Counts): number {
  // Integer counts: any order gives the exact sum.
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i] as number;
  return sum;
}
