/**
 * The drift page's view model from a real evaluator's `latest()`, on a simulated stream (1 s
 * fast windows every 250 ms) in which some subjects depart from the reference.
 */
import { describe, expect, it } from 'vitest';
import {
  CHANNEL_SUBJECT,
  createSimulatedStream,
  createTestEvaluator,
  evaluateTicks,
  simulatedProfile,
  TEST_IDENTITY,
  TEST_SETTINGS,
} from '../../../harness/drift-simulation.js';
import {
  driftPageView,
  type DriftPageSource,
  type ReferenceProfile,
} from '../../../../src/drift/index.js';
import { SCORE_SUBJECT } from '../../../../src/drift/reference/index.js';
import type { DriftPageSubject } from '../../../../src/drift/page/index.js';

const WINDOW_MS = TEST_SETTINGS.fast.everyMs;
/** The last round evaluated: a fast-only tick (slow ones fall on multiples of 4). */
const LAST_TICK = 14;

/** What every fast view of the simulated model starts with. */
const FAST_PAGE_OF_SIM = {
  format: 'streamscore-drift-page',
  version: 1,
  model: { name: 'sim', version: 1 },
  reference: 'sim-ref',
  scope: 'fast',
} as const;

let profile: ReferenceProfile | undefined;
function profileOfFour(): ReferenceProfile {
  profile ??= simulatedProfile({ numericFeatures: 4, referenceEvents: 20_000, seed: 1 });
  return profile;
}

/**
 * From the start, f00 shifted by 0.4σ (PSI ≈ 0.15: warning) and 10% unseen channel values
 * (critical), both FIRING by the last round; a quarter of f01 shifted by 3σ in the last fast
 * window only (PSI ≈ 0.3: critical, but one breach, so PENDING).
 */
async function driftingSource(): Promise<DriftPageSource> {
  const source = createSimulatedStream({
    profile: profileOfFour(),
    seed: 21,
    shiftAt: (startMs) => ({
      mean: { f00: 0.4, ...(startMs >= (LAST_TICK - 1) * WINDOW_MS ? { f01: 3 } : {}) },
      unseenChannelShare: 0.1,
    }),
  });
  const { evaluator } = createTestEvaluator({ profile: profileOfFour(), source });
  await evaluateTicks(evaluator, 4, LAST_TICK + 1);
  return { identity: TEST_IDENTITY, snapshot: evaluator.latest() };
}

function named(subjects: readonly DriftPageSubject[], name: string): DriftPageSubject {
  const subject = subjects.find((s) => s.name === name);
  if (subject === undefined) throw new Error(`no subject ${name}`);
  return subject;
}

describe('driftPageView', () => {
  it('shows who, which window and the samples of the scope asked for', async () => {
    const source = await driftingSource();
    const fast = driftPageView(source, 'fast');
    expect(fast).toMatchObject({
      ...FAST_PAGE_OF_SIM,
      evaluation: {
        evaluatedAt: new Date(LAST_TICK * WINDOW_MS).toISOString(),
        window: {
          from: new Date((LAST_TICK - 4) * WINDOW_MS).toISOString(),
          to: new Date(LAST_TICK * WINDOW_MS).toISOString(),
        },
        samples: { reference: 20_000, current: 1200 },
        thresholds: { minEvents: 1000, psi: { warning: 0.1, critical: 0.25 } },
      },
    });
    // The slow window was last evaluated at 3 s, over 4 s.
    expect(driftPageView(source, 'slow').evaluation).toMatchObject({
      evaluatedAt: new Date(3000).toISOString(),
      window: { from: new Date(-1000).toISOString(), to: new Date(3000).toISOString() },
      samples: { current: 4800 },
    });
  });

  it('lists subjects worst first: alert state, then level, then PSI', async () => {
    const subjects = driftPageView(await driftingSource(), 'fast').evaluation?.subjects ?? [];
    expect(subjects).toHaveLength(6);
    const f00 = named(subjects, 'f00');
    const f01 = named(subjects, 'f01');
    const channel = named(subjects, CHANNEL_SUBJECT);
    expect([f00.state, channel.state, f01.state]).toEqual(['FIRING', 'FIRING', 'PENDING']);
    expect([f00.level, channel.level, f01.level]).toEqual(['warning', 'critical', 'critical']);
    // The state outranks level and PSI: f01 is critical with a larger PSI than f00, yet after it.
    expect(f01.statistics.psi).toBeGreaterThan(f00.statistics.psi ?? Infinity);
    expect(subjects.slice(0, 3).map((s) => s.name)).toEqual([CHANNEL_SUBJECT, 'f00', 'f01']);
    // The quiet ones follow, by PSI.
    const rest = subjects.slice(3);
    expect(rest.every((s) => s.state === 'OK' && s.level === 'ok')).toBe(true);
    const psis = rest.map((s) => s.statistics.psi ?? 0);
    expect(psis).toEqual([...psis].sort((a, b) => b - a));
  });

  it('counts a data-quality alert in the subject state, and lists every active alert', async () => {
    const view = driftPageView(await driftingSource(), 'fast');
    const unseen = view.alerts.filter(
      (alert) => alert.subject === CHANNEL_SUBJECT && alert.check === 'unseen',
    );
    // The slow window (4 s, 10% unseen throughout) fired on its first evaluation as well.
    expect(unseen.map((alert) => alert.scope).sort()).toEqual(['fast', 'slow']);
    for (const alert of unseen) {
      expect(alert).toMatchObject({ state: 'FIRING', level: 'critical' });
      expect(alert.reason).toMatch(/unseen/);
    }
    expect(view.alerts.find((a) => a.subject === 'f01' && a.scope === 'fast')).toMatchObject({
      check: 'drift',
      state: 'PENDING',
    });
    // The snapshot's order (worst first) is kept.
    expect(view.alerts[0]?.state).toBe('FIRING');
    expect(view.alerts.map((a) => a.state).indexOf('PENDING')).toBeGreaterThan(
      view.alerts.map((a) => a.state).lastIndexOf('FIRING'),
    );
    const channel = named(view.evaluation?.subjects ?? [], CHANNEL_SUBJECT);
    expect(channel.topUnseen.map((u) => u.value).sort()).toEqual(['new-0', 'new-1', 'new-2']);
    expect(channel.statistics.unseenShare).toBeGreaterThan(0.05);
  });

  it('gives the coarse bins the statistics use, with bounds and shares', async () => {
    const subjects = driftPageView(await driftingSource(), 'fast').evaluation?.subjects ?? [];
    const numeric = named(subjects, 'f02');
    expect(numeric.bins).toHaveLength(10);
    expect(numeric.bins[0]?.lower).toBeNull();
    expect(numeric.bins[9]?.upper).toBeNull();
    numeric.bins.slice(1).forEach((bin, i) => {
      expect(bin.lower).toBe(numeric.bins[i]?.upper);
      expect(bin.upper === null || bin.upper > (bin.lower as number)).toBe(true);
    });
    expect(numeric.bins[0]?.label).toMatch(/^\[−∞, -?\d/);
    expect(numeric.bins.reduce((sum, bin) => sum + bin.referenceCount, 0)).toBe(20_000);
    expect(numeric.bins.reduce((sum, bin) => sum + bin.currentCount, 0)).toBe(1200);
    expect(numeric.bins.reduce((sum, bin) => sum + bin.currentShare, 0)).toBeCloseTo(1, 12);
    // Deciles of the reference: a tenth of it in each.
    for (const bin of numeric.bins) expect(bin.referenceShare).toBeCloseTo(0.1, 3);

    const channel = named(subjects, CHANNEL_SUBJECT);
    expect(channel.bins.map((bin) => bin.label)).toEqual([
      'pos',
      'ecom',
      'atm',
      'moto',
      '__OTHER__',
      '__UNSEEN__',
    ]);
    expect(channel.bins.every((bin) => bin.lower === null && bin.upper === null)).toBe(true);
    const unseenBin = channel.bins.at(-1);
    expect(unseenBin?.referenceCount).toBe(0);
    expect(unseenBin?.currentShare).toBeCloseTo(channel.statistics.unseenShare ?? NaN, 12);
    expect(named(subjects, SCORE_SUBJECT)).toMatchObject({ source: 'score', kind: 'numeric' });
  });

  it('has no evaluation before the first one', () => {
    const view = driftPageView(
      { identity: TEST_IDENTITY, snapshot: { fast: null, slow: null, alerts: [] } },
      'fast',
    );
    expect(view).toEqual({
      ...FAST_PAGE_OF_SIM,
      evaluation: null,
      alerts: [],
    });
  });
});
