/**
 * Pure drift statistics: binning a column against its reference edges, histograms of one window,
 * PSI, χ², Jensen–Shannon, KS and Wasserstein distances, Benjamini–Hochberg, and the verdict
 * rule that turns them into levels (docs/drift.md "Statistics", "Decision rule"). Nothing here
 * reads a clock, a file, Kafka or Redis: every function is a function of its arguments.
 */
export { benjaminiHochbergAdjust } from './benjamini-hochberg.js';
export {
  binnedKsDistance,
  binnedWasserstein1,
  binRepresentativePoints,
  chiSquareHomogeneity,
  jensenShannonDistance,
  psi,
  PSI_SHARE_FLOOR,
  type ChiSquareResult,
} from './distribution-statistics.js';
export {
  DEFAULT_DRIFT_THRESHOLDS,
  MIN_EVENTS_HARD_FLOOR,
  resolveDriftThresholds,
  type DriftThresholds,
  type LevelThresholds,
} from './drift-thresholds.js';
export {
  decideVerdicts,
  DRIFT_LEVEL_SEVERITY,
  type BreachLevel,
  type DataQualityFinding,
  type DataQualityKind,
  type DatasetVerdict,
  type DriftLevel,
  type SubjectSource,
  type SubjectVerdict,
  type SubjectVerdictInput,
  type Verdicts,
} from './drift-verdict.js';
export {
  addRawValue,
  boundUnseenValues,
  compileBinning,
  createFeatureHistogram,
  featureHistogramFromJson,
  featureHistogramToJson,
  histogramCoarseCounts,
  histogramEvents,
  histogramVariance,
  mergeFeatureHistograms,
  topUnseenValues,
  unusableRate,
  UNSEEN_VALUES_CAPACITY,
  type CompiledBinning,
  type FeatureHistogram,
  type FeatureHistogramJson,
  type RawValue,
} from './feature-histogram.js';
export { chiSquareSurvival, logGamma, regularizedUpperGamma } from './incomplete-gamma.js';
export { linearQuantile, sortedFinite } from './linear-quantile.js';
export { pairwiseSum } from './pairwise-sum.js';
export {
  categoricalBinning,
  coarseBinCount,
  coarseCounts,
  DEFAULT_BINNING_RULES,
  fineBinCount,
  fineBinIndex,
  fineBinLabels,
  numericBinning,
  OTHER_BIN_LABEL,
  UNSEEN_BIN_LABEL,
  type BinningRules,
  type CategoricalBinning,
  type NumericBinning,
  type ReferenceBinning,
} from './reference-binning.js';
export { subjectStatistics, type SubjectStatistics } from './subject-statistics.js';
