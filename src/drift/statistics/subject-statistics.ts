/**
 * Every statistic of docs/drift.md "Statistics" for one subject, from its reference and current histograms over
 * the same binning. Numeric subjects: PSI, JS and χ² on the decile bins; KS D and
 * Wasserstein-1 on the fine (percentile) bins. Categorical subjects: PSI, JS and χ² on
 * vocabulary + OTHER + UNSEEN. A statistic that cannot be computed (an empty side, a
 * reference without spread, a categorical KS) is null, never NaN.
 */
import {
  binnedKsDistance,
  binnedWasserstein1,
  binRepresentativePoints,
  chiSquareHomogeneity,
  jensenShannonDistance,
  psi,
  type ChiSquareResult,
} from './distribution-statistics.js';
import {
  histogramCoarseCounts,
  histogramVariance,
  unusableRate,
  type FeatureHistogram,
} from './feature-histogram.js';
import type { ReferenceBinning } from './reference-binning.js';

export interface SubjectStatistics {
  readonly psi: number | null;
  /** Jensen–Shannon distance, base 2. */
  readonly jensenShannon: number | null;
  readonly chiSquare: ChiSquareResult | null;
  /** KS D between the binned CDFs (numeric only; a lower bound of the raw-sample D). */
  readonly ksD: number | null;
  /** Wasserstein-1 on the fine grid, in the subject's own units (numeric only). */
  readonly wasserstein: number | null;
  /** `wasserstein` divided by the reference standard deviation (population, ddof 0). */
  readonly wassersteinNormalised: number | null;
  /** (current mean − reference mean) / reference standard deviation; numeric values only. */
  readonly meanShift: number | null;
  /** Current minus reference share of events without a usable value (null, NaN, ±Inf, wrong type). */
  readonly nullRateChange: number | null;
  /** Share of current valid values outside the reference [min, max] (numeric only). */
  readonly outOfRangeShare: number | null;
  /** Share of current valid values never seen in the reference (categorical only). */
  readonly unseenShare: number | null;
}

export function subjectStatistics(
  binning: ReferenceBinning,
  reference: FeatureHistogram,
  current: FeatureHistogram,
): SubjectStatistics {
  const referenceCoarse = histogramCoarseCounts(binning, reference);
  const currentCoarse = histogramCoarseCounts(binning, current);
  const referenceVariance = histogramVariance(reference);
  const referenceStd =
    referenceVariance !== null && referenceVariance > 0 ? Math.sqrt(referenceVariance) : null;
  const meanShift =
    referenceStd !== null && current.momentCount > 0
      ? (current.mean - reference.mean) / referenceStd
      : null;
  const referenceUnusable = unusableRate(reference);
  const currentUnusable = unusableRate(current);
  const nullRateChange =
    referenceUnusable !== null && currentUnusable !== null
      ? currentUnusable - referenceUnusable
      : null;
  const common = {
    psi: psi(referenceCoarse, currentCoarse),
    jensenShannon: jensenShannonDistance(referenceCoarse, currentCoarse),
    chiSquare: chiSquareHomogeneity(referenceCoarse, currentCoarse),
    meanShift,
    nullRateChange,
  };
  if (binning.kind === 'categorical') {
    const unseen = current.binCounts[binning.vocabulary.length + 1] as number;
    return {
      ...common,
      ksD: null,
      wasserstein: null,
      wassersteinNormalised: null,
      outOfRangeShare: null,
      unseenShare:
        binning.otherValues === null || current.validCount === 0
          ? null
          : unseen / current.validCount,
    };
  }
  const points = binRepresentativePoints(binning.edges, binning.min, binning.max);
  const wasserstein = binnedWasserstein1(points, reference.binCounts, current.binCounts);
  return {
    ...common,
    ksD: binnedKsDistance(reference.binCounts, current.binCounts),
    wasserstein,
    wassersteinNormalised:
      wasserstein !== null && referenceStd !== null ? wasserstein / referenceStd : null,
    outOfRangeShare:
      current.validCount === 0
        ? null
        : (current.belowMinCount + current.aboveMaxCount) / current.validCount,
    unseenShare: null,
  };
}
