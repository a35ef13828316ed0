import { describe, expect, it } from 'vitest';
import {
  createAlertStateMachine,
  createNotificationGrouper,
  driftNotificationToJson,
  type AlertChange,
  type AlertEvent,
  type AlertObservation,
  type DriftAlert,
  type DriftNotification,
} from '../../../../src/drift/alerts/index.js';
import { driftAlertToJson } from '../../../../src/drift/index.js';

const identity = { model: 'fraud', version: 2, reference: 'ref' };
const grouping = { groupWaitMs: 1000, groupIntervalMs: 5000 };

/** A real alert snapshot of `subject`, fired by one slow evaluation at `atMs`. */
function firedAlert(subject: string, psi: number, atMs = 0): DriftAlert {
  const machine = createAlertStateMachine({ identity, reportUrl: 'http://a/drift' });
  const observation: AlertObservation = {
    subject,
    source: 'feature',
    check: 'drift',
    level: psi >= 0.25 ? 'critical' : 'warning',
    value: psi,
    thresholds: { warning: 0.1, critical: 0.25, minEvents: 1000, falseDiscoveryRate: 0.01 },
    evidence: {
      reason: `PSI ${psi}`,
      samples: { reference: 100, current: 2000 },
      statistics: null,
      dataset: null,
      topUnseen: [{ value: 'new-merchant', count: 7 }],
    },
  };
  const { changes } = machine.observe({ scope: 'slow', fromMs: atMs - 1000, toMs: atMs }, atMs, [
    observation,
  ]);
  return (changes[0] as AlertChange).alert;
}

const change = (alert: DriftAlert, event: AlertEvent | null): AlertChange => ({ alert, event });

describe('notification grouping', () => {
  it('holds the first news of a quiet model for the group wait, gathering what joins', () => {
    const grouper = createNotificationGrouper({ identity, grouping, reportUrl: 'http://a/drift' });
    const a = firedAlert('a', 0.12);
    const b = firedAlert('b', 0.6);
    expect(grouper.add(0, [change(a, 'firing')], [a])).toBeNull();
    expect(grouper.add(500, [change(b, 'firing')], [a, b])).toBeNull();
    const sent = grouper.add(1000, [], [a, b]);
    expect(sent?.alerts.map(({ event, alert }) => [event, alert.subject])).toEqual([
      ['firing', 'b'],
      ['firing', 'a'],
    ]);
    expect(sent).toMatchObject({ status: 'firing', firingAlerts: 2, evaluatedAtMs: 1000 });
  });

  it('sends later news at most once per group interval while alerts fire', () => {
    const grouper = createNotificationGrouper({ identity, grouping, reportUrl: 'http://a/drift' });
    const a = firedAlert('a', 0.3);
    const c = firedAlert('c', 0.3);
    grouper.add(0, [change(a, 'firing')], [a]);
    expect(grouper.add(1000, [], [a])).not.toBeNull();
    expect(grouper.add(2000, [change(c, 'firing')], [a, c])).toBeNull();
    expect(grouper.add(5999, [], [a, c])).toBeNull();
    expect(grouper.add(6000, [], [a, c])?.alerts.map(({ alert }) => alert.subject)).toEqual(['c']);
  });

  it('says nothing of an alert that fired and resolved before anyone was told', () => {
    const grouper = createNotificationGrouper({ identity, grouping, reportUrl: 'http://a/drift' });
    const a = firedAlert('a', 0.3);
    grouper.add(0, [change(a, 'firing')], [a]);
    expect(grouper.add(500, [change({ ...a, state: 'OK' }, 'resolved')], [])).toBeNull();
    expect(grouper.add(5000, [], [])).toBeNull();
  });

  it('tells of a resolution once the firing was told, and the model is resolved then', () => {
    const grouper = createNotificationGrouper({ identity, grouping, reportUrl: 'http://a/drift' });
    const a = firedAlert('a', 0.3);
    grouper.add(0, [change(a, 'firing')], [a]);
    grouper.add(1000, [], [a]);
    const resolved = { ...a, state: 'OK' as const, heldState: 'OK' as const, level: null };
    expect(grouper.add(3000, [change(resolved, 'resolved')], [])).toBeNull();
    const sent = grouper.add(6000, [], []);
    expect(sent).toMatchObject({ status: 'resolved', firingAlerts: 0 });
    expect(sent?.alerts.map(({ event }) => event)).toEqual(['resolved']);
  });

  it('keeps unsent news of firing when a reminder of the same alert comes', () => {
    const grouper = createNotificationGrouper({
      identity,
      grouping: { groupWaitMs: 0, groupIntervalMs: 5000 },
      reportUrl: 'http://a/drift',
    });
    const a = firedAlert('a', 0.3);
    const b = firedAlert('b', 0.3);
    grouper.add(0, [change(a, 'firing')], [a]);
    grouper.add(1000, [change(b, 'firing')], [a, b]);
    const sent = grouper.add(5000, [change(b, 'reminder')], [a, b]);
    expect(sent?.alerts.map(({ event, alert }) => [event, alert.subject])).toEqual([
      ['firing', 'b'],
    ]);
  });

  it('gives the same news the same id and different news another', () => {
    const a = firedAlert('a', 0.3);
    const ids = [1000, 1000, 2000].map(
      (tickMs) =>
        createNotificationGrouper({
          identity,
          grouping: { groupWaitMs: 0, groupIntervalMs: 0 },
          reportUrl: 'http://a/drift',
        }).add(tickMs, [change(a, 'firing')], [a])?.id,
    );
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });
});

describe('notification and alert JSON', () => {
  it('is the documented webhook body, with ISO-8601 times', () => {
    const alert = firedAlert('amount', 0.3, Date.UTC(2026, 10, 23, 12, 5));
    const grouper = createNotificationGrouper({
      identity,
      grouping: { groupWaitMs: 0, groupIntervalMs: 0 },
      reportUrl: 'http://a/drift',
    });
    const notification = grouper.add(alert.evaluatedAtMs, [change(alert, 'firing')], [alert]);
    const json = JSON.parse(
      JSON.stringify(driftNotificationToJson(notification as DriftNotification)),
    ) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'format',
      'id',
      'status',
      'title',
      'model',
      'reference',
      'evaluatedAt',
      'firingAlerts',
      'alerts',
      'reportUrl',
    ]);
    expect(json).toMatchObject({
      format: 'streamscore-drift-notification',
      status: 'firing',
      model: { name: 'fraud', version: 2 },
      evaluatedAt: '2026-11-23T12:05:00.000Z',
      reportUrl: 'http://a/drift',
    });
    const [entry] = json['alerts'] as Record<string, unknown>[];
    expect(entry).toEqual({
      event: 'firing',
      ...JSON.parse(JSON.stringify(driftAlertToJson(alert))),
    });
    expect(entry).toMatchObject({
      class: 'drift',
      scope: 'slow',
      subject: 'amount',
      check: 'drift',
      state: 'FIRING',
      level: 'critical',
      value: 0.3,
      window: { scope: 'slow', from: '2026-11-23T12:04:59.000Z', to: '2026-11-23T12:05:00.000Z' },
      firingSince: '2026-11-23T12:05:00.000Z',
      samples: { reference: 100, current: 2000 },
      topUnseen: [{ value: 'new-merchant', count: 7 }],
      reportUrl: 'http://a/drift?scope=slow#amount',
    });
  });
});
