/**
 * The counting state of one subject (feature, score or label) over one set of events: the
 * reference, a live window, or a replay window. It is the unit the streaming side keeps per
 * (model version, subject, window) and merges across instances, and the reference profile
 * stores the same structure, so both sides of every statistic come from identical code.
 *
 * Everything that drives a statistic is an integer count, and counts merge by addition, so a
 * statistic does not depend on how events were spread over instances or partitions. The
 * running moments (Welford) merge with Chan's formula: equal up to float rounding only. The
 * unseen-value list is a Misra–Gries summary: mergeable, and exact for any value holding more
 * than 1/(capacity + 1) of the unseen events.
 *
 * `addRawValue` allocates nothing, except the text of an unseen numeric value and the entry of
 * a newly tracked unseen value.
 */
import {
  coarseCounts,
  fineBinCount,
  fineBinIndex,
  type ReferenceBinning,
} from './reference-binning.js';

/**
 * A raw value as read from an event: a number, category text, `null` for absent/null, or
 * `NaN` for NaN or a value of the wrong type (a string where a number belongs, an object
 * where a category belongs).
 */
export type RawValue = number | string | null;

export interface FeatureHistogram {
  /** Integer counts per fine bin (numeric: edges + 1; categorical: vocabulary, OTHER, UNSEEN). */
  readonly binCounts: Float64Array;
  /** Values that landed in a bin: the sum of `binCounts`. */
  validCount: number;
  /** Absent or null. */
  nullCount: number;
  /** NaN, or a value of the wrong type. */
  nanCount: number;
  /** ±Infinity (JSON's 1e999); never binned. */
  infiniteCount: number;
  /** Numeric binning: valid values below the reference minimum / above the maximum. */
  belowMinCount: number;
  aboveMaxCount: number;
  /** Welford moments of the finite numeric values (numeric or numeric-valued categorical). */
  momentCount: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  /** Misra–Gries counters of unseen categorical values. */
  readonly unseenValues: Map<string, number>;
}

/** Unseen values tracked per histogram; the summary keeps the heavy hitters among them. */
export const UNSEEN_VALUES_CAPACITY = 16;

export function createFeatureHistogram(binning: ReferenceBinning): FeatureHistogram {
  return {
    binCounts: new Float64Array(fineBinCount(binning)),
    validCount: 0,
    nullCount: 0,
    nanCount: 0,
    infiniteCount: 0,
    belowMinCount: 0,
    aboveMaxCount: 0,
    momentCount: 0,
    mean: 0,
    m2: 0,
    unseenValues: new Map(),
  };
}

/** All events the histogram has seen: valid, null, NaN and infinite. */
export function histogramEvents(histogram: FeatureHistogram): number {
  return histogram.validCount + histogram.nullCount + histogram.nanCount + histogram.infiniteCount;
}

/** Share of events without a usable value (null, NaN, wrong type, ±Infinity); null if none. */
export function unusableRate(histogram: FeatureHistogram): number | null {
  const events = histogramEvents(histogram);
  if (events === 0) return null;
  return (histogram.nullCount + histogram.nanCount + histogram.infiniteCount) / events;
}

/** Population variance (ddof = 0) of the finite numeric values, or null without any. */
export function histogramVariance(histogram: FeatureHistogram): number | null {
  return histogram.momentCount === 0 ? null : histogram.m2 / histogram.momentCount;
}

/** Counts per coarse bin (deciles, or the categorical bins). */
export function histogramCoarseCounts(
  binning: ReferenceBinning,
  histogram: FeatureHistogram,
): Float64Array {
  return coarseCounts(binning, histogram.binCounts);
}

/**
 * A binning prepared for counting: lookups from category text (and, for numeric-valued
 * categories, from the number itself) to bin index. Build once per binning.
 */
export interface CompiledBinning {
  readonly binning: ReferenceBinning;
  readonly categoryBin: ReadonlyMap<string, number>;
  readonly numberBin: ReadonlyMap<number, number>;
  readonly otherBin: number;
  readonly unseenBin: number;
  /** False when the reference had too many distinct values to list: all unknowns are OTHER. */
  readonly detectsUnseen: boolean;
}

export function compileBinning(binning: ReferenceBinning): CompiledBinning {
  if (binning.kind === 'numeric') {
    return {
      binning,
      categoryBin: new Map(),
      numberBin: new Map(),
      otherBin: -1,
      unseenBin: -1,
      detectsUnseen: false,
    };
  }
  const otherBin = binning.vocabulary.length;
  const categoryBin = new Map<string, number>();
  binning.vocabulary.forEach((value, index) => categoryBin.set(value, index));
  for (const value of binning.otherValues ?? []) categoryBin.set(value, otherBin);
  const numberBin = new Map<number, number>();
  if (binning.valueType === 'number') {
    for (const [value, bin] of categoryBin) {
      const number = Number(value);
      // Only canonical number text maps back; anything else can never match a number.
      if (String(number) === value) numberBin.set(number, bin);
    }
  }
  return {
    binning,
    categoryBin,
    numberBin,
    otherBin,
    unseenBin: otherBin + 1,
    detectsUnseen: binning.otherValues !== null,
  };
}

/** Counts one raw value. */
export function addRawValue(
  histogram: FeatureHistogram,
  compiled: CompiledBinning,
  value: RawValue,
): void {
  if (value === null) {
    histogram.nullCount++;
    return;
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) {
      histogram.nanCount++;
      return;
    }
    if (!Number.isFinite(value)) {
      histogram.infiniteCount++;
      return;
    }
    addMoment(histogram, value);
    const { binning } = compiled;
    if (binning.kind === 'numeric') {
      const bin = fineBinIndex(binning.edges, value);
      histogram.binCounts[bin] = (histogram.binCounts[bin] as number) + 1;
      histogram.validCount++;
      if (value < binning.min) histogram.belowMinCount++;
      else if (value > binning.max) histogram.aboveMaxCount++;
      return;
    }
    const bin = compiled.numberBin.get(value);
    if (bin !== undefined) countBin(histogram, bin);
    else countUnknown(histogram, compiled, String(value));
    return;
  }
  if (compiled.binning.kind === 'numeric' || compiled.binning.valueType === 'number') {
    // Text never reaches a numeric subject from the raw readers; if it does, it is not a number.
    histogram.nanCount++;
    return;
  }
  const bin = compiled.categoryBin.get(value);
  if (bin !== undefined) countBin(histogram, bin);
  else countUnknown(histogram, compiled, value);
}

function countBin(histogram: FeatureHistogram, bin: number): void {
  histogram.binCounts[bin] = (histogram.binCounts[bin] as number) + 1;
  histogram.validCount++;
}

function countUnknown(histogram: FeatureHistogram, compiled: CompiledBinning, text: string): void {
  if (!compiled.detectsUnseen) {
    countBin(histogram, compiled.otherBin);
    return;
  }
  countBin(histogram, compiled.unseenBin);
  trackUnseen(histogram.unseenValues, text);
}

function addMoment(histogram: FeatureHistogram, value: number): void {
  histogram.momentCount++;
  const delta = value - histogram.mean;
  histogram.mean += delta / histogram.momentCount;
  histogram.m2 += delta * (value - histogram.mean);
}

/** Misra–Gries: count a tracked value, start tracking if there is room, else age every counter. */
function trackUnseen(counters: Map<string, number>, value: string): void {
  const count = counters.get(value);
  if (count !== undefined) {
    counters.set(value, count + 1);
  } else if (counters.size < UNSEEN_VALUES_CAPACITY) {
    counters.set(value, 1);
  } else {
    for (const [tracked, trackedCount] of counters) {
      if (trackedCount <= 1) counters.delete(tracked);
      else counters.set(tracked, trackedCount - 1);
    }
  }
}

/**
 * The histogram of the union of two event sets over the same binning. Bin counts add exactly;
 * moments combine with Chan's formula; unseen summaries merge as Misra–Gries summaries do
 * (add, then subtract the (capacity + 1)-th largest counter).
 */
export function mergeFeatureHistograms(a: FeatureHistogram, b: FeatureHistogram): FeatureHistogram {
  if (a.binCounts.length !== b.binCounts.length) {
    throw new RangeError(
      `cannot merge histograms of ${a.binCounts.length} and ${b.binCounts.length} bins`,
    );
  }
  const binCounts = new Float64Array(a.binCounts.length);
  for (let i = 0; i < binCounts.length; i++) {
    binCounts[i] = (a.binCounts[i] as number) + (b.binCounts[i] as number);
  }
  const momentCount = a.momentCount + b.momentCount;
  let mean = 0;
  let m2 = 0;
  if (momentCount > 0) {
    const delta = b.mean - a.mean;
    mean = a.mean + (delta * b.momentCount) / momentCount;
    m2 = a.m2 + b.m2 + (delta * delta * a.momentCount * b.momentCount) / momentCount;
  }
  return {
    binCounts,
    validCount: a.validCount + b.validCount,
    nullCount: a.nullCount + b.nullCount,
    nanCount: a.nanCount + b.nanCount,
    infiniteCount: a.infiniteCount + b.infiniteCount,
    belowMinCount: a.belowMinCount + b.belowMinCount,
    aboveMaxCount: a.aboveMaxCount + b.aboveMaxCount,
    momentCount,
    mean,
    m2,
    unseenValues: mergeUnseen(a.unseenValues, b.unseenValues),
  };
}

function mergeUnseen(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
): Map<string, number> {
  const merged = new Map(a);
  for (const [value, count] of b) merged.set(value, (merged.get(value) ?? 0) + count);
  return boundUnseenValues(merged);
}

/**
 * Cuts summed Misra–Gries counters back to capacity: subtract the (capacity + 1)-th largest
 * counter and keep the positive ones. Counters summed from any number of summaries and then
 * bounded keep the guarantee (every value above 1/(capacity + 1) of the events is listed).
 */
export function boundUnseenValues(counters: Map<string, number>): Map<string, number> {
  if (counters.size <= UNSEEN_VALUES_CAPACITY) return counters;
  const counts = [...counters.values()].sort((x, y) => y - x);
  const cut = counts[UNSEEN_VALUES_CAPACITY] as number;
  const kept = new Map<string, number>();
  for (const [value, count] of counters) if (count > cut) kept.set(value, count - cut);
  return kept;
}

/** The tracked unseen values, most frequent first (ties by value). */
export function topUnseenValues(
  histogram: FeatureHistogram,
): { readonly value: string; readonly count: number }[] {
  return [...histogram.unseenValues]
    .map(([value, count]) => ({ value, count }))
    .sort((x, y) => (x.count !== y.count ? y.count - x.count : x.value < y.value ? -1 : 1));
}

/** The histogram as plain JSON data, keys in a fixed order. */
export interface FeatureHistogramJson {
  readonly bins: number[];
  readonly valid: number;
  readonly null: number;
  readonly nan: number;
  readonly infinite: number;
  readonly belowMin: number;
  readonly aboveMax: number;
  readonly moments: { readonly count: number; readonly mean: number; readonly m2: number };
  readonly unseenValues: { readonly value: string; readonly count: number }[];
}

export function featureHistogramToJson(histogram: FeatureHistogram): FeatureHistogramJson {
  return {
    bins: Array.from(histogram.binCounts),
    valid: histogram.validCount,
    null: histogram.nullCount,
    nan: histogram.nanCount,
    infinite: histogram.infiniteCount,
    belowMin: histogram.belowMinCount,
    aboveMax: histogram.aboveMaxCount,
    moments: { count: histogram.momentCount, mean: histogram.mean, m2: histogram.m2 },
    unseenValues: topUnseenValues(histogram),
  };
}

export function featureHistogramFromJson(json: FeatureHistogramJson): FeatureHistogram {
  return {
    binCounts: Float64Array.from(json.bins),
    validCount: json.valid,
    nullCount: json.null,
    nanCount: json.nan,
    infiniteCount: json.infinite,
    belowMinCount: json.belowMin,
    aboveMaxCount: json.aboveMax,
    momentCount: json.moments.count,
    mean: json.moments.mean,
    m2: json.moments.m2,
    unseenValues: new Map(json.unseenValues.map(({ value, count }) => [value, count])),
  };
}
