/**
 * An evaluator that takes over carries on from what the one before it published: alert states
 * from the compacted alert topic's records, the retrain cooldown and keys from the retrain
 * topic's. The records here go through the same JSON the sinks write.
 */
import { describe, expect, it } from 'vitest';
import {
  createAlertStateMachine,
  createNotificationGrouper,
  createRetrainPolicy,
  DEFAULT_ALERT_POLICY,
  type AlertChange,
  type AlertObservation,
  type AlertStateMachine,
  type DriftAlert,
} from '../../../../src/drift/alerts/index.js';
import {
  driftAlertToJson,
  driftHistoryFromRecords,
  retrainRequestToJson,
} from '../../../../src/drift/index.js';

const identity = { model: 'fraud', version: 3, reference: 'ref-1' };
const EVERY_MS = 300_000;
const REPORT_URL = 'http://admin:9464/drift';

function observation(subject: string, psi: number): AlertObservation {
  return {
    subject,
    source: subject === '__score__' ? 'score' : 'feature',
    check: 'drift',
    level: psi >= 0.25 ? 'critical' : psi >= 0.1 ? 'warning' : 'ok',
    value: psi,
    thresholds: { warning: 0.1, critical: 0.25, minEvents: 1000, falseDiscoveryRate: 0.01 },
    evidence: {
      reason: `PSI ${psi}`,
      samples: { reference: 50_000, current: 5_000 },
      statistics: null,
      dataset: null,
      topUnseen: [],
    },
  };
}

/** Fast evaluations `fromTick`, `fromTick + 1`, ... of `subject` at the PSIs given. */
function feed(
  machine: AlertStateMachine,
  subject: string,
  psis: readonly number[],
  fromTick: number,
) {
  return psis.map((psi, i) => {
    const toMs = (fromTick + i) * EVERY_MS;
    return machine.observe({ scope: 'fast', fromMs: toMs - 3_600_000, toMs }, toMs, [
      observation(subject, psi),
    ]);
  });
}

const events = (steps: ReturnType<typeof feed>) =>
  steps.flatMap((step) => step.changes.flatMap((change) => (change.event ? [change.event] : [])));

/** What the alert topic holds after `changes`: every change's record value, in order. */
const alertRecords = (changes: readonly AlertChange[]) =>
  changes.map(({ alert }) => JSON.stringify(driftAlertToJson(alert)));

function machine(restored?: readonly DriftAlert[]) {
  return createAlertStateMachine({
    identity,
    policy: DEFAULT_ALERT_POLICY,
    reportUrl: REPORT_URL,
    ...(restored === undefined ? {} : { restored }),
  });
}

describe('the drift history read back from the drift topics', () => {
  it('keeps the latest record of each alert of this model build, dropping resolved and foreign ones', () => {
    const first = machine();
    const steps = [
      ...feed(first, 'amount_log', [0.4, 0.4, 0.4], 1),
      ...feed(first, 'country', [0.3], 4),
      ...feed(first, 'country', [0.01, 0.01, 0.01, 0.01], 5),
    ];
    const records = alertRecords(steps.flatMap((step) => step.changes));
    const foreign = JSON.stringify({
      ...(JSON.parse(records[0]!) as object),
      fingerprint: 'other',
      version: 4,
    });
    const history = driftHistoryFromRecords(identity, {
      alerts: [...records, foreign, null, '{"not": "an alert"}', 'not json'],
      retrainRequests: [],
    });
    expect(history.alerts.map((alert) => [alert.subject, alert.state])).toEqual([
      ['amount_log', 'FIRING'],
    ]);
    expect(history.alerts[0]).toEqual(first.alerts()[0]);
  });

  it('carries a FIRING alert on without paging again, and still announces its resolution', () => {
    const before = machine();
    const firing = feed(before, 'amount_log', [0.4, 0.4, 0.4], 1);
    expect(events(firing)).toEqual(['firing']);
    const history = driftHistoryFromRecords(identity, {
      alerts: alertRecords(firing.flatMap((step) => step.changes)),
      retrainRequests: [],
    });

    const after = machine(history.alerts);
    const stillDrifting = feed(after, 'amount_log', [0.4, 0.4], 4);
    expect(stillDrifting.map((step) => step.statuses[0]?.state)).toEqual(['FIRING', 'FIRING']);
    expect(events(stillDrifting)).toEqual([]);
    const recovering = feed(
      after,
      'amount_log',
      Array(DEFAULT_ALERT_POLICY.resolveAfter).fill(0.01),
      6,
    );
    expect(recovering.at(-1)?.statuses[0]?.state).toBe('OK');
    expect(events(recovering)).toEqual(['resolved']);

    // Without the history the same stream pages a second time.
    expect(events(feed(machine(), 'amount_log', [0.4, 0.4, 0.4], 4))).toEqual(['firing']);
  });

  it('announces a restored resolution, and re-sends a firing the earlier evaluator may not have', () => {
    const before = machine();
    const firing = feed(before, 'amount_log', [0.4, 0.4, 0.4], 1);
    const [alert] = driftHistoryFromRecords(identity, {
      alerts: alertRecords(firing.flatMap((step) => step.changes)),
      retrainRequests: [],
    }).alerts;
    const firedAtMs = alert!.firingSinceMs!;
    const grouping = { groupWaitMs: 600_000, groupIntervalMs: 1_800_000 };

    // Taken over long after the group wait: it was announced, so only its resolution is news.
    const late = createNotificationGrouper({
      identity,
      grouping,
      reportUrl: REPORT_URL,
      restored: { alerts: [alert!], atMs: firedAtMs + 3_600_000 },
    });
    const resolved = { ...alert!, state: 'OK' as const, heldState: 'OK' as const, level: null };
    const notice = late.add(firedAtMs + 4_000_000, [{ alert: resolved, event: 'resolved' }], []);
    expect(notice?.status).toBe('resolved');
    expect(notice?.alerts.map((entry) => entry.event)).toEqual(['resolved']);

    // Taken over within the group wait: the firing goes out when the wait ends.
    const early = createNotificationGrouper({
      identity,
      grouping,
      reportUrl: REPORT_URL,
      restored: { alerts: [alert!], atMs: firedAtMs + 60_000 },
    });
    expect(early.add(firedAtMs + 300_000, [], [alert!])).toBeNull();
    const page = early.add(firedAtMs + 600_000, [], [alert!]);
    expect(page?.alerts.map((entry) => [entry.event, entry.alert.subject])).toEqual([
      ['firing', 'amount_log'],
    ]);
  });

  it('holds the retrain cooldown and the episode keys of requests made before', () => {
    const cooldownMs = 24 * 3_600_000;
    const options = { identity, sustainMs: 600_000, cooldownMs, dataTopic: 'scored' };
    const score = machine();
    feed(score, '__score__', [0.5, 0.5, 0.5, 0.5, 0.5], 1);
    const firingScore = score.alerts();
    const nowMs = 5 * EVERY_MS + 600_000;
    const request = createRetrainPolicy(options).consider(firingScore, nowMs);
    expect(request).not.toBeNull();

    const history = driftHistoryFromRecords(identity, {
      alerts: [],
      retrainRequests: [JSON.stringify(retrainRequestToJson(request!)), 'garbage'],
    });
    expect(history.retrainRequests).toEqual([
      { idempotencyKey: request!.idempotencyKey, requestedAtMs: nowMs },
    ]);
    const carriedOn = createRetrainPolicy({ ...options, restored: history.retrainRequests });
    expect(carriedOn.consider(firingScore, nowMs + 3_600_000)).toBeNull();
    // Past the cooldown the same episode is still not asked for twice.
    expect(carriedOn.consider(firingScore, nowMs + cooldownMs + 1)).toBeNull();
    expect(createRetrainPolicy(options).consider(firingScore, nowMs + 3_600_000)).not.toBeNull();
  });
});
