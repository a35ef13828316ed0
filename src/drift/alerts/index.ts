/**
 * From evaluations to people and pipelines: the schedule of evaluations, the evaluator that
 * reads a window's counts and builds its report, the alert state machine, the history carried
 * across restarts, notifications, retraining requests, and the sinks they go to (Kafka topics,
 * webhooks, Prometheus gauges) — docs/alerts.md.
 */
export { alertObservations } from './alert-observations.js';
export {
  alertClassOf,
  alertFingerprint,
  alertUrgency,
  compareAlertsWorstFirst,
  createAlertStateMachine,
  DATASET_SUBJECT,
  DEFAULT_ALERT_POLICY,
  EVALUATION_SCOPES,
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
  iso,
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
  createRetrainPolicy,
  RETRAIN_REQUEST_FORMAT,
  retrainIdempotencyKey,
  retrainRequestToJson,
  type RetrainPolicy,
  type RetrainPolicyOptions,
  type RetrainRequest,
  type RetrainRule,
} from './retrain-request.js';
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
