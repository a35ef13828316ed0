/**
 * The evaluator end to end on simulated streams: windows sampled from the reference
 * distributions (stationary) or shifted, evaluated on the test cadence (1 s windows every
 * 250 ms, 4 s windows every second) through the real report, verdicts and alert state machine.
 */
import { describe, expect, it } from 'vitest';
import { type DriftAlert, type DriftOutcome } from '../../../../src/drift/alerts/index.js';
import { type DriftOutcomeSink, type ReferenceProfile } from '../../../../src/drift/index.js';
import {
  createSimulatedStream,
  createTestEvaluator,
  evaluateTicks,
  numericFeatureNames,
  simulatedProfile,
  TEST_POLICY,
  TEST_SETTINGS,
  type StreamShift,
} from '../../../harness/drift-simulation.js';
import { manualClock } from '../../../harness/manual-clock.js';

const WINDOW_MS = 250;
const EVALUATIONS_PER_WINDOW = TEST_SETTINGS.fast.windowMs / TEST_SETTINGS.fast.everyMs;

let fiveFeatureProfile: ReferenceProfile | undefined;
function profileOfFive(): ReferenceProfile {
  fiveFeatureProfile ??= simulatedProfile({ numericFeatures: 5, referenceEvents: 20_000, seed: 1 });
  return fiveFeatureProfile;
}

function firingSeen(outcomes: readonly DriftOutcome[]): DriftAlert[] {
  return outcomes.flatMap((outcome) =>
    outcome.changes.map(({ alert }) => alert).filter((alert) => alert.heldState === 'FIRING'),
  );
}

describe('a stationary stream', () => {
  it('never reaches FIRING in 600 rounds with production-like windows (1200 events)', async () => {
    const profile = profileOfFive();
    const source = createSimulatedStream({
      profile,
      seed: 11,
    });
    const { evaluator } = createTestEvaluator({ profile, source });
    const outcomes = await evaluateTicks(evaluator, EVALUATIONS_PER_WINDOW, 604);
    const evaluations = outcomes.flatMap((outcome) => outcome.evaluations);
    expect(evaluations.filter((e) => e.window.scope === 'fast')).toHaveLength(600);
    expect(evaluations.filter((e) => e.window.scope === 'slow')).toHaveLength(150);
    // Real sampling noise: PSI moves, and is judged, in every window.
    const psi = evaluations.flatMap((e) => e.report.subjects.map((s) => s.statistics.psi ?? 0));
    expect(Math.max(...psi)).toBeGreaterThan(0.01);
    expect(evaluations.every((e) => e.report.dataset.level === 'ok')).toBe(true);
    expect(firingSeen(outcomes)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.notification !== null)).toEqual([]);
  });
});

describe('a 0.5σ shift of one feature', () => {
  const onsetTick = 100;
  const endTick = 140;
  const shiftAt = (windowStartMs: number): StreamShift =>
    windowStartMs >= onsetTick * WINDOW_MS && windowStartMs < endTick * WINDOW_MS
      ? { mean: { f02: 0.5 } }
      : {};

  it('fires within 4 evaluations of a shifted window, pages once, and resolves', async () => {
    const profile = profileOfFive();
    const source = createSimulatedStream({
      profile,
      seed: 13,
      shiftAt,
    });
    const { evaluator } = createTestEvaluator({ profile, source });
    const outcomes = await evaluateTicks(evaluator, EVALUATIONS_PER_WINDOW, 200);
    const tickOf = (outcome: DriftOutcome) => outcome.tickMs / TEST_SETTINGS.fast.everyMs;
    const fastState = (outcome: DriftOutcome) =>
      outcome.evaluations
        .find((e) => e.window.scope === 'fast')
        ?.statuses.find((s) => s.subject === 'f02' && s.check === 'drift')?.state;

    // The first window wholly after the onset ends one window length later.
    const firstShiftedWindowTick = onsetTick + EVALUATIONS_PER_WINDOW;
    const firing = outcomes.find((outcome) => fastState(outcome) === 'FIRING') as DriftOutcome;
    expect(tickOf(firing)).toBeGreaterThan(onsetTick);
    expect(tickOf(firing) - firstShiftedWindowTick + 1).toBeLessThanOrEqual(4);
    expect(outcomes.filter((o) => tickOf(o) <= onsetTick).every((o) => fastState(o) === 'OK')).toBe(
      true,
    );

    // One page when it fires, one when the episode is over; nothing in between.
    const notifications = outcomes.flatMap((outcome) =>
      outcome.notification === null ? [] : [outcome.notification],
    );
    expect(notifications.map((n) => [n.status, n.alerts.map((a) => a.event)])).toEqual([
      ['firing', ['firing']],
      ['resolved', ['resolved']],
    ]);
    expect(notifications[0]?.alerts[0]?.alert).toMatchObject({
      subject: 'f02',
      check: 'drift',
      scope: 'fast',
      state: 'FIRING',
      evidence: { samples: { current: 1200 } },
    });
    // Sent once the group wait is over: nothing else joined it.
    expect(notifications[0]?.evaluatedAtMs).toBe(firing.tickMs + TEST_POLICY.groupWaitMs);
    // Only f02 drifted: no other subject's alert ever fired.
    expect(new Set(firingSeen(outcomes).map((alert) => alert.subject))).toEqual(new Set(['f02']));

    // After the shift ends both scopes resolve and nothing stays active.
    const last = outcomes.at(-1) as DriftOutcome;
    expect(last.alerts).toEqual([]);
    expect(
      tickOf(outcomes.find((o) => o.notification?.status === 'resolved') as DriftOutcome),
    ).toBeGreaterThan(endTick);
  });
});

describe('many features drifting at once', () => {
  it('page once: one notification listing every drifted feature, worst first', async () => {
    const profile = simulatedProfile({ numericFeatures: 50, referenceEvents: 20_000, seed: 3 });
    const names = numericFeatureNames(50);
    // Shifts from 1σ to 2σ, in an order unrelated to the names: large enough that every
    // feature breaches in the first window that holds a quarter of shifted events.
    const shifts = Object.fromEntries(names.map((name, i) => [name, 1 + ((i * 37) % 50) / 49]));
    const source = createSimulatedStream({
      profile,
      seed: 14,
      shiftAt: (startMs) => (startMs >= 20 * WINDOW_MS ? { mean: shifts } : {}),
    });
    const { evaluator } = createTestEvaluator({ profile, source });
    const outcomes = await evaluateTicks(evaluator, EVALUATIONS_PER_WINDOW, 40);
    const notifications = outcomes.flatMap((o) =>
      o.notification === null ? [] : [o.notification],
    );
    // The features cross their thresholds over several rounds (larger shifts first); the group
    // wait gathers them, and the data-quality alerts the shift causes, into one page.
    const firingRounds = new Set(
      outcomes.flatMap((o) => o.changes.filter((c) => c.event === 'firing').map(() => o.tickMs)),
    );
    expect(firingRounds.size).toBeGreaterThan(1);
    expect(notifications).toHaveLength(1);
    const [notification] = notifications;
    const alerts = notification?.alerts.map(({ alert }) => alert) ?? [];
    expect(notification?.alerts.every(({ event }) => event === 'firing')).toBe(true);
    const drifted = alerts.filter((alert) => alert.check === 'drift').map((a) => a.subject);
    expect(drifted.filter((subject) => subject !== '__dataset__').sort()).toEqual(names);
    // Dataset-level drift fires with them, in the same notification.
    expect(drifted).toContain('__dataset__');
    expect(alerts.every((alert) => alert.scope === 'fast')).toBe(true);
    // They are shown as they are when the notification goes out: drift still firing.
    expect(alerts.filter((a) => a.check === 'drift').every((a) => a.state === 'FIRING')).toBe(true);
    // Worst first: critical before warning, then by the measure relative to its critical threshold.
    const severity = (alert: DriftAlert) =>
      (alert.level === 'critical' ? 1e6 : 0) + (alert.value ?? 0) / alert.thresholds.critical;
    const severities = alerts.map(severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    // The worst is one of the largest shifts (their PSIs are close; sampling decides).
    const largest = [...names].sort((a, b) => (shifts[b] ?? 0) - (shifts[a] ?? 0)).slice(0, 3);
    expect(alerts[0]?.check).toBe('drift');
    expect(largest).toContain(alerts[0]?.subject);
    expect(notification?.title).toMatch(
      new RegExp(
        `^sim@1: ${alerts.length} firing \\(\\d+ firing; worst: ${alerts[0]?.subject} drift critical`,
      ),
    );
  });
});

describe('the evaluation round', () => {
  it('evaluates the slow window on its own multiples and groups both scopes', async () => {
    const profile = profileOfFive();
    const source = createSimulatedStream({
      profile,
      seed: 15,
    });
    const { evaluator } = createTestEvaluator({ profile, source });
    const outcomes = await evaluateTicks(evaluator, 16, 20);
    expect(outcomes.map((o) => o.evaluations.map((e) => e.window.scope))).toEqual([
      ['fast', 'slow'],
      ['fast'],
      ['fast'],
      ['fast'],
    ]);
    expect(source.reads.slice(0, 2)).toEqual([
      { fromMs: 3000, toMs: 4000 },
      { fromMs: 0, toMs: 4000 },
    ]);
    expect(evaluator.latest()).toMatchObject({
      fast: { window: { scope: 'fast', fromMs: 3750, toMs: 4750 } },
      slow: { window: { scope: 'slow', fromMs: 0, toMs: 4000 } },
      alerts: [],
    });
  });

  it('runs rounds on its clock once started, until stopped', async () => {
    const profile = profileOfFive();
    const source = createSimulatedStream({
      profile,
      seed: 18,
    });
    const time = manualClock(10_000);
    const ticks: number[] = [];
    const { evaluator } = createTestEvaluator({
      profile,
      source,
      clock: time.clock,
      settleMs: 100,
      sinks: [{ deliver: (outcome) => ticks.push(outcome.tickMs) }],
    });
    evaluator.start();
    await time.advanceTo(11_000);
    expect(ticks).toEqual([10_000, 10_250, 10_500, 10_750]);
    await evaluator.stop();
    await time.advanceTo(12_000);
    expect(ticks).toHaveLength(4);
  });

  it('judges an empty window as insufficient data instead of failing', async () => {
    const profile = profileOfFive();
    const source = { read: async () => new Map() };
    const { evaluator } = createTestEvaluator({ profile, source });
    const [outcome] = await evaluateTicks(evaluator, 4, 5);
    const statuses = outcome?.evaluations[0]?.statuses ?? [];
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status.state === 'INSUFFICIENT_DATA')).toBe(true);
  });

  it('counts a round whose counts cannot be read, and goes on with the next', async () => {
    const profile = profileOfFive();
    const working = createSimulatedStream({
      profile,
      seed: 16,
    });
    let fail = true;
    const source = {
      read: async (fromMs: number, toMs: number) => {
        if (fail) throw new Error('redis down');
        return working.read(fromMs, toMs);
      },
    };
    const { evaluator, registry } = createTestEvaluator({ profile, source });
    const [failed] = await evaluateTicks(evaluator, 4, 5);
    expect(failed?.evaluations).toEqual([]);
    fail = false;
    const [recovered] = await evaluateTicks(evaluator, 5, 6);
    expect(recovered?.evaluations).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toContain(
      'streamscore_drift_evaluations_total{model="sim",scope="fast",outcome="failed"} 1',
    );
    expect(text).toContain(
      'streamscore_drift_evaluations_total{model="sim",scope="fast",outcome="ok"} 1',
    );
  });

  it('hands every outcome to every sink, even when one of them throws', async () => {
    const profile = profileOfFive();
    const source = createSimulatedStream({
      profile,
      seed: 17,
    });
    const received: number[] = [];
    const broken: DriftOutcomeSink = {
      deliver: () => {
        throw new Error('sink bug');
      },
    };
    const recording: DriftOutcomeSink = { deliver: (outcome) => received.push(outcome.tickMs) };
    const { evaluator } = createTestEvaluator({ profile, source, sinks: [broken, recording] });
    await evaluateTicks(evaluator, 4, 7);
    expect(received).toEqual([1000, 1250, 1500]);
  });
});
