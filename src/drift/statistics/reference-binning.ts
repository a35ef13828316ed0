/**
 * How one profiled subject (a feature, the score, the label) is cut into bins. The binning is
 * frozen in the reference profile; live counts use the very same bins, which is what makes
 * every statistic comparable and every count mergeable by addition.
 *
 * Numeric: the 99 interior quantile edges of the reference at i/100 (numpy 'linear'),
 * de-duplicated. Bins are left-closed with open outer bins — (−∞,e₁), [e₁,e₂), …, [e_k,+∞) —
 * so a value's fine bin is the number of edges ≤ it (`np.searchsorted(edges, x, 'right')`).
 * The decile edges (i/10) are the same numbers as the fine edges at 10i/100 (both
 * probabilities are the correctly rounded double of the same rational), so they are recorded
 * as indices into the fine edges and decile counts are sums of fine counts.
 *
 * Categorical: a vocabulary covering ≥ 99.5% of the reference (≤ 200 values, most frequent
 * first), then OTHER (reference values outside the vocabulary) and UNSEEN (values the
 * reference never had). A numeric subject with ≤ 20 distinct reference values is binned this
 * way too, its values written as JavaScript writes numbers (`String(3)` is "3").
 */
import { linearQuantile } from './linear-quantile.js';

export interface NumericBinning {
  readonly kind: 'numeric';
  /** Interior edges, strictly increasing (at least one). */
  readonly edges: readonly number[];
  /** Positions in `edges` of the distinct decile edges, strictly increasing. */
  readonly decileEdgeIndices: readonly number[];
  /** Smallest and largest finite reference value. */
  readonly min: number;
  readonly max: number;
}

export interface CategoricalBinning {
  readonly kind: 'categorical';
  /** What the raw values are: category text, or numbers with few distinct values. */
  readonly valueType: 'category' | 'number';
  /** Bin i < vocabulary.length holds vocabulary[i]; then OTHER, then UNSEEN. */
  readonly vocabulary: readonly string[];
  /**
   * Reference values outside the vocabulary (they count as OTHER, not UNSEEN), sorted. `null`
   * when there were too many to keep: then every value outside the vocabulary counts as OTHER
   * and UNSEEN stays empty.
   */
  readonly otherValues: readonly string[] | null;
}

export type ReferenceBinning = NumericBinning | CategoricalBinning;

/** Labels of the two bins after the vocabulary, as reports show them. */
export const OTHER_BIN_LABEL = '__OTHER__';
export const UNSEEN_BIN_LABEL = '__UNSEEN__';

export interface BinningRules {
  /** A numeric subject with at most this many distinct reference values is categorical. */
  readonly categoricalMaxDistinct: number;
  /** Share of reference mass the vocabulary covers. */
  readonly vocabularyCoverage: number;
  readonly vocabularyMaxSize: number;
  /** Beyond this many distinct non-vocabulary values, `otherValues` becomes `null`. */
  readonly otherValuesMaxSize: number;
}

export const DEFAULT_BINNING_RULES: BinningRules = Object.freeze({
  categoricalMaxDistinct: 20,
  vocabularyCoverage: 0.995,
  vocabularyMaxSize: 200,
  otherValuesMaxSize: 10_000,
});

const FINE_QUANTILES = 100;
const DECILES = 10;

/** Numeric binning from the finite reference values, sorted ascending (at least one). */
export function numericBinning(sorted: ArrayLike<number>): NumericBinning {
  const quantiles: number[] = [];
  for (let i = 1; i < FINE_QUANTILES; i++)
    quantiles.push(linearQuantile(sorted, i / FINE_QUANTILES));
  const edges = sortedUnique(quantiles);
  const decileEdgeIndices: number[] = [];
  for (let i = 1; i < DECILES; i++) {
    const decile = linearQuantile(sorted, i / DECILES);
    const index = edges.indexOf(decile);
    // The identity of decile and fine edges is an invariant of the arithmetic, not a hope.
    if (index === -1) throw new Error(`decile ${i}/10 = ${decile} is not a fine edge`);
    if (decileEdgeIndices.at(-1) !== index) decileEdgeIndices.push(index);
  }
  return {
    kind: 'numeric',
    edges,
    decileEdgeIndices,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/**
 * Categorical binning from reference counts per value. The vocabulary takes values by count
 * (ties by value, in code-unit order) until it covers `vocabularyCoverage` of the mass or
 * reaches `vocabularyMaxSize`.
 */
export function categoricalBinning(
  counts: ReadonlyMap<string, number>,
  valueType: CategoricalBinning['valueType'],
  rules: BinningRules = DEFAULT_BINNING_RULES,
): CategoricalBinning {
  const byCount = [...counts].sort(([valueA, countA], [valueB, countB]) =>
    countA !== countB ? countB - countA : compareCodeUnits(valueA, valueB),
  );
  let total = 0;
  for (const [, count] of byCount) total += count;
  const vocabulary: string[] = [];
  let covered = 0;
  for (const [value, count] of byCount) {
    if (vocabulary.length >= rules.vocabularyMaxSize) break;
    if (total > 0 && covered / total >= rules.vocabularyCoverage) break;
    vocabulary.push(value);
    covered += count;
  }
  const rest = byCount.slice(vocabulary.length).map(([value]) => value);
  const otherValues = rest.length > rules.otherValuesMaxSize ? null : rest.sort(compareCodeUnits);
  return { kind: 'categorical', valueType, vocabulary, otherValues };
}

/** Number of fine bins: edges + 1 for numeric, vocabulary + OTHER + UNSEEN for categorical. */
export function fineBinCount(binning: ReferenceBinning): number {
  return binning.kind === 'numeric' ? binning.edges.length + 1 : binning.vocabulary.length + 2;
}

/** Number of bins the PSI, JS and χ² statistics use: deciles, or the categorical bins. */
export function coarseBinCount(binning: ReferenceBinning): number {
  return binning.kind === 'numeric' ? binning.decileEdgeIndices.length + 1 : fineBinCount(binning);
}

/**
 * The fine bin of `value`: how many edges are ≤ it (`np.searchsorted(edges, value, 'right')`).
 * A binary search, no allocation.
 */
export function fineBinIndex(edges: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Counts over the decile bins from counts over the fine bins. Fine bin j holds values with
 * exactly j edges ≤ them, so its decile bin is the number of decile edge indices below j.
 */
export function coarseCounts(binning: ReferenceBinning, fine: ArrayLike<number>): Float64Array {
  if (binning.kind === 'categorical') return Float64Array.from(fine);
  const boundaries = binning.decileEdgeIndices;
  const coarse = new Float64Array(boundaries.length + 1);
  let decile = 0;
  for (let j = 0; j < fine.length; j++) {
    while (decile < boundaries.length && (boundaries[decile] as number) < j) decile++;
    coarse[decile] = (coarse[decile] as number) + (fine[j] as number);
  }
  return coarse;
}

/** Labels of the fine bins, as reports show them: `[lo, hi)` intervals or category values. */
export function fineBinLabels(binning: ReferenceBinning): string[] {
  if (binning.kind === 'categorical') {
    return [...binning.vocabulary, OTHER_BIN_LABEL, UNSEEN_BIN_LABEL];
  }
  const { edges } = binning;
  return Array.from({ length: edges.length + 1 }, (_, j) => {
    const low = j === 0 ? '-inf' : String(edges[j - 1]);
    const high = j === edges.length ? '+inf' : String(edges[j]);
    return `[${low}, ${high})`;
  });
}

/** Plain `<` order of UTF-16 code units, which is also Python's order for BMP text. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedUnique(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const unique: number[] = [];
  for (const value of sorted) {
    // -0 and 0 are one edge, as in np.unique.
    if (unique.length === 0 || (unique.at(-1) as number) !== value) unique.push(value);
  }
  return unique;
}
