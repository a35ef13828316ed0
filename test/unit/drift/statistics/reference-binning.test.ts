import { describe, expect, it } from 'vitest';
import {
  categoricalBinning,
  coarseCounts,
  fineBinIndex,
  fineBinLabels,
  linearQuantile,
  numericBinning,
  sortedFinite,
  type NumericBinning,
} from '../../../../src/drift/statistics/index.js';
import { readFixture } from '../../../harness/drift-fixture-tolerance.js';

interface BinningCase {
  name: string;
  values: number[];
  quantiles: { probabilities: number[]; values: number[] };
  binning: Omit<NumericBinning, 'kind'>;
  probe: number[];
  probeFineCounts: number[];
  probeCoarseCounts: number[];
}

const { cases } = readFixture<{ cases: BinningCase[] }>('binning.json');

describe('numpy-exact quantiles and bins (fixtures from np.quantile / np.searchsorted)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, fixture) => {
    const sorted = sortedFinite(fixture.values);
    fixture.quantiles.probabilities.forEach((probability, i) => {
      expect(linearQuantile(sorted, probability), `q=${probability}`).toBe(
        fixture.quantiles.values[i],
      );
    });
    const binning = numericBinning(sorted);
    // Exact: the same doubles, not merely close ones.
    expect(binning.edges).toEqual(fixture.binning.edges);
    expect(binning.decileEdgeIndices).toEqual(fixture.binning.decileEdgeIndices);
    expect(binning.min).toBe(fixture.binning.min);
    expect(binning.max).toBe(fixture.binning.max);
    const fine = new Float64Array(binning.edges.length + 1);
    for (const value of fixture.probe) {
      const bin = fineBinIndex(binning.edges, value);
      fine[bin] = (fine[bin] as number) + 1;
    }
    expect(Array.from(fine)).toEqual(fixture.probeFineCounts);
    expect(Array.from(coarseCounts(binning, fine))).toEqual(fixture.probeCoarseCounts);
  });

  it('covers the edge cases the issue lists', () => {
    const names = cases.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['constant', 'one-value', 'ties-101-points', 'zero-inflated']),
    );
    const constant = numericBinning(sortedFinite(new Array<number>(10).fill(4)));
    expect(constant.edges).toEqual([4]);
    expect(constant.decileEdgeIndices).toEqual([0]);
  });

  it('puts a value equal to an edge in the bin to its right (left-closed bins)', () => {
    const edges = [1, 2, 3];
    expect([0.5, 1, 1.5, 2, 3, 4].map((x) => fineBinIndex(edges, x))).toEqual([0, 1, 1, 2, 3, 3]);
    expect(fineBinIndex(edges, -Infinity)).toBe(0);
  });

  it('refuses the quantile of nothing', () => {
    expect(() => linearQuantile(new Float64Array(0), 0.5)).toThrow(RangeError);
  });
});

describe('categoricalBinning', () => {
  it('takes values by count until 99.5% is covered; the rest is OTHER', () => {
    const counts = new Map([
      ['pos', 550],
      ['ecom', 300],
      ['atm', 100],
      ['moto', 47],
      ['r1', 2],
      ['r0', 1],
    ]);
    const binning = categoricalBinning(counts, 'category');
    expect(binning.vocabulary).toEqual(['pos', 'ecom', 'atm', 'moto']);
    expect(binning.otherValues).toEqual(['r0', 'r1']);
    expect(fineBinLabels(binning)).toEqual([
      'pos',
      'ecom',
      'atm',
      'moto',
      '__OTHER__',
      '__UNSEEN__',
    ]);
  });

  it('breaks count ties by value and caps the vocabulary', () => {
    const counts = new Map(
      Array.from({ length: 300 }, (_, i) => [`v${String(i).padStart(3, '0')}`, 1]),
    );
    const binning = categoricalBinning(counts, 'category');
    expect(binning.vocabulary).toHaveLength(200);
    expect(binning.vocabulary[0]).toBe('v000');
    expect(binning.otherValues).toHaveLength(100);
  });

  it('gives up listing OTHER values beyond the limit (then nothing counts as UNSEEN)', () => {
    const counts = new Map(Array.from({ length: 50 }, (_, i) => [`v${i}`, i === 0 ? 10_000 : 1]));
    const binning = categoricalBinning(counts, 'category', {
      categoricalMaxDistinct: 20,
      vocabularyCoverage: 0.995,
      vocabularyMaxSize: 200,
      otherValuesMaxSize: 10,
    });
    expect(binning.vocabulary).toEqual(['v0']);
    expect(binning.otherValues).toBeNull();
  });

  it('handles a single category and an empty reference', () => {
    expect(categoricalBinning(new Map([['only', 7]]), 'category').vocabulary).toEqual(['only']);
    const empty = categoricalBinning(new Map(), 'number');
    expect(empty.vocabulary).toEqual([]);
    expect(empty.otherValues).toEqual([]);
  });
});
