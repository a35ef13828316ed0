/**
 * The drift section's evaluation, threshold, alerting, sink and retraining settings: their
 * defaults (which must equal the drift code's own defaults), their compiled form, and the
 * rules across them.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALERT_POLICY,
  type AlertPolicy,
  type EvaluationSettings,
  type WebhookDelivery,
} from '../../../src/drift/alerts/index.js';
import { DEFAULT_DRIFT_THRESHOLDS, resolveDriftThresholds } from '../../../src/drift/index.js';
import { type DriftThresholds } from '../../../src/drift/statistics/index.js';
import { parseTopology, Secret, TopologyValidationError } from '../../../src/topology/index.js';

const FILE = 'topologies/test.yaml';

/** The minimal fixture topology, to which tests append a drift section. */
const BASE = readFileSync('test/fixtures/topologies/minimal.yaml', 'utf8');

function driftOf(drift: string, env: Record<string, string> = {}) {
  return parseTopology(`${BASE}drift:\n${drift}`, FILE, { env }).drift;
}

function errorsOf(drift: string, env: Record<string, string> = {}): string[] {
  try {
    driftOf(drift, env);
  } catch (error) {
    if (error instanceof TopologyValidationError) {
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
    throw error;
  }
  return [];
}

describe('drift alerting settings', () => {
  it('default to the drift specification, the same numbers the drift code uses', () => {
    const drift = parseTopology(BASE, FILE, { env: {} }).drift;
    expect(drift.evaluation).toEqual({
      fast: { windowMs: 3_600_000, everyMs: 300_000 },
      slow: { windowMs: 86_400_000, everyMs: 3_600_000 },
    });
    expect(drift.thresholds).toEqual(DEFAULT_DRIFT_THRESHOLDS);
    expect(drift.alerting).toEqual(DEFAULT_ALERT_POLICY);
    expect(drift.retrain).toEqual({ sustainMs: 3_600_000, cooldownMs: 86_400_000 });
    expect(drift.webhook).toEqual({
      timeoutMs: 5000,
      maxAttempts: 5,
      initialBackoffMs: 500,
      maxBackoffMs: 30_000,
      queueCapacity: 100,
    });
    expect(drift.alertTopic).toBe('minimal.drift-alerts');
    expect(drift.retrainTopic).toBe('minimal.retrain-requests');
    expect(drift.webhookUrl).toBeUndefined();
    expect(drift.adminBaseUrl).toBeUndefined();
  });

  it('compile to the shapes the drift evaluator and its sinks take', () => {
    const drift = parseTopology(BASE, FILE, { env: {} }).drift;
    // Type-checked: the compiled settings go to the evaluator and sinks as they are.
    const settings: EvaluationSettings = drift.evaluation;
    const thresholds: DriftThresholds = drift.thresholds;
    const policy: AlertPolicy = drift.alerting;
    const delivery: WebhookDelivery = drift.webhook;
    expect(resolveDriftThresholds(thresholds)).toEqual(thresholds);
    expect([settings, policy, delivery].every(Object.isFrozen)).toBe(true);
  });

  it('take overrides, filling what is left out from the defaults', () => {
    const drift = driftOf(`  windowMs: 250
  evaluation:
    fast: { windowMs: 1000, everyMs: 250 }
  thresholds:
    minEvents: 200
    psi: { warning: 0.2 }
  alertTopic: ops.alerts
  adminBaseUrl: https://scoring.internal:9464
`);
    expect(drift.evaluation.fast).toEqual({ windowMs: 1000, everyMs: 250 });
    expect(drift.thresholds.psi).toEqual({ warning: 0.2, critical: 0.25 });
    expect(drift.thresholds.minEvents).toBe(200);
    expect(drift.alertTopic).toBe('ops.alerts');
    expect(drift.adminBaseUrl).toBe('https://scoring.internal:9464');
  });

  it('wrap the webhook URLs as secrets, taken only from the environment', () => {
    const url = 'https://hooks.example/T000/B000/secret-token';
    const drift = driftOf(
      '  webhookUrl: ${ALERT_WEBHOOK}\n  retrainWebhookUrl: ${RETRAIN_HOOK}\n',
      {
        ALERT_WEBHOOK: url,
        RETRAIN_HOOK: 'http://127.0.0.1:8080/retrain',
      },
    );
    expect(drift.webhookUrl).toBeInstanceOf(Secret);
    expect(drift.webhookUrl?.reveal()).toBe(url);
    expect(drift.retrainWebhookUrl?.reveal()).toBe('http://127.0.0.1:8080/retrain');
    expect(JSON.stringify(drift)).not.toContain('secret-token');
    expect(inspect(drift, { depth: 5 })).not.toContain('secret-token');
    expect(errorsOf(`  webhookUrl: ${url}\n`)).toEqual([
      'drift.webhookUrl: a secret must come from the environment: write ${VARIABLE} instead of the value',
    ]);
  });

  it('reject a webhook URL that is not http(s), without repeating it', () => {
    expect(errorsOf('  webhookUrl: ${HOOK}\n', { HOOK: 'ftp://user:token@example' })).toEqual([
      'drift.webhookUrl: expected an http:// or https:// URL',
    ]);
    expect(errorsOf('  adminBaseUrl: not a url\n')).toEqual([
      'drift.adminBaseUrl: expected an http:// or https:// URL',
    ]);
  });

  it('need evaluation windows made of whole count windows, and slow rounds on fast ones', () => {
    expect(
      errorsOf(`  windowMs: 300000
  evaluation:
    fast: { windowMs: 3600000, everyMs: 700000 }
    slow: { windowMs: 86400000, everyMs: 3600000 }
`),
    ).toEqual([
      'drift.evaluation.fast.everyMs: 700000 is not a multiple of drift.windowMs (300000)',
      'drift.evaluation.slow.everyMs: 3600000 is not a multiple of drift.evaluation.fast.everyMs (700000)',
    ]);
  });

  it('need critical at or above warning, an alert that can fire, and a sane sample floor', () => {
    expect(
      errorsOf(`  thresholds:
    minEvents: 100
    unseenShare: { warning: 0.05, critical: 0.01 }
  alerting:
    fireAfter: 5
`),
    ).toEqual(['drift.thresholds.minEvents: expected a number ≥ 200, got 100']);
    expect(
      errorsOf(`  thresholds:
    unseenShare: { warning: 0.05, critical: 0.01 }
  alerting:
    fireAfter: 5
`),
    ).toEqual([
      'drift.thresholds.unseenShare.critical: 0.01 is below the warning threshold (0.05)',
      'drift.alerting.fireAfter: 5 is above drift.alerting.fireWindow (4): no alert could fire',
    ]);
  });
});
