import { describe, expect, it } from 'vitest';
import {
  alertFingerprint,
  createAlertStateMachine,
  DEFAULT_ALERT_POLICY,
  type AlertObservation,
  type AlertStateMachine,
  type EvaluationScope,
} from '../../../../src/drift/alerts/index.js';
import { type DriftLevel } from '../../../../src/drift/statistics/index.js';

const identity = { model: 'fraud', version: 3, reference: 'ref-1' };
const EVERY_MS = 300_000;

/** One observation of `subject`'s drift with PSI `value`; the level follows the default thresholds. */
function psiObservation(
  value: number | null,
  options: { subject?: string; level?: DriftLevel; check?: AlertObservation['check'] } = {},
): AlertObservation {
  const level: DriftLevel =
    options.level ??
    (value === null
      ? 'insufficient_data'
      : value >= 0.25
        ? 'critical'
        : value >= 0.1
          ? 'warning'
          : 'ok');
  return {
    subject: options.subject ?? 'amount',
    source: 'feature',
    check: options.check ?? 'drift',
    level,
    value,
    thresholds: { warning: 0.1, critical: 0.25, minEvents: 1000, falseDiscoveryRate: 0.01 },
    evidence: {
      reason: `PSI ${value}`,
      samples: { reference: 50_000, current: value === null ? 10 : 5000 },
      statistics: null,
      dataset: null,
      topUnseen: [],
    },
  };
}

/** Feeds one observation per evaluation of `scope`, one interval apart; returns the states. */
function run(
  machine: AlertStateMachine,
  values: readonly (number | null)[],
  options: { scope?: EvaluationScope; startTick?: number; subject?: string } = {},
) {
  const scope = options.scope ?? 'fast';
  const start = options.startTick ?? 0;
  return values.map((value, i) => {
    const toMs = (start + i + 1) * EVERY_MS;
    const result = machine.observe({ scope, fromMs: toMs - 3_600_000, toMs }, toMs, [
      psiObservation(value, { subject: options.subject }),
    ]);
    return {
      state: result.statuses[0]?.state,
      events: result.changes.flatMap((change) => (change.event === null ? [] : [change.event])),
      changes: result.changes,
    };
  });
}

const states = (steps: ReturnType<typeof run>) => steps.map((step) => step.state);

function machine(policy = DEFAULT_ALERT_POLICY) {
  return createAlertStateMachine({ identity, policy, reportUrl: 'http://admin:9464/drift' });
}

describe('the alert state machine', () => {
  it('fires after 3 breaching of the last 4 fast evaluations, not after 2', () => {
    expect(states(run(machine(), [0.3, 0.01, 0.3, 0.01, 0.3, 0.01, 0.3, 0.01]))).toEqual([
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
    ]);
    const steps = run(machine(), [0.3, 0.01, 0.3, 0.3]);
    expect(states(steps)).toEqual(['PENDING', 'PENDING', 'PENDING', 'FIRING']);
    expect(steps.map((step) => step.events)).toEqual([[], [], [], ['firing']]);
  });

  it('goes back to OK once none of the last 4 fast evaluations breaches', () => {
    expect(states(run(machine(), [0.3, 0.01, 0.01, 0.01, 0.01]))).toEqual([
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
      'OK',
    ]);
  });

  it('fires on one breaching slow evaluation', () => {
    const steps = run(machine(), [0.15], { scope: 'slow' });
    expect(states(steps)).toEqual(['FIRING']);
    expect(steps[0]?.events).toEqual(['firing']);
    expect(steps[0]?.changes[0]?.alert.level).toBe('warning');
  });

  it('resolves after 6 consecutive evaluations below 0.8 × warning, and only then notifies', () => {
    const steps = run(machine(), [0.3, 0.3, 0.3, 0.07, 0.07, 0.07, 0.07, 0.07, 0.07]);
    expect(states(steps)).toEqual([
      'PENDING',
      'PENDING',
      'FIRING',
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
      'OK',
    ]);
    expect(steps.map((step) => step.events)).toEqual([
      [],
      [],
      ['firing'],
      [],
      [],
      [],
      [],
      [],
      ['resolved'],
    ]);
    const resolved = steps[8]?.changes[0]?.alert;
    expect(resolved).toMatchObject({ state: 'OK', previousState: 'RESOLVING', level: null });
  });

  it('needs the streak unbroken: a value between 0.8 × warning and warning restarts it', () => {
    // 0.09 breaches nothing but is not below 0.08 either.
    const steps = run(machine(), [0.3, 0.3, 0.3, 0.05, 0.05, 0.05, 0.05, 0.05, 0.09, 0.05]);
    expect(states(steps).slice(3)).toEqual([
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
      'RESOLVING',
    ]);
  });

  it('returns from RESOLVING to FIRING on a breach, without paging again', () => {
    const steps = run(machine(), [0.3, 0.3, 0.3, 0.05, 0.05, 0.3]);
    expect(states(steps).slice(2)).toEqual(['FIRING', 'RESOLVING', 'RESOLVING', 'FIRING']);
    expect(steps[5]?.events).toEqual([]);
    expect(steps[5]?.changes[0]?.alert.firstFiringWindow).toEqual(
      steps[2]?.changes[0]?.alert.firstFiringWindow,
    );
  });

  it('keeps the state through insufficient data, and those evaluations count for nothing', () => {
    const steps = run(machine(), [0.3, 0.3, null, null, 0.3, null, 0.05]);
    expect(states(steps)).toEqual([
      'PENDING',
      'PENDING',
      'INSUFFICIENT_DATA',
      'INSUFFICIENT_DATA',
      'FIRING',
      'INSUFFICIENT_DATA',
      'RESOLVING',
    ]);
    expect(steps[3]?.changes).toEqual([]);
    expect(steps[2]?.changes[0]?.alert).toMatchObject({
      state: 'INSUFFICIENT_DATA',
      heldState: 'PENDING',
      previousState: 'PENDING',
    });
    expect(steps[5]?.changes[0]?.alert.heldState).toBe('FIRING');
  });

  it('does not track a subject that never breached', () => {
    const m = machine();
    expect(states(run(m, [0.01, null, 0.02]))).toEqual(['OK', 'INSUFFICIENT_DATA', 'OK']);
    expect(m.alerts()).toEqual([]);
  });

  it('notifies a firing alert again every 6 hours; a level change is recorded, not paged', () => {
    // One fast evaluation per 5 minutes: 72 of them are 6 hours.
    const values = [0.15, 0.15, 0.15, 0.3, 0.24, 0.3, ...new Array<number>(72).fill(0.3)];
    const steps = run(machine(), values);
    const events = steps.flatMap((step, i) => step.events.map((event) => `${i}:${event}`));
    expect(events).toEqual(['2:firing', '74:reminder']);
    // Warning to critical is a change for the alert topic; 0.24 is above 0.8 × critical, so
    // the level stays critical there and nothing changes.
    expect(steps.map((step) => step.changes.map(({ alert }) => alert.level))).toEqual([
      ['warning'],
      [],
      ['warning'],
      ['critical'],
      ...new Array<string[]>(70).fill([]),
      ['critical'],
      [],
      [],
      [],
    ]);
    expect(steps[4]?.state).toBe('FIRING');
  });

  it('steps a critical alert down to warning only below 0.8 × critical', () => {
    const m = machine();
    const steps = run(m, [0.3, 0.3, 0.3, 0.21, 0.19]);
    expect(m.alerts()[0]?.level).toBe('warning');
    expect(steps[3]?.state).toBe('FIRING');
    expect(m.alerts()[0]?.criticalSinceMs).toBeNull();
  });

  it('tracks how long an alert has been FIRING at critical', () => {
    const m = machine();
    run(m, [0.3, 0.3, 0.3, 0.3, 0.3]);
    // Fired at the 3rd evaluation (t = 3 intervals) and critical ever since.
    expect(m.alerts()[0]).toMatchObject({
      state: 'FIRING',
      criticalSinceMs: 3 * EVERY_MS,
      firingSinceMs: 3 * EVERY_MS,
    });
  });

  it('lets an active alert of one scope cover the same subject in the other', () => {
    const m = machine();
    const fast = run(m, [0.3, 0.3, 0.3]);
    expect(fast[2]?.events).toEqual(['firing']);
    const slow = run(m, [0.3], { scope: 'slow', startTick: 3 });
    expect(slow[0]).toMatchObject({ state: 'FIRING', events: [] });
    // The fast alert resolves while the slow one still fires: no news yet.
    const fastResolving = run(m, [0.01, 0.01, 0.01, 0.01, 0.01, 0.01], { startTick: 4 });
    expect(fastResolving[5]).toMatchObject({ state: 'OK', events: [] });
    const slowResolving = run(m, [0.01, 0.01, 0.01, 0.01, 0.01, 0.01], {
      scope: 'slow',
      startTick: 10,
    });
    expect(slowResolving[5]).toMatchObject({ state: 'OK', events: ['resolved'] });
  });

  it('keeps separate alerts per scope, check and subject, with stable fingerprints', () => {
    const key = { ...identity, scope: 'fast' as const, subject: 'amount', check: 'drift' as const };
    const fingerprint = alertFingerprint(key);
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(alertFingerprint({ ...key })).toBe(fingerprint);
    const others = [
      alertFingerprint({ ...key, scope: 'slow' }),
      alertFingerprint({ ...key, check: 'null_rate' }),
      alertFingerprint({ ...key, subject: 'channel' }),
      alertFingerprint({ ...key, version: 4 }),
      alertFingerprint({ ...key, reference: 'ref-2' }),
    ];
    expect(new Set([fingerprint, ...others]).size).toBe(6);

    const m = machine();
    const toMs = EVERY_MS;
    const { changes } = m.observe({ scope: 'slow', fromMs: 0, toMs }, toMs, [
      psiObservation(0.3),
      psiObservation(0.06, { check: 'unseen', level: 'critical' }),
    ]);
    expect(changes.map(({ alert }) => [alert.check, alert.alertClass, alert.state])).toEqual([
      ['drift', 'drift', 'FIRING'],
      ['unseen', 'data_quality', 'FIRING'],
    ]);
    expect(changes[0]?.alert.fingerprint).toBe(alertFingerprint({ ...key, scope: 'slow' }));
  });

  it('carries the evidence, thresholds, window and report link', () => {
    const m = machine();
    run(m, [0.3, 0.3, 0.3]);
    const [alert] = m.alerts();
    expect(alert).toMatchObject({
      model: 'fraud',
      version: 3,
      reference: 'ref-1',
      subject: 'amount',
      value: 0.3,
      thresholds: { warning: 0.1, critical: 0.25, resolveBelow: 0.08000000000000002 },
      window: { scope: 'fast', fromMs: 3 * EVERY_MS - 3_600_000, toMs: 3 * EVERY_MS },
      evidence: { samples: { reference: 50_000, current: 5000 } },
      reportUrl: 'http://admin:9464/drift?scope=fast#amount',
      recentBreaches: 3,
    });
  });

  it('follows the policy it is given', () => {
    const policy = { ...DEFAULT_ALERT_POLICY, fireAfter: 1, fireWindow: 1, resolveAfter: 1 };
    expect(states(run(machine(policy), [0.3, 0.01]))).toEqual(['FIRING', 'OK']);
  });
});
