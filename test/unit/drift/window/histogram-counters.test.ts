import { beforeAll, describe, expect, it } from 'vitest';
import {
  addCounters,
  addHistogramCounters,
  createHistogramCounterLayout,
  histogramsFromCounters,
  UNSEEN_VALUE_MAX_LENGTH,
  type HistogramCounterLayout,
} from '../../../../src/drift/window/index.js';
import {
  addRawValue,
  compileBinning,
  createFeatureHistogram,
  numericBinning,
  sortedFinite,
  UNSEEN_VALUES_CAPACITY,
  type FeatureHistogram,
  type RawValue,
  type ReferenceBinning,
} from '../../../../src/drift/statistics/index.js';
import {
  createRawFeatureReader,
  createScoredOutputReader,
} from '../../../../src/drift/reference/index.js';
import { type LiveReferenceProfile } from '../../../../src/drift/index.js';
import { isStreamscoreError } from '../../../../src/errors.js';
import type { FeatureSpec } from '../../../../src/topology/index.js';
import {
  fraudFeatures,
  fraudLiveProfile,
  scoredFraudEvents,
  type ScoredEvent,
} from '../../../harness/scored-events.js';

let profile: LiveReferenceProfile;
let features: readonly FeatureSpec[];
let layout: HistogramCounterLayout;

beforeAll(async () => {
  profile = await fraudLiveProfile();
  features = await fraudFeatures();
  layout = createHistogramCounterLayout(profile.subjects);
});

/** The histograms, one per profile subject, of a set of scored events. */
function histogramsOf(events: readonly ScoredEvent[]): FeatureHistogram[] {
  const readFeatures = createRawFeatureReader(features);
  const readOutputs = createScoredOutputReader(['fraud.probability', 'fraud.label']);
  const compiled = profile.subjects.map((subject) => compileBinning(subject.binning));
  const histograms = profile.subjects.map((subject) => createFeatureHistogram(subject.binning));
  const row: RawValue[] = new Array<RawValue>(profile.subjects.length).fill(null);
  for (const { event } of events) {
    readFeatures(event, row, 0);
    readOutputs(event, row, features.length);
    histograms.forEach((histogram, s) => addRawValue(histogram, compiled[s]!, row[s]!));
  }
  return histograms;
}

function countersOf(histograms: readonly FeatureHistogram[]): Map<string, number> {
  const counters = new Map<string, number>();
  histograms.forEach((histogram, s) => addHistogramCounters(layout, s, histogram, counters));
  return counters;
}

/** A layout of one feature subject over `binning`, with `reference` (empty by default). */
function singleSubjectLayout(
  name: string,
  binning: ReferenceBinning,
  reference: FeatureHistogram = createFeatureHistogram(binning),
): HistogramCounterLayout {
  const valueType = binning.kind === 'numeric' ? 'number' : 'category';
  return createHistogramCounterLayout([
    { name, source: 'feature', origin: name, valueType, binning, reference },
  ]);
}

const CATEGORIES: ReferenceBinning = {
  kind: 'categorical',
  valueType: 'category',
  vocabulary: ['a'],
  otherValues: [],
};

const MOMENT_SUMS = /:(sum|sumsq)$/;

/** Integer counters must agree exactly; moment sums up to float rounding. */
function expectSameCounters(actual: Map<string, number>, expected: Map<string, number>) {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, value] of expected) {
    if (MOMENT_SUMS.test(name)) {
      expect(Math.abs((actual.get(name)! - value) / value), name).toBeLessThan(1e-12);
    } else {
      expect(Number.isInteger(value), name).toBe(true);
      expect(actual.get(name), name).toBe(value);
    }
  }
}

describe('histogram counters', () => {
  it('names counters per subject and writes only what was seen', () => {
    const binning = numericBinning(sortedFinite([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const small = singleSubjectLayout('amount', binning, {
      ...createFeatureHistogram(binning),
      momentCount: 10,
      mean: 5.5,
    });
    const histogram = createFeatureHistogram(binning);
    const compiled = compileBinning(binning);
    for (const value of [0, 5, 5, 11, null, Number.NaN, Infinity]) {
      addRawValue(histogram, compiled, value);
    }
    const counters = new Map<string, number>();
    addHistogramCounters(small, 0, histogram, counters);
    const bin = (value: number) => `amount:b${binning.edges.filter((e) => e <= value).length}`;
    const { 'amount:sumsq': sumSquares, ...exact } = Object.fromEntries(counters);
    expect(exact).toEqual({
      [bin(0)]: 1,
      [bin(5)]: 2,
      [bin(11)]: 1,
      'amount:null': 1,
      'amount:nan': 1,
      'amount:inf': 1,
      'amount:below': 1,
      'amount:above': 1,
      'amount:n': 4,
      // Shifted by the reference mean 5.5: Σ(x − 5.5) and Σ(x − 5.5)².
      'amount:sum': -5.5 - 0.5 - 0.5 + 5.5,
    });
    expect(sumSquares).toBeCloseTo(30.25 + 0.25 + 0.25 + 30.25, 12);
  });

  it('adds the counters of split event sets up to the counters of the whole set', () => {
    const events = scoredFraudEvents(6000, { seed: 11, startMs: 0, spacingMs: 1 });
    const whole = countersOf(histogramsOf(events));
    // Three uneven parts, interleaved the way partitions and instances split a stream.
    const parts: ScoredEvent[][] = [[], [], []];
    events.forEach((event, index) =>
      parts[(index * 7) % 5 === 0 ? 0 : index % 2 ? 1 : 2]!.push(event),
    );
    const summed = new Map<string, number>();
    for (const part of parts) addCounters(summed, countersOf(histogramsOf(part)));
    expectSameCounters(summed, whole);
    expect(whole.get('merchant_country:u:JP')).toBe(40);
    expect(whole.get('__score__:n')).toBe(6000);
  });

  it('reads back the histograms the counters came from', () => {
    const events = scoredFraudEvents(3000, { seed: 5, startMs: 0, spacingMs: 1 });
    const histograms = histogramsOf(events);
    const read = histogramsFromCounters(layout, countersOf(histograms), 'test window');
    expect([...read.keys()]).toEqual(profile.subjects.map((subject) => subject.name));
    profile.subjects.forEach((subject, s) => {
      const original = histograms[s]!;
      const back = read.get(subject.name)!;
      expect(Array.from(back.binCounts)).toEqual(Array.from(original.binCounts));
      expect(back.validCount).toBe(original.validCount);
      expect(back.nullCount).toBe(original.nullCount);
      expect(back.nanCount).toBe(original.nanCount);
      expect(back.infiniteCount).toBe(original.infiniteCount);
      expect(back.belowMinCount).toBe(original.belowMinCount);
      expect(back.aboveMaxCount).toBe(original.aboveMaxCount);
      expect(back.momentCount).toBe(original.momentCount);
      if (original.momentCount > 0) {
        expect(back.mean).toBeCloseTo(original.mean, 9);
        expect(Math.abs(back.m2 - original.m2) / original.m2).toBeLessThan(1e-9);
      }
      expect(back.unseenValues).toEqual(original.unseenValues);
    });
    expect(read.get('card_present')!.nanCount).toBe(33);
    expect(read.get('amount_log')!.nullCount).toBe(42);
  });

  it('reads an empty window as empty histograms', () => {
    const read = histogramsFromCounters(layout, new Map(), 'empty');
    for (const histogram of read.values()) {
      expect(histogram.validCount + histogram.nullCount + histogram.momentCount).toBe(0);
    }
  });

  it('keeps the variance of values far from zero exact enough, thanks to the shift', () => {
    const level = 1.7e9;
    const values = Array.from({ length: 20_000 }, (_, i) => level + ((i * 7919) % 1000) / 10);
    const binning = numericBinning(sortedFinite(values));
    const reference = createFeatureHistogram(binning);
    const compiled = compileBinning(binning);
    for (const value of values) addRawValue(reference, compiled, value);
    const one = singleSubjectLayout('epoch', binning, reference);
    // Many small flushes, as a live window gets them.
    const counters = new Map<string, number>();
    for (let start = 0; start < values.length; start += 100) {
      const part = createFeatureHistogram(binning);
      for (const value of values.slice(start, start + 100)) addRawValue(part, compiled, value);
      addHistogramCounters(one, 0, part, counters);
    }
    const back = histogramsFromCounters(one, counters, 'epoch window').get('epoch')!;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const m2 = values.reduce((a, b) => a + (b - mean) ** 2, 0);
    expect(Math.abs(back.mean - mean) / mean).toBeLessThan(1e-14);
    expect(Math.abs(back.m2 - m2) / m2).toBeLessThan(1e-9);
  });

  it('leaves out moments that could overflow a running sum, and still counts the events', () => {
    const binning = numericBinning(sortedFinite([1, 2, 3]));
    const one = singleSubjectLayout('x', binning);
    const histogram = createFeatureHistogram(binning);
    addRawValue(histogram, compileBinning(binning), 1e150);
    const counters = new Map<string, number>();
    addHistogramCounters(one, 0, histogram, counters);
    expect(Object.fromEntries(counters)).toEqual({
      [`x:b${binning.edges.length}`]: 1,
      'x:above': 1,
    });
  });

  it('bounds summed unseen counters to the heavy hitters', () => {
    const one = singleSubjectLayout('c', CATEGORIES);
    const compiled = compileBinning(CATEGORIES);
    const counters = new Map<string, number>();
    // 40 flushes of 100 events: one value holds 30% of them, the rest are all distinct.
    let distinct = 0;
    for (let flush = 0; flush < 40; flush++) {
      const histogram = createFeatureHistogram(CATEGORIES);
      for (let i = 0; i < 100; i++) {
        addRawValue(histogram, compiled, i % 10 < 3 ? 'heavy' : `rare-${distinct++}`);
      }
      addHistogramCounters(one, 0, histogram, counters);
    }
    const unseen = histogramsFromCounters(one, counters, 'w').get('c')!.unseenValues;
    expect(unseen.size).toBeLessThanOrEqual(UNSEEN_VALUES_CAPACITY);
    // Misra–Gries: the heavy value is listed, undercounted by at most events / (capacity + 1).
    expect(unseen.get('heavy')).toBeGreaterThanOrEqual(1200 - 4000 / (UNSEEN_VALUES_CAPACITY + 1));
    expect(unseen.get('heavy')).toBeLessThanOrEqual(1200);
  });

  it('cuts long unseen values, so a counter name stays bounded', () => {
    const one = singleSubjectLayout('c', CATEGORIES);
    const histogram = createFeatureHistogram(CATEGORIES);
    addRawValue(histogram, compileBinning(CATEGORIES), 'z'.repeat(10_000));
    const counters = new Map<string, number>();
    addHistogramCounters(one, 0, histogram, counters);
    expect(counters.get(`c:u:${'z'.repeat(UNSEEN_VALUE_MAX_LENGTH)}`)).toBe(1);
  });

  it('refuses counters that fit no subject or bin, naming the window', () => {
    for (const name of [
      'nobody:b0',
      'amount_log:b999',
      'amount_log:b01',
      'amount_log:mean',
      'plain',
    ]) {
      let caught: unknown;
      try {
        histogramsFromCounters(layout, new Map([[name, 1]]), 'fraud@1/w');
      } catch (error) {
        caught = error;
      }
      expect(isStreamscoreError(caught) && caught.code, name).toBe('STATE_INVALID');
      expect((caught as Error).message).toContain('fraud@1/w');
    }
  });
});
