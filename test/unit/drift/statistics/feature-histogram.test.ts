import { describe, expect, it } from 'vitest';
import {
  addRawValue,
  categoricalBinning,
  compileBinning,
  createFeatureHistogram,
  featureHistogramFromJson,
  featureHistogramToJson,
  histogramVariance,
  mergeFeatureHistograms,
  numericBinning,
  sortedFinite,
  subjectStatistics,
  topUnseenValues,
  UNSEEN_VALUES_CAPACITY,
  unusableRate,
  type FeatureHistogram,
  type RawValue,
  type ReferenceBinning,
} from '../../../../src/drift/statistics/index.js';
import { histogramEvents } from '../../../../src/drift/index.js';

/** A small deterministic generator, so the test data is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function histogramOf(binning: ReferenceBinning, values: readonly RawValue[]): FeatureHistogram {
  const compiled = compileBinning(binning);
  const histogram = createFeatureHistogram(binning);
  for (const value of values) addRawValue(histogram, compiled, value);
  return histogram;
}

const random = lcg(42);
const referenceValues = Array.from({ length: 3000 }, () => random() * 100);
const numeric = numericBinning(sortedFinite(referenceValues));
const windowValues: RawValue[] = Array.from({ length: 5000 }, (_, i) =>
  i % 97 === 0 ? null : i % 89 === 0 ? Number.NaN : i % 83 === 0 ? Infinity : random() * 120 - 10,
);

describe('FeatureHistogram counting', () => {
  it('sorts every raw value into exactly one count', () => {
    const histogram = histogramOf(numeric, windowValues);
    expect(histogramEvents(histogram)).toBe(windowValues.length);
    const binned = Array.from(histogram.binCounts).reduce((a, b) => a + b, 0);
    expect(binned).toBe(histogram.validCount);
    expect(histogram.nullCount).toBe(windowValues.filter((v) => v === null).length);
    expect(histogram.nanCount).toBe(windowValues.filter((v) => Number.isNaN(v)).length);
    expect(histogram.infiniteCount).toBe(windowValues.filter((v) => v === Infinity).length);
    const finite = windowValues.filter(
      (v): v is number => typeof v === 'number' && Number.isFinite(v),
    );
    expect(histogram.belowMinCount).toBe(finite.filter((v) => v < numeric.min).length);
    expect(histogram.aboveMaxCount).toBe(finite.filter((v) => v > numeric.max).length);
    const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
    expect(histogram.mean).toBeCloseTo(mean, 10);
    expect(unusableRate(histogram)).toBe(
      (histogram.nullCount + histogram.nanCount + histogram.infiniteCount) / windowValues.length,
    );
  });

  it('maps categories to vocabulary, OTHER and UNSEEN; numbers by their value', () => {
    const binning = categoricalBinning(
      new Map([
        ['1', 50],
        ['0', 40],
        ['7', 1],
      ]),
      'number',
      {
        categoricalMaxDistinct: 20,
        vocabularyCoverage: 0.95,
        vocabularyMaxSize: 200,
        otherValuesMaxSize: 100,
      },
    );
    expect(binning.vocabulary).toEqual(['1', '0']);
    const histogram = histogramOf(binning, [
      1,
      0,
      -0,
      7,
      9,
      9,
      null,
      Number.NaN,
      -Infinity,
      'text',
    ]);
    // 1, 0, −0 (= 0), OTHER (7), UNSEEN (9, 9); text never reaches a numeric subject and is NaN.
    expect(Array.from(histogram.binCounts)).toEqual([1, 2, 1, 2]);
    expect(histogram.nanCount).toBe(2);
    expect(topUnseenValues(histogram)).toEqual([{ value: '9', count: 2 }]);
    expect([histogram.nullCount, histogram.infiniteCount]).toEqual([1, 1]);
  });
});

describe('merging (what several instances do with one window)', () => {
  it('is exact for counts and statistics, however the events were split', () => {
    const whole = histogramOf(numeric, windowValues);
    const reference = histogramOf(numeric, referenceValues);
    for (const parts of [2, 3, 7]) {
      const pieces = Array.from({ length: parts }, () => createFeatureHistogram(numeric));
      const compiled = compileBinning(numeric);
      windowValues.forEach((value, i) => {
        // A pseudo-random partition assignment, not a tidy split.
        addRawValue(pieces[(i * 2654435761) % parts] as FeatureHistogram, compiled, value);
      });
      const merged = pieces.reduceRight((a, b) => mergeFeatureHistograms(b, a));
      expect(Array.from(merged.binCounts)).toEqual(Array.from(whole.binCounts));
      expect(featureHistogramToJson({ ...merged, mean: 0, m2: 0 })).toEqual(
        featureHistogramToJson({ ...whole, mean: 0, m2: 0 }),
      );
      expect(merged.mean).toBeCloseTo(whole.mean, 12);
      expect(histogramVariance(merged)).toBeCloseTo(histogramVariance(whole) as number, 9);
      const fromMerged = subjectStatistics(numeric, reference, merged);
      const fromWhole = subjectStatistics(numeric, reference, whole);
      // Everything computed from counts is identical, bit for bit.
      expect(fromMerged.psi).toBe(fromWhole.psi);
      expect(fromMerged.jensenShannon).toBe(fromWhole.jensenShannon);
      expect(fromMerged.chiSquare).toEqual(fromWhole.chiSquare);
      expect(fromMerged.ksD).toBe(fromWhole.ksD);
      expect(fromMerged.wasserstein).toBe(fromWhole.wasserstein);
    }
  });

  it('keeps the heavy unseen values (Misra–Gries), within n/(capacity + 1)', () => {
    const binning = categoricalBinning(new Map([['known', 1]]), 'category');
    const values: string[] = [];
    for (let i = 0; i < 600; i++) values.push(i % 3 === 0 ? 'heavy' : `rare-${i}`);
    for (let i = 0; i < 200; i++) values.push('second');
    const a = histogramOf(binning, values.slice(0, 400));
    const b = histogramOf(binning, values.slice(400));
    const merged = mergeFeatureHistograms(a, b);
    expect(merged.unseenValues.size).toBeLessThanOrEqual(UNSEEN_VALUES_CAPACITY);
    const top = topUnseenValues(merged);
    const bound = values.length / (UNSEEN_VALUES_CAPACITY + 1);
    const heavy = top.find((entry) => entry.value === 'heavy');
    expect(heavy).toBeDefined();
    expect(heavy?.count).toBeGreaterThanOrEqual(200 - bound);
    expect(top.find((entry) => entry.value === 'second')?.count).toBeGreaterThanOrEqual(
      200 - bound,
    );
    expect(merged.binCounts[2]).toBe(800);
  });

  it('refuses histograms of different binnings', () => {
    const other = categoricalBinning(new Map([['a', 1]]), 'category');
    expect(() =>
      mergeFeatureHistograms(createFeatureHistogram(numeric), createFeatureHistogram(other)),
    ).toThrow(RangeError);
  });

  it('round-trips through JSON (the form state and profiles are stored in)', () => {
    const histogram = histogramOf(numeric, windowValues);
    const restored = featureHistogramFromJson(
      JSON.parse(JSON.stringify(featureHistogramToJson(histogram))),
    );
    expect(featureHistogramToJson(restored)).toEqual(featureHistogramToJson(histogram));
  });
});
