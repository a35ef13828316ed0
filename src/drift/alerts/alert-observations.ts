/**
 * What the alert state machine is fed: one observation per (subject, check) of a drift report.
 *
 * - `drift` of every subject: its verdict level, measured by PSI against the PSI thresholds.
 * - one data-quality check per applicable kind (null rate: every subject; unseen values:
 *   categorical subjects; out of range: numeric subjects), measured by the size of the
 *   finding. A data-quality check needs only the sample floor, as in the decision rule.
 * - `drift` of `__dataset__`: the dataset verdict, measured by the share of drifted features.
 */
import { DATASET_SUBJECT, type AlertObservation } from './alert-state-machine.js';
import type { DriftReport, DriftReportStatistics, DriftReportSubject } from '../report/index.js';
import type {
  DataQualityKind,
  DriftLevel,
  DriftThresholds,
  LevelThresholds,
} from '../statistics/index.js';

export function alertObservations(report: DriftReport): AlertObservation[] {
  const { thresholds } = report;
  const observations: AlertObservation[] = [];
  for (const subject of report.subjects) {
    const evidence = {
      reason: subject.reason,
      samples: { reference: subject.reference.events, current: subject.current.events },
      statistics: subject.statistics,
      dataset: null,
      topUnseen: subject.current.topUnseen,
    };
    observations.push({
      subject: subject.name,
      source: subject.source,
      check: 'drift',
      level: subject.level,
      value: subject.statistics.psi,
      thresholds: {
        ...thresholds.psi,
        minEvents: thresholds.minEvents,
        falseDiscoveryRate: thresholds.falseDiscoveryRate,
      },
      evidence,
    });
    for (const check of dataQualityChecks(subject)) {
      const limits = DATA_QUALITY[check].limits(thresholds);
      const signed = DATA_QUALITY[check].value(subject.statistics);
      const value = signed === null ? null : Math.abs(signed);
      const level = dataQualityLevel(subject, check, value, thresholds.minEvents);
      observations.push({
        subject: subject.name,
        source: subject.source,
        check,
        level,
        value,
        thresholds: {
          warning: limits.warning,
          critical: limits.critical,
          minEvents: thresholds.minEvents,
          falseDiscoveryRate: null,
        },
        evidence: { ...evidence, reason: dataQualityReason(check, level, value, limits) },
      });
    }
  }
  const { dataset } = report;
  observations.push({
    subject: DATASET_SUBJECT,
    source: 'dataset',
    check: 'drift',
    level: dataset.level,
    value: dataset.driftedShare,
    thresholds: {
      warning: thresholds.datasetDriftShare,
      critical: thresholds.datasetDriftShare,
      minEvents: thresholds.minEvents,
      falseDiscoveryRate: thresholds.falseDiscoveryRate,
    },
    evidence: {
      reason:
        dataset.driftedShare === null
          ? 'no feature had enough events to judge'
          : `${dataset.driftedFeatures} of ${dataset.evaluatedFeatures} features drifted, ${dataset.criticalFeatures} of them critical`,
      samples: { reference: report.reference.events, current: report.current.events },
      statistics: null,
      dataset,
      topUnseen: [],
    },
  });
  return observations;
}

function dataQualityChecks(subject: DriftReportSubject): DataQualityKind[] {
  return subject.kind === 'numeric' ? ['null_rate', 'out_of_range'] : ['null_rate', 'unseen'];
}

/** Where each data-quality check reads its measure and its thresholds. */
const DATA_QUALITY: Readonly<
  Record<
    DataQualityKind,
    {
      readonly value: (statistics: DriftReportStatistics) => number | null;
      readonly limits: (thresholds: DriftThresholds) => LevelThresholds;
    }
  >
> = {
  null_rate: { value: (s) => s.nullRateChange, limits: (t) => t.nullRateChange },
  unseen: { value: (s) => s.unseenShare, limits: (t) => t.unseenShare },
  out_of_range: { value: (s) => s.outOfRangeShare, limits: (t) => t.outOfRangeShare },
};

function dataQualityLevel(
  subject: DriftReportSubject,
  check: DataQualityKind,
  value: number | null,
  minEvents: number,
): DriftLevel {
  if (subject.current.events < minEvents || value === null) return 'insufficient_data';
  return subject.dataQuality.find((finding) => finding.kind === check)?.level ?? 'ok';
}

function dataQualityReason(
  check: DataQualityKind,
  level: DriftLevel,
  value: number | null,
  limits: LevelThresholds,
): string {
  const name = check.replace(/_/g, ' ');
  if (value === null) return `${name}: nothing to measure in the window`;
  if (level === 'insufficient_data') return `${name}: too few events in the window`;
  return level === 'ok'
    ? `${name} ${value.toPrecision(3)} < ${limits.warning}`
    : `${name} ${value.toPrecision(3)} ≥ ${limits[level]}`;
}
