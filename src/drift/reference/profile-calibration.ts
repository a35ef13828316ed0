/**
 * How large each statistic gets when nothing has drifted (docs/drift.md "Calibration"): bin the
 * first 70% of the reference as if it were the whole reference, replay the remaining 30% as
 * consecutive windows of the production window size, and record the 99th percentile (numpy
 * 'linear') of every statistic over those windows. A threshold below that percentile would
 * fire on more than 1% of undrifted windows, so it earns a warning.
 *
 * The replay is in event order, so the calibration sees the reference's own slow movements
 * (time of day, campaigns) — the noise a production window will see too. A trailing partial
 * window is left out: it would be smaller than production windows and noisier.
 */
import { binningForColumn } from './column-binning.js';
import { histogramOfColumn, type DatasetColumns } from './dataset-columns.js';
import {
  linearQuantile,
  subjectStatistics,
  type BinningRules,
  type DriftThresholds,
  type SubjectStatistics,
} from '../statistics/index.js';

export const CALIBRATION_PERCENTILE = 99;
/** Percent of the reference, from its start, that plays the reference during calibration. */
export const DEFAULT_CALIBRATION_FIT_PERCENT = 70;
export const DEFAULT_CALIBRATION_WINDOW_EVENTS = 1000;

/** The 99th percentile of each statistic over the replay windows; null where never defined. */
export interface CalibratedPercentiles {
  readonly psi: number | null;
  readonly jensenShannon: number | null;
  readonly ksD: number | null;
  readonly wassersteinNormalised: number | null;
  readonly absMeanShift: number | null;
  readonly absNullRateChange: number | null;
  readonly outOfRangeShare: number | null;
  readonly unseenShare: number | null;
}

export const CALIBRATED_STATISTICS = [
  'psi',
  'jensenShannon',
  'ksD',
  'wassersteinNormalised',
  'absMeanShift',
  'absNullRateChange',
  'outOfRangeShare',
  'unseenShare',
] as const satisfies readonly (keyof CalibratedPercentiles)[];

export interface ProfileCalibration {
  readonly fitPercent: number;
  readonly fitEvents: number;
  readonly replayEvents: number;
  readonly windowEvents: number;
  readonly windows: number;
  readonly percentile: number;
  /** Per subject name, in subject order; empty when the replay held no full window. */
  readonly subjects: Readonly<Record<string, CalibratedPercentiles>>;
}

export interface CalibrationOptions {
  readonly windowEvents?: number;
  readonly fitPercent?: number;
}

export function calibrateProfile(
  columns: DatasetColumns,
  rules: BinningRules,
  options: CalibrationOptions = {},
): ProfileCalibration {
  const windowEvents = options.windowEvents ?? DEFAULT_CALIBRATION_WINDOW_EVENTS;
  const fitPercent = options.fitPercent ?? DEFAULT_CALIBRATION_FIT_PERCENT;
  if (!Number.isInteger(windowEvents) || windowEvents < 1) {
    throw new RangeError(
      `calibration windowEvents must be a positive integer, got ${windowEvents}`,
    );
  }
  if (!Number.isInteger(fitPercent) || fitPercent < 1 || fitPercent > 99) {
    throw new RangeError(`calibration fitPercent must be an integer in [1, 99], got ${fitPercent}`);
  }
  // Integer arithmetic: 0.7 · n in floats can land a hair below an integer and lose an event.
  const fitEvents = Math.floor((columns.eventCount * fitPercent) / 100);
  const replayEvents = columns.eventCount - fitEvents;
  const windows = fitEvents === 0 ? 0 : Math.floor(replayEvents / windowEvents);
  const subjects: Record<string, CalibratedPercentiles> = {};
  if (windows > 0) {
    columns.subjects.forEach((subject, s) => {
      const column = columns.values[s] as (typeof columns.values)[number];
      const fit = column.slice(0, fitEvents);
      const binning = binningForColumn(subject, fit, rules);
      const reference = histogramOfColumn(binning, fit);
      const samples = CALIBRATED_STATISTICS.map((): number[] => []);
      for (let w = 0; w < windows; w++) {
        const start = fitEvents + w * windowEvents;
        const current = histogramOfColumn(binning, column, start, start + windowEvents);
        const values = calibratedValues(subjectStatistics(binning, reference, current));
        values.forEach((value, i) => {
          if (value !== null) (samples[i] as number[]).push(value);
        });
      }
      const percentiles: Record<string, number | null> = {};
      CALIBRATED_STATISTICS.forEach((name, i) => {
        const sample = Float64Array.from(samples[i] as number[]).sort();
        percentiles[name] =
          sample.length === 0 ? null : linearQuantile(sample, CALIBRATION_PERCENTILE / 100);
      });
      subjects[subject.name] = percentiles as unknown as CalibratedPercentiles;
    });
  }
  return {
    fitPercent,
    fitEvents,
    replayEvents,
    windowEvents,
    windows,
    percentile: CALIBRATION_PERCENTILE,
    subjects,
  };
}

function calibratedValues(statistics: SubjectStatistics): (number | null)[] {
  const abs = (value: number | null) => (value === null ? null : Math.abs(value));
  const byName: Record<(typeof CALIBRATED_STATISTICS)[number], number | null> = {
    psi: statistics.psi,
    jensenShannon: statistics.jensenShannon,
    ksD: statistics.ksD,
    wassersteinNormalised: statistics.wassersteinNormalised,
    absMeanShift: abs(statistics.meanShift),
    absNullRateChange: abs(statistics.nullRateChange),
    outOfRangeShare: statistics.outOfRangeShare,
    unseenShare: statistics.unseenShare,
  };
  return CALIBRATED_STATISTICS.map((name) => byName[name]);
}

export interface CalibrationWarning {
  readonly subject: string;
  readonly statistic: 'psi' | 'unseenShare' | 'nullRateChange' | 'outOfRangeShare';
  readonly warningThreshold: number;
  readonly percentile99: number;
  readonly windowEvents: number;
  readonly message: string;
}

/** Thresholds that sit below what undrifted windows of the production size already reach. */
export function calibrationWarnings(
  calibration: ProfileCalibration | null,
  thresholds: DriftThresholds,
): CalibrationWarning[] {
  if (calibration === null) return [];
  const warnings: CalibrationWarning[] = [];
  const checks = [
    ['psi', 'psi', 'PSI'],
    ['unseenShare', 'unseenShare', 'unseen share'],
    ['nullRateChange', 'absNullRateChange', 'null-rate change'],
    ['outOfRangeShare', 'outOfRangeShare', 'out-of-range share'],
  ] as const;
  for (const [subject, percentiles] of Object.entries(calibration.subjects)) {
    for (const [statistic, calibrated, label] of checks) {
      const percentile99 = percentiles[calibrated];
      const warningThreshold = thresholds[statistic].warning;
      if (percentile99 === null || !(warningThreshold < percentile99)) continue;
      warnings.push({
        subject,
        statistic,
        warningThreshold,
        percentile99,
        windowEvents: calibration.windowEvents,
        message:
          `${subject}: ${label} warning threshold ${warningThreshold} is below ${percentile99.toPrecision(3)}, ` +
          `the 99th percentile of undrifted ${calibration.windowEvents}-event windows; expect false alarms`,
      });
    }
  }
  return warnings;
}
