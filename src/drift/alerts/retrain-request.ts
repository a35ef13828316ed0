/**
 * Retraining requests (docs/alerts.md "Retraining requests"): a separate event, emitted when score
 * drift or dataset-level drift has stayed FIRING at `critical` for `sustainMs`. Data-quality
 * alerts never ask for one: broken input is fixed upstream, not learned.
 *
 * - Idempotent: the key hashes (model, reference, rule, first firing window), so one drift
 *   episode always yields the same key, whichever instance or restart emits it, and the
 *   training system can drop repeats. An episode is requested at most once, across evaluator
 *   handovers too (the new evaluator reads the earlier requests back from the retrain topic).
 * - Rate-limited: after a request, none for the model until `cooldownMs` has passed.
 */
import { createHash } from 'node:crypto';
import {
  compareAlertsWorstFirst,
  DATASET_SUBJECT,
  type AlertIdentity,
  type DriftAlert,
  type EvaluationWindow,
} from './alert-state-machine.js';
import type { PastRetrainRequest } from './drift-history.js';
import { driftAlertToJson, iso, windowToJson } from './drift-notification.js';
import { SCORE_SUBJECT } from '../reference/index.js';

export const RETRAIN_REQUEST_FORMAT = 'streamscore-retrain-request';

export type RetrainRule = 'score_drift' | 'dataset_drift';

export interface RetrainPolicyOptions {
  readonly identity: AlertIdentity;
  /** How long the drift must stay FIRING at critical. */
  readonly sustainMs: number;
  /** After a request, no other one for the model for this long. */
  readonly cooldownMs: number;
  /** Topic holding the events the training job should read (the scored topic). */
  readonly dataTopic: string;
  /** Requests made before this process evaluated (see drift-history): cooldown and keys hold. */
  readonly restored?: readonly PastRetrainRequest[];
}

export interface RetrainRequest extends AlertIdentity {
  readonly idempotencyKey: string;
  readonly rule: RetrainRule;
  readonly requestedAtMs: number;
  /** The alert that met the rule, with its statistics. */
  readonly trigger: DriftAlert;
  /** Every drift alert of the model firing at the time (not data quality), worst first. */
  readonly firingDrift: readonly DriftAlert[];
  /** Events to train on: those of the data topic since the first firing window began. */
  readonly dataRange: { readonly topic: string; readonly fromMs: number; readonly toMs: number };
}

export interface RetrainPolicy {
  /** The request the alerts call for at `nowMs`, or null. Remembers what it returns. */
  consider(alerts: readonly DriftAlert[], nowMs: number): RetrainRequest | null;
}

export function retrainIdempotencyKey(
  identity: AlertIdentity,
  rule: RetrainRule,
  firstFiringWindow: EvaluationWindow,
): string {
  const { scope, fromMs, toMs } = firstFiringWindow;
  return createHash('sha256')
    .update(JSON.stringify([identity.model, identity.reference, rule, scope, fromMs, toMs]), 'utf8')
    .digest('hex');
}

/** The rule an alert can meet, if any. */
function ruleOf(alert: DriftAlert): RetrainRule | undefined {
  if (alert.check !== 'drift') return undefined;
  if (alert.subject === SCORE_SUBJECT) return 'score_drift';
  if (alert.subject === DATASET_SUBJECT) return 'dataset_drift';
  return undefined;
}

export function createRetrainPolicy(options: RetrainPolicyOptions): RetrainPolicy {
  const { identity, sustainMs, cooldownMs, dataTopic } = options;
  const restored = options.restored ?? [];
  let lastRequestedAtMs = Math.max(-Infinity, ...restored.map((past) => past.requestedAtMs));
  const requestedKeys = new Set(restored.map((past) => past.idempotencyKey));

  return {
    consider(alerts, nowMs) {
      if (nowMs - lastRequestedAtMs < cooldownMs) return null;
      const candidates = alerts
        .filter(
          (alert) =>
            ruleOf(alert) !== undefined &&
            alert.state === 'FIRING' &&
            alert.criticalSinceMs !== null &&
            nowMs - alert.criticalSinceMs >= sustainMs,
        )
        .map((alert) => {
          const rule = ruleOf(alert) as RetrainRule;
          const window = alert.firstFiringWindow as EvaluationWindow;
          return { alert, rule, key: retrainIdempotencyKey(identity, rule, window), window };
        })
        .filter(({ key }) => !requestedKeys.has(key))
        .sort((a, b) => compareAlertsWorstFirst(a.alert, b.alert));
      const [chosen] = candidates;
      if (chosen === undefined) return null;
      lastRequestedAtMs = nowMs;
      requestedKeys.add(chosen.key);
      return {
        ...identity,
        idempotencyKey: chosen.key,
        rule: chosen.rule,
        requestedAtMs: nowMs,
        trigger: chosen.alert,
        firingDrift: alerts
          .filter((alert) => alert.alertClass === 'drift' && alert.state === 'FIRING')
          .sort(compareAlertsWorstFirst),
        dataRange: { topic: dataTopic, fromMs: chosen.window.fromMs, toMs: nowMs },
      };
    },
  };
}

/** The retrain topic's record value and the retrain webhook's body. ISO-8601 times. */
export function retrainRequestToJson(request: RetrainRequest) {
  return {
    format: RETRAIN_REQUEST_FORMAT,
    idempotencyKey: request.idempotencyKey,
    model: { name: request.model, version: request.version },
    reference: request.reference,
    rule: request.rule,
    requestedAt: iso(request.requestedAtMs),
    firstFiringWindow: windowToJson(request.trigger.firstFiringWindow as EvaluationWindow),
    criticalSince: iso(request.trigger.criticalSinceMs as number),
    evidence: {
      trigger: driftAlertToJson(request.trigger),
      firingDrift: request.firingDrift.map(driftAlertToJson),
    },
    dataRange: {
      topic: request.dataRange.topic,
      from: iso(request.dataRange.fromMs),
      to: iso(request.dataRange.toMs),
    },
    reportUrl: request.trigger.reportUrl,
  };
}
