import { describe, expect, it } from 'vitest';
import {
  decideVerdicts,
  type SubjectStatistics,
  type SubjectVerdictInput,
} from '../../../../src/drift/statistics/index.js';
import { DEFAULT_DRIFT_THRESHOLDS, resolveDriftThresholds } from '../../../../src/drift/index.js';

const quiet: SubjectStatistics = {
  psi: 0.01,
  jensenShannon: 0.02,
  chiSquare: { statistic: 3, dof: 9, pValue: 0.9 },
  ksD: 0.01,
  wasserstein: 0.01,
  wassersteinNormalised: 0.01,
  meanShift: 0,
  nullRateChange: 0,
  outOfRangeShare: 0,
  unseenShare: null,
};

function subject(
  name: string,
  statistics: Partial<SubjectStatistics>,
  currentEvents = 5000,
  source: SubjectVerdictInput['source'] = 'feature',
): SubjectVerdictInput {
  return { name, source, currentEvents, statistics: { ...quiet, ...statistics } };
}

describe('the decision rule', () => {
  it('needs the sample floor, the effect and a BH-surviving p-value together', () => {
    const { subjects } = decideVerdicts(
      [
        subject('big-and-significant', {
          psi: 0.3,
          chiSquare: { statistic: 900, dof: 9, pValue: 1e-30 },
        }),
        subject('medium', { psi: 0.12, chiSquare: { statistic: 90, dof: 9, pValue: 1e-9 } }),
        subject('big-but-noise', { psi: 0.4, chiSquare: { statistic: 12, dof: 9, pValue: 0.2 } }),
        subject('significant-but-tiny', {
          psi: 0.001,
          chiSquare: { statistic: 99, dof: 9, pValue: 1e-12 },
        }),
        subject(
          'too-few-events',
          { psi: 2, chiSquare: { statistic: 999, dof: 9, pValue: 1e-40 } },
          999,
        ),
      ],
      DEFAULT_DRIFT_THRESHOLDS,
    );
    expect(subjects.map((s) => s.level)).toEqual([
      'critical',
      'warning',
      'ok',
      'ok',
      'insufficient_data',
    ]);
    expect(subjects[2]?.reason).toContain('not distinguishable from noise');
    expect(subjects[4]?.reason).toBe('999 events in the window, fewer than 1000');
  });

  it('adjusts p-values across all subjects of the model (BH at q = 0.01)', () => {
    // Alone, p = 0.008 would pass q = 0.01; among four subjects its adjusted p is 0.016.
    const { subjects } = decideVerdicts(
      [
        subject('a', { psi: 0.3, chiSquare: { statistic: 20, dof: 9, pValue: 0.008 } }),
        subject('b', {}),
        subject('c', {}),
        subject('__score__', {}, 5000, 'score'),
      ],
      DEFAULT_DRIFT_THRESHOLDS,
    );
    expect(subjects[0]?.pValueAdjusted).toBeCloseTo(0.032, 15);
    expect(subjects[0]?.level).toBe('ok');
  });

  it('flags data quality on its own, whatever the drift verdict', () => {
    const { subjects } = decideVerdicts(
      [
        subject('nulls', { nullRateChange: -0.07 }),
        subject('unseen', { unseenShare: 0.2, outOfRangeShare: null }),
        subject('range', { outOfRangeShare: 0.012 }),
      ],
      DEFAULT_DRIFT_THRESHOLDS,
    );
    expect(subjects.map((s) => s.level)).toEqual(['ok', 'ok', 'ok']);
    expect(subjects.map((s) => s.dataQuality)).toEqual([
      [{ kind: 'null_rate', level: 'warning', value: -0.07, threshold: 0.05 }],
      [{ kind: 'unseen', level: 'critical', value: 0.2, threshold: 0.05 }],
      [{ kind: 'out_of_range', level: 'warning', value: 0.012, threshold: 0.01 }],
    ]);
  });

  it('calls dataset drift when half the evaluated features drift (score and label aside)', () => {
    const drifting = { psi: 0.3, chiSquare: { statistic: 900, dof: 9, pValue: 1e-30 } };
    const { dataset } = decideVerdicts(
      [
        subject('a', drifting),
        subject('b', { psi: 0.15, chiSquare: { statistic: 900, dof: 9, pValue: 1e-30 } }),
        subject('c', {}),
        subject('d', {}),
        subject('e', drifting, 10),
        subject('__score__', drifting, 5000, 'score'),
      ],
      DEFAULT_DRIFT_THRESHOLDS,
    );
    expect(dataset).toEqual({
      level: 'warning',
      evaluatedFeatures: 4,
      driftedFeatures: 2,
      criticalFeatures: 1,
      driftedShare: 0.5,
    });
  });

  it('has no dataset verdict without evaluated features', () => {
    const { dataset } = decideVerdicts([subject('a', {}, 0)], DEFAULT_DRIFT_THRESHOLDS);
    expect(dataset.level).toBe('insufficient_data');
    expect(dataset.driftedShare).toBeNull();
  });
});

describe('resolveDriftThresholds', () => {
  it('keeps the hard floor of 200 events', () => {
    expect(resolveDriftThresholds({ minEvents: 200 }).minEvents).toBe(200);
    expect(() => resolveDriftThresholds({ minEvents: 199 })).toThrow(
      'minEvents must be an integer >= 200',
    );
    expect(() => resolveDriftThresholds({ psi: { warning: 0.3, critical: 0.2 } })).toThrow(
      RangeError,
    );
  });
});
