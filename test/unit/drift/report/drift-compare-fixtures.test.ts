/**
 * The offline comparison end to end on the fixture data sets (test/fixtures/drift): events read
 * through the fixture topology's feature spec, a profile built from reference.jsonl, each case
 * compared with it — and every number checked against what numpy/scipy computed for the same
 * events (make_drift_fixtures.py). Edges and counts exactly; statistics to 1e-12 relative;
 * p-values to 1e-9 relative.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDriftReport,
  buildReferenceProfile,
  readJsonlDataset,
  type ReferenceProfile,
} from '../../../../src/drift/index.js';
import {
  histogramCoarseCounts,
  histogramVariance,
} from '../../../../src/drift/statistics/index.js';
import { type DriftReport } from '../../../../src/drift/report/index.js';
import { loadTopology, type Topology } from '../../../../src/topology/index.js';
import {
  expectRelative,
  FIXTURES,
  P_VALUE_TOLERANCE,
  readFixture,
  STATISTIC_TOLERANCE,
} from '../../../harness/drift-fixture-tolerance.js';

interface ExpectedSide {
  fine: number[];
  coarse: number[];
  valid: number;
  null: number;
  nan: number;
  infinite: number;
  belowMin: number;
  aboveMax: number;
  unseen: number;
  mean: number | null;
  std: number | null;
}

interface ExpectedProfile {
  events: number;
  subjects: {
    name: string;
    binning:
      | { kind: 'numeric'; edges: number[]; decileEdgeIndices: number[]; min: number; max: number }
      | { kind: 'categorical'; valueType: string; vocabulary: string[]; otherValues: string[] };
    reference: ExpectedSide;
  }[];
  calibration: {
    windowEvents: number;
    fitPercent: number;
    fitEvents: number;
    windows: number;
    subjects: Record<string, Record<string, number | null>>;
  };
}

interface ExpectedCase {
  case: string;
  events: number;
  dataset: DriftReport['dataset'];
  subjects: {
    name: string;
    current: ExpectedSide;
    statistics: {
      psi: number | null;
      jensenShannon: number | null;
      chiSquare: {
        statistic: number;
        dof: number;
        pValue: number;
        pValueAdjusted: number | null;
      } | null;
      ksD: number | null;
      ksRawD: number | null;
      wasserstein: number | null;
      wassersteinNormalised: number | null;
      meanShift: number | null;
      nullRateChange: number | null;
      outOfRangeShare: number | null;
      unseenShare: number | null;
    };
    dataQuality: { kind: string; level: string }[];
    level: string;
  }[];
}

/**
 * Moments come from Welford's recurrence here and from numpy's pairwise sums there; they agree
 * to a few ulps. The mean shift is a difference of two means over the reference standard
 * deviation, so its error is absolute (≈1e-14 σ) rather than relative when the means are close.
 */
const MOMENT_TOLERANCE = 1e-12;

function expectMeanShift(
  actual: number | null | undefined,
  expected: number | null,
  label: string,
): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(Math.abs((actual as number) - expected), label).toBeLessThanOrEqual(
    STATISTIC_TOLERANCE * Math.max(1, Math.abs(expected)),
  );
}

const CASE_NAMES = readdirSync(join(FIXTURES, 'cases'))
  .filter((file) => file.endsWith('.expected.json'))
  .map((file) => file.replace('.expected.json', ''))
  .sort();

let topology: Topology;
let profile: ReferenceProfile;
const expectedProfile = readFixture<ExpectedProfile>('expected-profile.json');

beforeAll(async () => {
  topology = await loadTopology(join(FIXTURES, 'fixture-topology.yaml'), { env: {} });
  const reference = await readJsonlDataset(join(FIXTURES, 'reference.jsonl'), {
    features: topology.features,
  });
  profile = buildReferenceProfile(reference.columns, {
    calibration: { windowEvents: expectedProfile.calibration.windowEvents },
  });
});

describe('reference profile of reference.jsonl', () => {
  it('has numpy’s edges, decile indices, vocabularies and counts, exactly', () => {
    expect(profile.data.events).toBe(expectedProfile.events);
    expect(profile.subjects.map((subject) => subject.name)).toEqual(
      expectedProfile.subjects.map((subject) => subject.name),
    );
    expectedProfile.subjects.forEach((expected, s) => {
      const subject = profile.subjects[s];
      if (subject === undefined) throw new Error(`no subject ${expected.name}`);
      expect(subject.binning, expected.name).toEqual(expected.binning);
      const { reference } = subject;
      expect(Array.from(reference.binCounts), expected.name).toEqual(expected.reference.fine);
      expect(Array.from(histogramCoarseCounts(subject.binning, reference))).toEqual(
        expected.reference.coarse,
      );
      expect(
        [reference.validCount, reference.nullCount, reference.nanCount, reference.infiniteCount],
        expected.name,
      ).toEqual([
        expected.reference.valid,
        expected.reference.null,
        expected.reference.nan,
        expected.reference.infinite,
      ]);
      const variance = histogramVariance(reference);
      expectRelative(
        reference.momentCount === 0 ? null : reference.mean,
        expected.reference.mean,
        MOMENT_TOLERANCE,
        `${expected.name} mean`,
      );
      expectRelative(
        variance === null ? null : Math.sqrt(variance),
        expected.reference.std,
        MOMENT_TOLERANCE,
        `${expected.name} std`,
      );
    });
  });

  it('binned the edge cases as docs/drift.md "Binning" says', () => {
    const kinds = Object.fromEntries(
      profile.subjects.map((subject) => [subject.name, subject.binning.kind]),
    );
    // ≤ 20 distinct numbers make a category: the constant and the Poisson count.
    expect(kinds).toMatchObject({
      x: 'numeric',
      amount: 'numeric',
      zero_inflated: 'numeric',
      count: 'categorical',
      constant: 'categorical',
      hour: 'numeric',
      channel: 'categorical',
      present: 'categorical',
      single: 'categorical',
    });
  });

  it('calibrates on the first 70% with numpy’s 99th percentiles', () => {
    const { calibration } = profile;
    const expected = expectedProfile.calibration;
    expect(calibration).not.toBeNull();
    expect(calibration?.fitEvents).toBe(expected.fitEvents);
    expect(calibration?.windows).toBe(expected.windows);
    expect(calibration?.fitPercent).toBe(expected.fitPercent);
    for (const [name, percentiles] of Object.entries(expected.subjects)) {
      for (const [statistic, value] of Object.entries(percentiles)) {
        const ours = calibration?.subjects[name]?.[statistic as 'psi'];
        if (statistic === 'absMeanShift') {
          expectMeanShift(ours, value, `${name} ${statistic}`);
        } else {
          expectRelative(ours, value, STATISTIC_TOLERANCE, `${name} ${statistic}`);
        }
      }
    }
  });
});

describe.each(CASE_NAMES)('drift compare: case %s', (caseName) => {
  const expected = readFixture<ExpectedCase>(join('cases', `${caseName}.expected.json`));
  let report: DriftReport;

  beforeAll(async () => {
    const current = await readJsonlDataset(join(FIXTURES, 'cases', `${caseName}.jsonl`), {
      features: topology.features,
    });
    report = buildDriftReport(profile, current.columns);
  });

  it('counts the window into the reference bins exactly', () => {
    expect(report.current.events).toBe(expected.events);
    expected.subjects.forEach((subject, s) => {
      const ours = report.subjects[s];
      expect(ours?.name).toBe(subject.name);
      expect(ours?.bins.current.fine, subject.name).toEqual(subject.current.fine);
      expect(ours?.bins.current.coarse, subject.name).toEqual(subject.current.coarse);
      const { current } = ours ?? {};
      expect(
        [
          current?.valid,
          current?.null,
          current?.nan,
          current?.infinite,
          current?.belowMin,
          current?.aboveMax,
          current?.unseen,
        ],
        subject.name,
      ).toEqual([
        subject.current.valid,
        subject.current.null,
        subject.current.nan,
        subject.current.infinite,
        subject.current.belowMin,
        subject.current.aboveMax,
        subject.current.unseen,
      ]);
      expectRelative(current?.mean, subject.current.mean, MOMENT_TOLERANCE, `${subject.name} mean`);
      expectRelative(current?.std, subject.current.std, MOMENT_TOLERANCE, `${subject.name} std`);
    });
  });

  it('computes every statistic as numpy/scipy do', () => {
    expected.subjects.forEach((subject, s) => {
      const ours = report.subjects[s]?.statistics;
      const theirs = subject.statistics;
      const label = (statistic: string) => `${caseName} ${subject.name} ${statistic}`;
      expectRelative(ours?.psi, theirs.psi, STATISTIC_TOLERANCE, label('psi'));
      expectRelative(ours?.jensenShannon, theirs.jensenShannon, STATISTIC_TOLERANCE, label('js'));
      if (theirs.chiSquare === null) {
        expect(ours?.chiSquare, label('chi2')).toBeNull();
      } else {
        expect(ours?.chiSquare?.dof, label('dof')).toBe(theirs.chiSquare.dof);
        expectRelative(
          ours?.chiSquare?.statistic,
          theirs.chiSquare.statistic,
          STATISTIC_TOLERANCE,
          label('chi2'),
        );
        expectRelative(
          ours?.chiSquare?.pValue,
          theirs.chiSquare.pValue,
          P_VALUE_TOLERANCE,
          label('p'),
        );
        expectRelative(
          ours?.chiSquare?.pValueAdjusted,
          theirs.chiSquare.pValueAdjusted,
          P_VALUE_TOLERANCE,
          label('p adjusted'),
        );
      }
      expectRelative(ours?.ksD, theirs.ksD, STATISTIC_TOLERANCE, label('ks'));
      if (theirs.ksRawD !== null) {
        // docs/drift.md "Statistics": the binned D is a lower bound of the raw-sample D of ks_2samp.
        // Equal when the largest gap sits on a bin boundary: then only rounding separates them.
        expect(ours?.ksD, label('ks ≤ raw')).toBeLessThanOrEqual(
          theirs.ksRawD * (1 + STATISTIC_TOLERANCE),
        );
      }
      expectRelative(ours?.wasserstein, theirs.wasserstein, STATISTIC_TOLERANCE, label('w1'));
      expectRelative(
        ours?.wassersteinNormalised,
        theirs.wassersteinNormalised,
        STATISTIC_TOLERANCE,
        label('w1/sd'),
      );
      expectMeanShift(ours?.meanShift, theirs.meanShift, label('mean shift'));
      expect(ours?.nullRateChange, label('null rate')).toBe(theirs.nullRateChange);
      expect(ours?.outOfRangeShare, label('out of range')).toBe(theirs.outOfRangeShare);
      expect(ours?.unseenShare, label('unseen')).toBe(theirs.unseenShare);
    });
  });

  it('reaches the same verdicts', () => {
    expect(report.dataset).toEqual(expected.dataset);
    expected.subjects.forEach((subject, s) => {
      const ours = report.subjects[s];
      expect(ours?.level, subject.name).toBe(subject.level);
      expect(
        ours?.dataQuality.map(({ kind, level }) => ({ kind, level })),
        subject.name,
      ).toEqual(subject.dataQuality);
    });
  });
});

describe('the fixture cases cover the edge cases of docs/drift.md', () => {
  it('has them all', () => {
    expect(CASE_NAMES).toEqual(
      expect.arrayContaining(['above-max', 'data-quality', 'empty-window', 'no-drift', 'shifted']),
    );
  });
});
