/**
 * One offline comparison of a current data set against a reference profile: every statistic,
 * the verdicts and the data-quality findings per subject, the dataset verdict and the
 * calibration warnings, as the `drift compare --json` document (schema: docs/
 * drift-compare-json.md). Keys are built in a fixed order and absent numbers are null, so the
 * JSON is stable for diffing and for machines.
 */
import { StreamscoreError } from '../../errors.js';
import {
  calibrationWarnings,
  histogramOfColumn,
  type CalibrationWarning,
  type DatasetColumns,
  type ProfiledSubject,
  type ReferenceProfile,
} from '../reference/index.js';
import {
  decideVerdicts,
  DEFAULT_DRIFT_THRESHOLDS,
  fineBinLabels,
  histogramCoarseCounts,
  histogramEvents,
  histogramVariance,
  subjectStatistics,
  topUnseenValues,
  unusableRate,
  type ChiSquareResult,
  type DataQualityFinding,
  type DatasetVerdict,
  type DriftLevel,
  type DriftThresholds,
  type FeatureHistogram,
  type LevelThresholds,
  type SubjectSource,
  type SubjectStatistics,
} from '../statistics/index.js';

export const DRIFT_REPORT_FORMAT = 'streamscore-drift-report';
export const DRIFT_REPORT_VERSION = 1;

/** A subject's statistics, with the χ² p-value also after Benjamini–Hochberg across subjects. */
export interface DriftReportStatistics extends Omit<SubjectStatistics, 'chiSquare'> {
  readonly chiSquare: (ChiSquareResult & { readonly pValueAdjusted: number | null }) | null;
}

export interface DriftReportSide {
  readonly events: number;
  readonly valid: number;
  readonly null: number;
  readonly nan: number;
  readonly infinite: number;
  /** Share of events without a usable value (null, NaN, wrong type, ±Infinity). */
  readonly nullRate: number | null;
  readonly mean: number | null;
  readonly std: number | null;
}

export interface DriftReportCurrentSide extends DriftReportSide {
  readonly belowMin: number;
  readonly aboveMax: number;
  readonly unseen: number;
  readonly topUnseen: readonly { readonly value: string; readonly count: number }[];
}

export interface DriftReportBins {
  /** Numeric: the fine interior edges; null for categorical subjects. */
  readonly edges: readonly number[] | null;
  /** Numeric: positions in `edges` of the decile edges; null for categorical subjects. */
  readonly decileEdgeIndices: readonly number[] | null;
  /** Categorical: vocabulary then `__OTHER__`, `__UNSEEN__`; null for numeric subjects. */
  readonly labels: readonly string[] | null;
  /** Counts per fine bin (KS, Wasserstein) and per coarse bin (PSI, JS, χ²). */
  readonly reference: { readonly fine: readonly number[]; readonly coarse: readonly number[] };
  readonly current: { readonly fine: readonly number[]; readonly coarse: readonly number[] };
}

export interface DriftReportSubject {
  readonly name: string;
  readonly source: SubjectSource;
  readonly origin: string;
  readonly kind: 'numeric' | 'categorical';
  readonly level: DriftLevel;
  readonly reason: string;
  readonly statistics: DriftReportStatistics;
  readonly dataQuality: readonly DataQualityFinding[];
  readonly reference: DriftReportSide;
  readonly current: DriftReportCurrentSide;
  readonly bins: DriftReportBins;
}

export interface DriftReport {
  readonly format: typeof DRIFT_REPORT_FORMAT;
  readonly version: typeof DRIFT_REPORT_VERSION;
  readonly model: { readonly name: string; readonly version: number } | null;
  readonly reference: {
    readonly kind: 'profile' | 'data';
    readonly file: string | null;
    readonly events: number;
  };
  readonly current: {
    readonly file: string | null;
    readonly events: number;
    readonly undecodableLines: number;
    readonly unscoredEvents: number | null;
  };
  readonly thresholds: DriftThresholds;
  readonly dataset: DatasetVerdict;
  readonly subjects: readonly DriftReportSubject[];
  readonly warnings: readonly CalibrationWarning[];
}

export interface DriftReportOptions {
  readonly thresholds?: DriftThresholds;
  readonly reference?: { readonly kind: 'profile' | 'data'; readonly file: string | null };
  readonly current?: {
    readonly file?: string | null;
    readonly undecodableLines?: number;
    readonly unscoredEvents?: number | null;
  };
}

/** Histograms of the current columns over the profile's binnings, keyed by subject name. */
export function currentHistograms(
  profile: ReferenceProfile,
  columns: DatasetColumns,
): Map<string, FeatureHistogram> {
  const profiled = profile.subjects.map((subject) => subject.name);
  const given = columns.subjects.map((subject) => subject.name);
  if (profiled.join('\u0000') !== given.join('\u0000')) {
    throw new StreamscoreError(
      'PROFILE_INVALID',
      `the profile describes ${profiled.join(', ')}, but the data was read as ${given.join(', ')}`,
    );
  }
  return new Map(
    profile.subjects.map((subject, s) => [
      subject.name,
      histogramOfColumn(subject.binning, columns.values[s] as (typeof columns.values)[number]),
    ]),
  );
}

/** Compares current columns with the profile: the whole `drift compare` document. */
export function buildDriftReport(
  profile: ReferenceProfile,
  columns: DatasetColumns,
  options: DriftReportOptions = {},
): DriftReport {
  return driftReportFromHistograms(profile, currentHistograms(profile, columns), {
    ...options,
    current: { ...options.current, events: columns.eventCount },
  });
}

/**
 * The comparison from histograms alone — what the streaming side holds per window. `current`
 * must have one histogram per profile subject.
 */
export function driftReportFromHistograms(
  profile: ReferenceProfile,
  current: ReadonlyMap<string, FeatureHistogram>,
  options: DriftReportOptions & { readonly current?: { readonly events?: number } } = {},
): DriftReport {
  const thresholds = options.thresholds ?? DEFAULT_DRIFT_THRESHOLDS;
  const compared = profile.subjects.map((subject) => {
    const histogram = current.get(subject.name);
    if (histogram === undefined) {
      throw new StreamscoreError(
        'PROFILE_INVALID',
        `no current histogram for profiled subject ${subject.name}`,
        { context: { subject: subject.name } },
      );
    }
    return {
      subject,
      histogram,
      statistics: subjectStatistics(subject.binning, subject.reference, histogram),
    };
  });
  const verdicts = decideVerdicts(
    compared.map(({ subject, histogram, statistics }) => ({
      name: subject.name,
      source: subject.source,
      currentEvents: histogramEvents(histogram),
      statistics,
    })),
    thresholds,
  );
  const firstHistogram = compared[0]?.histogram;
  return {
    format: DRIFT_REPORT_FORMAT,
    version: DRIFT_REPORT_VERSION,
    model:
      profile.model === null ? null : { name: profile.model.name, version: profile.model.version },
    reference: {
      kind: options.reference?.kind ?? 'profile',
      file: options.reference?.file ?? null,
      events: profile.data.events,
    },
    current: {
      file: options.current?.file ?? null,
      events:
        options.current?.events ??
        (firstHistogram === undefined ? 0 : histogramEvents(firstHistogram)),
      undecodableLines: options.current?.undecodableLines ?? 0,
      unscoredEvents: options.current?.unscoredEvents ?? null,
    },
    thresholds: thresholdsInKeyOrder(thresholds),
    dataset: {
      level: verdicts.dataset.level,
      evaluatedFeatures: verdicts.dataset.evaluatedFeatures,
      driftedFeatures: verdicts.dataset.driftedFeatures,
      criticalFeatures: verdicts.dataset.criticalFeatures,
      driftedShare: verdicts.dataset.driftedShare,
    },
    subjects: compared.map(({ subject, histogram, statistics }, index) => {
      const verdict = verdicts.subjects[index] as (typeof verdicts.subjects)[number];
      return {
        name: subject.name,
        source: subject.source,
        origin: subject.origin,
        kind: subject.binning.kind,
        level: verdict.level,
        reason: verdict.reason,
        statistics: {
          psi: statistics.psi,
          jensenShannon: statistics.jensenShannon,
          chiSquare:
            statistics.chiSquare === null
              ? null
              : {
                  statistic: statistics.chiSquare.statistic,
                  dof: statistics.chiSquare.dof,
                  pValue: statistics.chiSquare.pValue,
                  pValueAdjusted: verdict.pValueAdjusted,
                },
          ksD: statistics.ksD,
          wasserstein: statistics.wasserstein,
          wassersteinNormalised: statistics.wassersteinNormalised,
          meanShift: statistics.meanShift,
          nullRateChange: statistics.nullRateChange,
          outOfRangeShare: statistics.outOfRangeShare,
          unseenShare: statistics.unseenShare,
        },
        dataQuality: verdict.dataQuality.map((finding) => ({
          kind: finding.kind,
          level: finding.level,
          value: finding.value,
          threshold: finding.threshold,
        })),
        reference: side(subject.reference),
        current: currentSide(subject, histogram),
        bins: bins(subject, histogram),
      };
    }),
    warnings: calibrationWarnings(profile.calibration, thresholds),
  };
}

function thresholdsInKeyOrder(thresholds: DriftThresholds): DriftThresholds {
  const levels = ({ warning, critical }: LevelThresholds) => ({ warning, critical });
  return {
    minEvents: thresholds.minEvents,
    psi: levels(thresholds.psi),
    unseenShare: levels(thresholds.unseenShare),
    nullRateChange: levels(thresholds.nullRateChange),
    outOfRangeShare: levels(thresholds.outOfRangeShare),
    falseDiscoveryRate: thresholds.falseDiscoveryRate,
    datasetDriftShare: thresholds.datasetDriftShare,
  };
}

function side(histogram: FeatureHistogram): DriftReportSide {
  const variance = histogramVariance(histogram);
  return {
    events: histogramEvents(histogram),
    valid: histogram.validCount,
    null: histogram.nullCount,
    nan: histogram.nanCount,
    infinite: histogram.infiniteCount,
    nullRate: unusableRate(histogram),
    mean: histogram.momentCount === 0 ? null : histogram.mean,
    std: variance === null ? null : Math.sqrt(variance),
  };
}

function currentSide(
  subject: ProfiledSubject,
  histogram: FeatureHistogram,
): DriftReportCurrentSide {
  const { binning } = subject;
  return {
    ...side(histogram),
    belowMin: histogram.belowMinCount,
    aboveMax: histogram.aboveMaxCount,
    unseen:
      binning.kind === 'categorical'
        ? (histogram.binCounts[binning.vocabulary.length + 1] as number)
        : 0,
    topUnseen: topUnseenValues(histogram),
  };
}

function bins(subject: ProfiledSubject, histogram: FeatureHistogram): DriftReportBins {
  const { binning, reference } = subject;
  return {
    edges: binning.kind === 'numeric' ? binning.edges : null,
    decileEdgeIndices: binning.kind === 'numeric' ? binning.decileEdgeIndices : null,
    labels: binning.kind === 'categorical' ? fineBinLabels(binning) : null,
    reference: {
      fine: Array.from(reference.binCounts),
      coarse: Array.from(histogramCoarseCounts(binning, reference)),
    },
    current: {
      fine: Array.from(histogram.binCounts),
      coarse: Array.from(histogramCoarseCounts(binning, histogram)),
    },
  };
}
