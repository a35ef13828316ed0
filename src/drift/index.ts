/**
 * The drift side stream, in layers that each import only the ones before them:
 * `statistics` (pure math) → `reference` (profiles from training data) → `report` (a profile
 * against one window) → `window` (live counts from Kafka into Redis) and `alerts` (evaluations,
 * alert states, notifications, retraining requests, sinks) → `page` (the report page).
 * This front door exports what the engine and the CLI use; each layer's index exports the rest.
 */
export {
  DEFAULT_DRIFT_THRESHOLDS,
  histogramEvents,
  resolveDriftThresholds,
} from './statistics/index.js';
export {
  buildReferenceProfile,
  calibrationWarnings,
  checkProfileMatches,
  createModelEventScorer,
  DEFAULT_CALIBRATION_WINDOW_EVENTS,
  featureSubjects,
  formatReferenceProfile,
  parseReferenceProfile,
  readJsonlDataset,
  REFERENCE_PROFILE_FORMAT,
  type EventScorer,
  type ProfileModel,
  type ReferenceProfile,
} from './reference/index.js';
export { buildDriftReport, formatDriftReportTable } from './report/index.js';
export {
  createDriftConsumer,
  scoredEventSubjects,
  type DriftConsumer,
  type LiveReferenceProfile,
} from './window/index.js';
export {
  ALERT_TOPIC_CONFIG,
  createDriftEvaluator,
  createKafkaDriftSink,
  createPrometheusDriftSink,
  createWebhookSink,
  driftAlertToJson,
  driftHistoryFromRecords,
  EMPTY_DRIFT_HISTORY,
  notificationPayloads,
  referenceProfileId,
  retrainRequestPayloads,
  retrainRequestToJson,
  type AlertCheck,
  type AlertIdentity,
  type DriftEvaluator,
  type DriftHistory,
  type DriftOutcomeSink,
  type DriftSnapshot,
  type WebhookSink,
  type WindowHistogramSource,
} from './alerts/index.js';
export { driftPageRoutes, driftPageView, type DriftPageSource } from './page/index.js';
