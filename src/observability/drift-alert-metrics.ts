import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The drift evaluation's Prometheus metrics: the statistics and alert states of the last
 * evaluations (`drift_*` gauges, as docs/alerts.md "Sinks" names them), and how evaluations, notifications,
 * retraining requests and their sinks went.
 * Statistic gauges carry the subject as `feature` (features, `__score__`, `__label__`) and the
 * evaluation as `scope` (`fast`, `slow`): the two windows measure different things.
 */
export interface DriftAlertMetrics {
  readonly psi: Gauge<SubjectLabel>;
  readonly jensenShannon: Gauge<SubjectLabel>;
  readonly ksD: Gauge<SubjectLabel>;
  readonly chiSquareP: Gauge<SubjectLabel>;
  readonly wasserstein: Gauge<SubjectLabel>;
  readonly windowSamples: Gauge<SubjectLabel>;
  readonly alertState: Gauge<SubjectLabel | 'check'>;
  readonly evaluations: Counter<'model' | 'scope' | 'outcome'>;
  readonly notifications: Counter<'model' | 'status'>;
  readonly retrainRequests: Counter<'model' | 'rule'>;
  readonly sinkFailures: Counter<'sink'>;
  readonly webhookDeliveries: Counter<'sink' | 'outcome'>;
  readonly webhookRetries: Counter<'sink'>;
  readonly webhookDropped: Counter<'sink' | 'reason'>;
  readonly webhookQueueDepth: Gauge<'sink'>;
  readonly evaluating: Gauge<'model'>;
}

type SubjectLabel = 'model' | 'version' | 'feature' | 'scope';

/** `drift_alert_state` values. INSUFFICIENT_DATA is -1: the alert keeps its state meanwhile. */
export const ALERT_STATE_VALUE = Object.freeze({
  INSUFFICIENT_DATA: -1,
  OK: 0,
  PENDING: 1,
  FIRING: 2,
  RESOLVING: 3,
});

export function createDriftAlertMetrics(registry: Registry): DriftAlertMetrics {
  const registers = [registry];
  const subjectLabels: SubjectLabel[] = ['model', 'version', 'feature', 'scope'];
  const statistic = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: subjectLabels, registers });
  return {
    psi: statistic(
      'drift_psi',
      'Population stability index of the subject against its reference, at the last evaluation (0.1 warning, 0.25 critical by default).',
    ),
    jensenShannon: statistic(
      'drift_js',
      'Jensen–Shannon distance (base 2, 0 to 1) of the subject against its reference, at the last evaluation.',
    ),
    ksD: statistic(
      'drift_ks_d',
      'Kolmogorov–Smirnov D between the binned reference and current distributions (numeric subjects).',
    ),
    chiSquareP: statistic(
      'drift_chi2_p',
      'χ² homogeneity p-value before Benjamini–Hochberg; tiny values alone mean little in large windows.',
    ),
    wasserstein: statistic(
      'drift_w1',
      'Wasserstein-1 distance divided by the reference standard deviation (numeric subjects).',
    ),
    windowSamples: statistic(
      'drift_window_samples',
      'Events in the evaluated window for the subject; below drift.thresholds.minEvents nothing is judged.',
    ),
    alertState: new Gauge({
      name: 'drift_alert_state',
      help: 'Alert state per subject and check: 0 ok, 1 pending, 2 firing, 3 resolving, -1 insufficient data.',
      labelNames: [...subjectLabels, 'check'],
      registers,
    }),
    evaluations: new Counter({
      name: 'streamscore_drift_evaluations_total',
      help: 'Drift evaluations by outcome; `failed` means the window counts could not be read (see the logs).',
      labelNames: ['model', 'scope', 'outcome'],
      registers,
    }),
    notifications: new Counter({
      name: 'streamscore_drift_notifications_total',
      help: 'Grouped alert notifications produced (one per model and evaluation round with news).',
      labelNames: ['model', 'status'],
      registers,
    }),
    retrainRequests: new Counter({
      name: 'streamscore_drift_retrain_requests_total',
      help: 'Retraining requests emitted, by rule (score_drift, dataset_drift).',
      labelNames: ['model', 'rule'],
      registers,
    }),
    sinkFailures: new Counter({
      name: 'streamscore_drift_sink_failures_total',
      help: 'Alert or retraining records a sink could not write (Kafka unreachable, topic missing); see the logs.',
      labelNames: ['sink'],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'streamscore_drift_webhook_deliveries_total',
      help: 'Webhook payloads by final outcome: delivered, failed (retries exhausted) or rejected (4xx answer).',
      labelNames: ['sink', 'outcome'],
      registers,
    }),
    webhookRetries: new Counter({
      name: 'streamscore_drift_webhook_retries_total',
      help: 'Webhook attempts that failed (error, timeout, 5xx, 429) and were retried after a backoff.',
      labelNames: ['sink'],
      registers,
    }),
    webhookDropped: new Counter({
      name: 'streamscore_drift_webhook_dropped_total',
      help: 'Webhook payloads dropped undelivered: queue_full (the oldest goes) or shutdown.',
      labelNames: ['sink', 'reason'],
      registers,
    }),
    webhookQueueDepth: new Gauge({
      name: 'streamscore_drift_webhook_queue_depth',
      help: 'Webhook payloads waiting for delivery; at drift.webhook.queueCapacity the oldest are dropped.',
      labelNames: ['sink'],
      registers,
    }),
    evaluating: new Gauge({
      name: 'streamscore_drift_evaluating',
      help: '1 while this process runs the drift evaluation of the model: it holds the fleet’s evaluator lease in Redis, or runs alone (no drift.redisUrl). One instance per model shows 1; only it exports the drift_* gauges and sends alerts.',
      labelNames: ['model'],
      registers,
    }),
  };
}
