import { describe, expect, it } from 'vitest';
import { benjaminiHochbergAdjust } from '../../../../src/drift/statistics/index.js';
import { expectRelative, readFixture } from '../../../harness/drift-fixture-tolerance.js';

const { cases } = readFixture<{ cases: { pValues: number[]; adjusted: number[] }[] }>(
  'benjamini-hochberg.json',
);

describe('benjaminiHochbergAdjust vs scipy.stats.false_discovery_control', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %s', (_i, { pValues, adjusted }) => {
    const ours = benjaminiHochbergAdjust(pValues);
    adjusted.forEach((expected, i) => expectRelative(ours[i], expected, 1e-15, `p[${i}]`));
  });

  it('leaves untested subjects out of the family', () => {
    expect(benjaminiHochbergAdjust([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
    expect(benjaminiHochbergAdjust([])).toEqual([]);
  });
});
