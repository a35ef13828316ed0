/**
 * A `FeatureHistogram` as flat named counters, so that window counts can live in a
 * `WindowCountStore` (one Redis hash per window) and merge across instances, partitions and
 * flushes by plain addition. Names, per subject (feature names are identifiers, so the first
 * `:` ends the subject name):
 *
 *   <subject>:b<i>                          fine bin i (the valid count is the sum of the bins)
 *   <subject>:null  :nan  :inf              absent/null, NaN or wrong type, ±Infinity
 *   <subject>:below  :above                 numeric values below the reference min / above max
 *   <subject>:n  :sum  :sumsq               moments, see below
 *   <subject>:u:<value>                     unseen-value counter (heavy hitters, see below)
 *
 * Zero counters are not written: a window's hash holds only what was seen.
 *
 * Moments are kept as n, Σ(x − K) and Σ(x − K)², with K the subject's reference mean. Sums
 * merge by addition where Welford's (mean, m2) do not; the shift K is a constant every instance
 * reads from the same profile, so shifted sums still add, and it keeps the sums at the scale of
 * the spread instead of the level: Σx² of epoch seconds (~1.7e9, spread ~1e5) would leave the
 * variance in the last few of its 16 digits. Integer counts stay exact through any number of
 * additions; the sums are equal across splits up to float rounding only. A sum that would not
 * stay finite through a long run of additions (|x| beyond ~1e120) leaves out that update's
 * moments: Redis cannot add an infinity, and such a mean would say nothing anyway.
 *
 * Unseen values are the histogram's Misra–Gries counters, written as they are (at most
 * `UNSEEN_VALUES_CAPACITY` per subject per update). Summed summaries keep the Misra–Gries
 * guarantee; reading bounds them back to capacity. A window holds at most capacity × updates
 * unseen names per subject, far fewer when the same unseen values recur. Values longer than
 * `UNSEEN_VALUE_MAX_LENGTH` are cut to it, bounding the size of a counter name.
 */
import { StreamscoreError } from '../../errors.js';
import {
  boundUnseenValues,
  createFeatureHistogram,
  type FeatureHistogram,
  type ReferenceBinning,
} from '../statistics/index.js';
import type { ProfiledSubject } from '../reference/index.js';

export const UNSEEN_VALUE_MAX_LENGTH = 256;

/** Moment sums beyond this are left out of an update (see the module comment). */
const MOMENT_SUM_LIMIT = 1e240;

/** Histogram counts kept as they are, by counter suffix. */
const COUNT_FIELDS = {
  null: 'nullCount',
  nan: 'nanCount',
  inf: 'infiniteCount',
  below: 'belowMinCount',
  above: 'aboveMaxCount',
} as const satisfies Record<string, keyof FeatureHistogram>;
type CountSuffix = keyof typeof COUNT_FIELDS;
const COUNT_SUFFIXES = Object.keys(COUNT_FIELDS) as CountSuffix[];

/** The moment sums, by counter suffix. */
const MOMENT_FIELDS = { n: 'n', sum: 'sum', sumsq: 'sumSquares' } as const;
type MomentSuffix = keyof typeof MOMENT_FIELDS;
type MomentSums = Record<(typeof MOMENT_FIELDS)[MomentSuffix], number>;

interface CounterSubject {
  readonly name: string;
  readonly binning: ReferenceBinning;
  /** K: the reference mean (0 without reference moments). */
  readonly shift: number;
  readonly binNames: readonly string[];
  readonly countNames: Readonly<Record<CountSuffix, string>>;
  readonly momentNames: Readonly<Record<MomentSuffix, string>>;
  readonly unseenPrefix: string;
}

/** The counter names of a profile's subjects, built once. */
export interface HistogramCounterLayout {
  readonly subjects: readonly CounterSubject[];
  readonly subjectIndex: ReadonlyMap<string, number>;
}

export function createHistogramCounterLayout(
  subjects: readonly ProfiledSubject[],
): HistogramCounterLayout {
  const layoutSubjects = subjects.map((subject): CounterSubject => {
    const name = subject.name;
    const named = <K extends string>(suffixes: Record<K, unknown>) =>
      Object.fromEntries(
        Object.keys(suffixes).map((suffix) => [suffix, `${name}:${suffix}`]),
      ) as Record<K, string>;
    return {
      name,
      binning: subject.binning,
      shift: subject.reference.momentCount > 0 ? subject.reference.mean : 0,
      binNames: Array.from(
        { length: subject.reference.binCounts.length },
        (_, i) => `${name}:b${i}`,
      ),
      countNames: named(COUNT_FIELDS),
      momentNames: named(MOMENT_FIELDS),
      unseenPrefix: `${name}:u:`,
    };
  });
  return {
    subjects: layoutSubjects,
    subjectIndex: new Map(layoutSubjects.map((subject, index) => [subject.name, index])),
  };
}

/** Adds the counters of `histogram`, the histogram of subject `subject`, to `counters`. */
export function addHistogramCounters(
  layout: HistogramCounterLayout,
  subject: number,
  histogram: FeatureHistogram,
  counters: Map<string, number>,
): void {
  const names = layout.subjects[subject] as CounterSubject;
  const { binCounts } = histogram;
  for (let i = 0; i < binCounts.length; i++) {
    addCounter(counters, names.binNames[i] as string, binCounts[i] as number);
  }
  for (const suffix of COUNT_SUFFIXES) {
    addCounter(counters, names.countNames[suffix], histogram[COUNT_FIELDS[suffix]]);
  }
  const n = histogram.momentCount;
  if (n > 0) {
    const offset = histogram.mean - names.shift;
    const sum = n * offset;
    const sumSquares = histogram.m2 + n * offset * offset;
    if (Math.abs(sum) <= MOMENT_SUM_LIMIT && sumSquares <= MOMENT_SUM_LIMIT) {
      addCounter(counters, names.momentNames.n, n);
      addCounter(counters, names.momentNames.sum, sum);
      addCounter(counters, names.momentNames.sumsq, sumSquares);
    }
  }
  for (const [value, count] of histogram.unseenValues) {
    const text =
      value.length > UNSEEN_VALUE_MAX_LENGTH ? value.slice(0, UNSEEN_VALUE_MAX_LENGTH) : value;
    addCounter(counters, names.unseenPrefix + text, count);
  }
}

function addCounter(counters: Map<string, number>, name: string, value: number): void {
  if (value !== 0) counters.set(name, (counters.get(name) ?? 0) + value);
}

/** Adds every counter of `from` to `into`. */
export function addCounters(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [name, value] of from) addCounter(into, name, value);
}

/**
 * The histograms the counters describe, one per subject of the layout (empty for a subject
 * without counters). `source` names the window in errors: a counter that fits no subject or bin
 * means the counters were written against another profile.
 */
export function histogramsFromCounters(
  layout: HistogramCounterLayout,
  counters: ReadonlyMap<string, number>,
  source: string,
): Map<string, FeatureHistogram> {
  const partials = layout.subjects.map((subject): PartialHistogram => ({
    histogram: createFeatureHistogram(subject.binning),
    moments: { n: 0, sum: 0, sumSquares: 0 },
    unseen: new Map(),
  }));
  for (const [name, value] of counters) {
    const colon = name.indexOf(':');
    const index = colon === -1 ? undefined : layout.subjectIndex.get(name.slice(0, colon));
    const partial = index === undefined ? undefined : partials[index];
    if (partial === undefined || !applyCounter(partial, name.slice(colon + 1), value)) {
      throw new StreamscoreError(
        'STATE_INVALID',
        `drift counter ${JSON.stringify(name)} of ${source} fits no subject or bin of the reference profile`,
        { context: { window: source, counter: name } },
      );
    }
  }
  const result = new Map<string, FeatureHistogram>();
  layout.subjects.forEach((subject, index) => {
    const { histogram, moments, unseen } = partials[index] as PartialHistogram;
    const { n, sum, sumSquares } = moments;
    if (n > 0) {
      const offset = sum / n;
      histogram.momentCount = n;
      histogram.mean = subject.shift + offset;
      histogram.m2 = Math.max(0, sumSquares - sum * offset);
    }
    for (const [value, count] of boundUnseenValues(unseen)) {
      histogram.unseenValues.set(value, count);
    }
    result.set(subject.name, histogram);
  });
  return result;
}

/** A histogram being read back: counts go straight in, moments and unseen values at the end. */
interface PartialHistogram {
  readonly histogram: FeatureHistogram;
  readonly moments: MomentSums;
  readonly unseen: Map<string, number>;
}

/** Applies one counter (`field` is the name after `<subject>:`); false when it fits nothing. */
function applyCounter(partial: PartialHistogram, field: string, value: number): boolean {
  const { histogram } = partial;
  if (Object.hasOwn(COUNT_FIELDS, field)) {
    histogram[COUNT_FIELDS[field as CountSuffix]] += value;
    return true;
  }
  if (Object.hasOwn(MOMENT_FIELDS, field)) {
    partial.moments[MOMENT_FIELDS[field as MomentSuffix]] += value;
    return true;
  }
  if (field.startsWith('u:')) {
    const text = field.slice(2);
    partial.unseen.set(text, (partial.unseen.get(text) ?? 0) + value);
    return true;
  }
  if (!/^b(0|[1-9][0-9]*)$/.test(field)) return false;
  const bin = Number(field.slice(1));
  if (bin >= histogram.binCounts.length) return false;
  histogram.binCounts[bin] = (histogram.binCounts[bin] as number) + value;
  histogram.validCount += value;
  return true;
}
