export { alertObservations } from './alert-observations.js';
export {
  alertClassOf,
  alertFingerprint,
  alertUrgency,
  compareAlertsWorstFirst,
  createAlertStateMachine,
  DATASET_SUBJECT,
  DEFAULT_ALERT_POLICY,
  type AlertChange,
  type AlertCheck,
  type AlertClass,
  type AlertEvent,
  type AlertEvidence,
  type AlertIdentity,
  type AlertKey,
  type AlertObservation,
  type AlertPolicy,
  type AlertState,
  type AlertStateMachine,
  type AlertStateMachineOptions,
  type AlertStatus,
  type AlertThresholds,
  type DriftAlert,
  type EvaluationScope,
  type EvaluationWindow,
  type HeldAlertState,
} from './alert-state-machine.js';
export { benjaminiHochbergAdjust } from './benjamini-hochberg.js';
export { binningForColumn } from './column-binning.js';
export {
  createDatasetColumnsBuilder,
  datasetColumnsFromEvents,
  histogramOfColumn,
  sliceDatasetColumns,
  type DatasetColumns,
  type DatasetColumnsBuilder,
} from './dataset-columns.js';
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
  createDriftEvaluator,
  referenceProfileId,
  type DriftEvaluator,
  type DriftEvaluatorOptions,
  type DriftOutcome,
  type DriftOutcomeSink,
  type DriftSnapshot,
  type ScopeEvaluation,
  type WindowHistogramSource,
} from './drift-evaluator.js';
export {
  createNotificationGrouper,
  describeAlert,
  DRIFT_NOTIFICATION_FORMAT,
  driftAlertToJson,
  driftNotificationToJson,
  type DriftNotification,
  type NotificationGrouper,
  type NotifiedAlert,
} from './drift-notification.js';
export {
  driftHistoryFromRecords,
  EMPTY_DRIFT_HISTORY,
  type DriftHistory,
  type PastRetrainRequest,
} from './drift-history.js';
export { driftPageLink } from './drift-page-link.js';
export { driftPageView, type DriftPageSource } from './drift-page-view.js';
export {
  buildDriftReport,
  currentHistograms,
  driftReportFromHistograms,
  DRIFT_REPORT_FORMAT,
  DRIFT_REPORT_VERSION,
  type DriftReport,
  type DriftReportBins,
  type DriftReportCurrentSide,
  type DriftReportOptions,
  type DriftReportSide,
  type DriftReportStatistics,
  type DriftReportSubject,
} from './drift-report.js';
export { formatDriftReportTable } from './drift-report-table.js';
export {
  createDriftConsumer,
  driftGroupId,
  type DriftConsumer,
  type DriftConsumerOptions,
} from './drift-consumer.js';
export {
  createDriftWindowAccumulator,
  driftWindowKey,
  mergeCountUpdates,
  referenceBinningId,
  scoredEventSubjects,
  windowsStartingIn,
  type DriftWindowAccumulator,
  type DriftWindowAccumulatorOptions,
  type DriftWindowing,
  type LiveReferenceProfile,
} from './drift-window-accumulator.js';
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
  createEvaluationSchedule,
  dueScopes,
  SYSTEM_CLOCK,
  type DriftClock,
  type EvaluationCadence,
  type EvaluationSchedule,
  type EvaluationScheduleOptions,
  type EvaluationSettings,
} from './evaluation-schedule.js';
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
export {
  addCounters,
  addHistogramCounters,
  createHistogramCounterLayout,
  histogramsFromCounters,
  UNSEEN_VALUE_MAX_LENGTH,
  type HistogramCounterLayout,
} from './histogram-counters.js';
export { chiSquareSurvival, logGamma, regularizedUpperGamma } from './incomplete-gamma.js';
export {
  readJsonlDataset,
  type EventScorer,
  type JsonlDataset,
  type ReadJsonlDatasetOptions,
} from './jsonl-dataset.js';
export { linearQuantile, sortedFinite } from './linear-quantile.js';
export { pairwiseSum } from './pairwise-sum.js';
export {
  createModelEventScorer,
  type ModelScoreOutputs,
  type ScoringSession,
} from './model-event-scorer.js';
export {
  CALIBRATED_STATISTICS,
  CALIBRATION_PERCENTILE,
  calibrateProfile,
  calibrationWarnings,
  DEFAULT_CALIBRATION_FIT_PERCENT,
  DEFAULT_CALIBRATION_WINDOW_EVENTS,
  type CalibratedPercentiles,
  type CalibrationOptions,
  type CalibrationWarning,
  type ProfileCalibration,
} from './profile-calibration.js';
export {
  createRawFeatureReader,
  createScoredOutputReader,
  featureSubjects,
  LABEL_SUBJECT,
  labelSubject,
  SCORE_SUBJECT,
  scoreSubject,
  type ProfileSubject,
  type RawFeatureReader,
} from './profile-subjects.js';
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
export {
  buildReferenceProfile,
  checkProfileMatches,
  formatReferenceProfile,
  parseReferenceProfile,
  referenceProfileToJson,
  REFERENCE_PROFILE_FORMAT,
  REFERENCE_PROFILE_VERSION,
  type BuildReferenceProfileOptions,
  type ProfileData,
  type ProfiledSubject,
  type ProfileModel,
  type ReferenceProfile,
} from './reference-profile.js';
export {
  createRetrainPolicy,
  RETRAIN_REQUEST_FORMAT,
  retrainIdempotencyKey,
  retrainRequestToJson,
  type RetrainPolicy,
  type RetrainPolicyOptions,
  type RetrainRequest,
  type RetrainRule,
} from './retrain-request.js';
export { subjectStatistics, type SubjectStatistics } from './subject-statistics.js';
export {
  ALERT_HEADERS,
  ALERT_TOPIC_CONFIG,
  createKafkaDriftSink,
  createPrometheusDriftSink,
  createWebhookSink,
  notificationPayloads,
  retrainRequestPayloads,
  type KafkaDriftSink,
  type KafkaDriftSinkOptions,
  type WebhookDelivery,
  type WebhookPayload,
  type WebhookSink,
  type WebhookSinkOptions,
} from './sinks/index.js';
