/**
 * The decision rule of docs/drift.md applied to one evaluation: per subject a drift level, per
 * subject its data-quality findings (their own alert class: they never mean "retrain"), and a
 * dataset-level verdict over the model's input features.
 *
 * A subject drifts at level L when its window holds ≥ minEvents events, its PSI reaches L's
 * threshold, and its χ² p-value survives Benjamini–Hochberg at q across every subject with a
 * p-value in this evaluation (features, score and label together: one family of tests).
 * Data-quality findings need only the sample floor and their threshold: an unseen category or
 * a jump in nulls is a fact about the data, not an inference about a distribution.
 */
import { benjaminiHochbergAdjust } from './benjamini-hochberg.js';
import type { DriftThresholds, LevelThresholds } from './drift-thresholds.js';
import type { SubjectStatistics } from './subject-statistics.js';

export type DriftLevel = 'ok' | 'warning' | 'critical' | 'insufficient_data';
export type BreachLevel = 'warning' | 'critical';
export type SubjectSource = 'feature' | 'score' | 'label';

export type DataQualityKind = 'null_rate' | 'unseen' | 'out_of_range';

export interface DataQualityFinding {
  readonly kind: DataQualityKind;
  readonly level: BreachLevel;
  /** The measured value (for null_rate the signed change). */
  readonly value: number;
  /** The threshold it reached. */
  readonly threshold: number;
}

export interface SubjectVerdictInput {
  readonly name: string;
  readonly source: SubjectSource;
  /** Events in the current window for this subject (valid or not). */
  readonly currentEvents: number;
  readonly statistics: SubjectStatistics;
}

export interface SubjectVerdict {
  readonly level: DriftLevel;
  /** One line for a human: which rule decided, with the numbers. */
  readonly reason: string;
  /** The χ² p-value after Benjamini–Hochberg, or null when not tested. */
  readonly pValueAdjusted: number | null;
  readonly dataQuality: readonly DataQualityFinding[];
}

export interface DatasetVerdict {
  readonly level: DriftLevel;
  /** Input features with enough data to judge. */
  readonly evaluatedFeatures: number;
  /** Of those, features at warning or critical. */
  readonly driftedFeatures: number;
  readonly criticalFeatures: number;
  /** driftedFeatures / evaluatedFeatures, or null when none was evaluated. */
  readonly driftedShare: number | null;
}

export interface Verdicts {
  readonly subjects: readonly SubjectVerdict[];
  readonly dataset: DatasetVerdict;
}

export function decideVerdicts(
  subjects: readonly SubjectVerdictInput[],
  thresholds: DriftThresholds,
): Verdicts {
  const sufficient = subjects.map((subject) => subject.currentEvents >= thresholds.minEvents);
  const adjusted = benjaminiHochbergAdjust(
    subjects.map((subject, index) =>
      sufficient[index] === true && subject.statistics.psi !== null
        ? (subject.statistics.chiSquare?.pValue ?? null)
        : null,
    ),
  );
  const verdicts = subjects.map((subject, index) =>
    subjectVerdict(subject, sufficient[index] === true, adjusted[index] ?? null, thresholds),
  );
  return { subjects: verdicts, dataset: datasetVerdict(subjects, verdicts, thresholds) };
}

function subjectVerdict(
  subject: SubjectVerdictInput,
  sufficient: boolean,
  pValueAdjusted: number | null,
  thresholds: DriftThresholds,
): SubjectVerdict {
  if (!sufficient) {
    return {
      level: 'insufficient_data',
      reason: `${subject.currentEvents} events in the window, fewer than ${thresholds.minEvents}`,
      pValueAdjusted: null,
      dataQuality: [],
    };
  }
  const dataQuality = dataQualityFindings(subject.statistics, thresholds);
  const { psi: effect } = subject.statistics;
  if (effect === null || pValueAdjusted === null) {
    return {
      level: 'insufficient_data',
      reason: 'no valid values to compare in the window',
      pValueAdjusted,
      dataQuality,
    };
  }
  const effectLevel = levelOf(effect, thresholds.psi);
  const q = thresholds.falseDiscoveryRate;
  const significant = pValueAdjusted <= q;
  const effectText = `PSI ${format(effect)}`;
  const pText = `χ² p (BH-adjusted) ${format(pValueAdjusted)}`;
  if (effectLevel === undefined) {
    return {
      level: 'ok',
      reason: `${effectText} < ${thresholds.psi.warning}`,
      pValueAdjusted,
      dataQuality,
    };
  }
  const threshold = thresholds.psi[effectLevel];
  if (!significant) {
    return {
      level: 'ok',
      reason: `${effectText} ≥ ${threshold} but ${pText} > ${q}: not distinguishable from noise`,
      pValueAdjusted,
      dataQuality,
    };
  }
  return {
    level: effectLevel,
    reason: `${effectText} ≥ ${threshold} and ${pText} ≤ ${q}`,
    pValueAdjusted,
    dataQuality,
  };
}

function dataQualityFindings(
  statistics: SubjectStatistics,
  thresholds: DriftThresholds,
): DataQualityFinding[] {
  const findings: DataQualityFinding[] = [];
  const check = (kind: DataQualityKind, value: number | null, limits: LevelThresholds) => {
    if (value === null) return;
    const level = levelOf(Math.abs(value), limits);
    if (level !== undefined) findings.push({ kind, level, value, threshold: limits[level] });
  };
  check('null_rate', statistics.nullRateChange, thresholds.nullRateChange);
  check('unseen', statistics.unseenShare, thresholds.unseenShare);
  check('out_of_range', statistics.outOfRangeShare, thresholds.outOfRangeShare);
  return findings;
}

function datasetVerdict(
  subjects: readonly SubjectVerdictInput[],
  verdicts: readonly SubjectVerdict[],
  thresholds: DriftThresholds,
): DatasetVerdict {
  let evaluatedFeatures = 0;
  let driftedFeatures = 0;
  let criticalFeatures = 0;
  subjects.forEach((subject, index) => {
    const level = verdicts[index]?.level;
    if (subject.source !== 'feature' || level === 'insufficient_data') return;
    evaluatedFeatures++;
    if (level === 'warning' || level === 'critical') driftedFeatures++;
    if (level === 'critical') criticalFeatures++;
  });
  if (evaluatedFeatures === 0) {
    return {
      level: 'insufficient_data',
      evaluatedFeatures,
      driftedFeatures,
      criticalFeatures,
      driftedShare: null,
    };
  }
  const share = thresholds.datasetDriftShare;
  const driftedShare = driftedFeatures / evaluatedFeatures;
  const level: DriftLevel =
    criticalFeatures / evaluatedFeatures >= share
      ? 'critical'
      : driftedShare >= share
        ? 'warning'
        : 'ok';
  return { level, evaluatedFeatures, driftedFeatures, criticalFeatures, driftedShare };
}

function levelOf(value: number, limits: LevelThresholds): BreachLevel | undefined {
  if (value >= limits.critical) return 'critical';
  if (value >= limits.warning) return 'warning';
  return undefined;
}

function format(value: number): string {
  return value !== 0 && Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toFixed(4);
}

/** Severity order for sorting reports worst first. */
export const DRIFT_LEVEL_SEVERITY: Readonly<Record<DriftLevel, number>> = Object.freeze({
  critical: 3,
  warning: 2,
  ok: 1,
  insufficient_data: 0,
});
