import { describe, expect, it } from 'vitest';
import {
  binnedKsDistance,
  binnedWasserstein1,
  binRepresentativePoints,
  chiSquareHomogeneity,
  jensenShannonDistance,
  pairwiseSum,
  psi,
} from '../../../../src/drift/statistics/index.js';
import {
  expectRelative,
  P_VALUE_TOLERANCE,
  readFixture,
  STATISTIC_TOLERANCE,
} from '../../../harness/drift-fixture-tolerance.js';

interface StatisticsCase {
  name: string;
  reference: number[];
  current: number[];
  points: number[];
  psi: number | null;
  jensenShannon: number | null;
  chiSquare: { statistic: number; dof: number; pValue: number } | null;
  ksD: number | null;
  wasserstein: number | null;
}

const { cases, sums } = readFixture<{
  cases: StatisticsCase[];
  sums: { values: number[]; sum: number }[];
}>('statistics.json');

describe('pairwiseSum', () => {
  it('adds in numpy’s order, to the last bit', () => {
    for (const { values, sum } of sums)
      expect(pairwiseSum(values), `${values.length} values`).toBe(sum);
  });
});

describe('statistics on counts agree with numpy/scipy', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, fixture) => {
    const { reference, current } = fixture;
    expectRelative(psi(reference, current), fixture.psi, STATISTIC_TOLERANCE, `${name} psi`);
    expectRelative(
      jensenShannonDistance(reference, current),
      fixture.jensenShannon,
      STATISTIC_TOLERANCE,
      `${name} jensenshannon`,
    );
    const chiSquare = chiSquareHomogeneity(reference, current);
    if (fixture.chiSquare === null) {
      expect(chiSquare).toBeNull();
    } else {
      expect(chiSquare?.dof).toBe(fixture.chiSquare.dof);
      expectRelative(
        chiSquare?.statistic,
        fixture.chiSquare.statistic,
        STATISTIC_TOLERANCE,
        `${name} chi2 statistic`,
      );
      expectRelative(chiSquare?.pValue, fixture.chiSquare.pValue, P_VALUE_TOLERANCE, `${name} p`);
    }
    expectRelative(
      binnedKsDistance(reference, current),
      fixture.ksD,
      STATISTIC_TOLERANCE,
      `${name} ks`,
    );
    expectRelative(
      binnedWasserstein1(fixture.points, reference, current),
      fixture.wasserstein,
      STATISTIC_TOLERANCE,
      `${name} w1`,
    );
  });
});

describe('statistics, by definition', () => {
  it('PSI floors empty shares at 1e-4 instead of dividing by zero', () => {
    const value = psi([10, 0], [0, 10]);
    expect(value).toBeCloseTo(2 * (1 - 1e-4) * Math.log(1 / 1e-4), 12);
  });

  it('JS distance is 1 for disjoint supports and 0 for proportional counts', () => {
    expect(jensenShannonDistance([5, 0], [0, 7])).toBe(1);
    expect(jensenShannonDistance([1, 2, 3], [2, 4, 6])).toBe(0);
  });

  it('χ² with one non-empty column has no degrees of freedom: statistic 0, p 1', () => {
    expect(chiSquareHomogeneity([0, 9, 0], [0, 4, 0])).toEqual({ statistic: 0, dof: 0, pValue: 1 });
  });

  it('every statistic is null for an empty window', () => {
    expect(psi([1, 2], [0, 0])).toBeNull();
    expect(jensenShannonDistance([1, 2], [0, 0])).toBeNull();
    expect(chiSquareHomogeneity([1, 2], [0, 0])).toBeNull();
    expect(binnedKsDistance([1, 2], [0, 0])).toBeNull();
    expect(binnedWasserstein1([0, 1], [1, 2], [0, 0])).toBeNull();
  });

  it('W1 moves mass between representative points: midpoints, outer bins closed at min/max', () => {
    const points = binRepresentativePoints([0, 10], -4, 14);
    expect(Array.from(points)).toEqual([-2, 5, 12]);
    // All mass from the first bin to the last: it travels 12 − (−2) = 14.
    expect(binnedWasserstein1(points, [5, 0, 0], [0, 0, 5])).toBe(14);
  });
});
