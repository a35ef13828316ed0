import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  createPrometheusDriftSink,
  type ReferenceProfile,
} from '../../../../../src/drift/index.js';
import { createDriftAlertMetrics } from '../../../../../src/observability/index.js';
import {
  CHANNEL_SUBJECT,
  createSimulatedStream,
  createTestEvaluator,
  evaluateTicks,
  simulatedProfile,
  type SimulatedStream,
} from '../../../../harness/drift-simulation.js';

/** The value of one series in the registry, or undefined when it is not exported. */
async function valueOf(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) =>
    Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted),
  )?.value;
}

/** An evaluator publishing to the Prometheus sink, and the registry it fills. */
function evaluatorWithGauges(source: SimulatedStream, profile: ReferenceProfile) {
  const registry = new Registry();
  const metrics = createDriftAlertMetrics(registry);
  const sink = createPrometheusDriftSink(metrics);
  const { evaluator } = createTestEvaluator({ profile, source, metrics, sinks: [sink] });
  return { evaluator, registry, sink };
}

/** A simulated stream whose feature f01 shifts by 1σ from 2 s on, and its profile. */
function f01DriftingFrom2s(numericFeatures: number): [SimulatedStream, ReferenceProfile] {
  const profile = simulatedProfile({ numericFeatures, referenceEvents: 20_000, seed: 8 });
  const source = createSimulatedStream({
    profile,
    seed: 9,
    shiftAt: (startMs) => (startMs >= 2000 ? { mean: { f01: 1 } } : {}),
  });
  return [source, profile];
}

describe('the Prometheus drift sink', () => {
  it('exports the statistics and alert state of every subject after each evaluation', async () => {
    const { evaluator, registry } = evaluatorWithGauges(...f01DriftingFrom2s(3));
    const outcomes = await evaluateTicks(evaluator, 4, 30);
    const last = outcomes.at(-1)?.evaluations[0]?.report;
    const f01 = last?.subjects.find((subject) => subject.name === 'f01');
    const fast = (feature: string) => ({ model: 'sim', version: '1', feature, scope: 'fast' });

    expect(await valueOf(registry, 'drift_psi', fast('f01'))).toBe(f01?.statistics.psi);
    expect(await valueOf(registry, 'drift_js', fast('f01'))).toBe(f01?.statistics.jensenShannon);
    expect(await valueOf(registry, 'drift_ks_d', fast('f01'))).toBe(f01?.statistics.ksD);
    expect(await valueOf(registry, 'drift_chi2_p', fast('f01'))).toBe(
      f01?.statistics.chiSquare?.pValue,
    );
    expect(await valueOf(registry, 'drift_w1', fast('f01'))).toBe(
      f01?.statistics.wassersteinNormalised,
    );
    expect(await valueOf(registry, 'drift_window_samples', fast('f01'))).toBe(1200);
    // Firing is 2; an undrifted feature is 0; the slow scope has its own series.
    expect(await valueOf(registry, 'drift_alert_state', { ...fast('f01'), check: 'drift' })).toBe(
      2,
    );
    expect(await valueOf(registry, 'drift_alert_state', { ...fast('f00'), check: 'drift' })).toBe(
      0,
    );
    expect(await valueOf(registry, 'drift_psi', { ...fast('f00'), scope: 'slow' })).toBeGreaterThan(
      0,
    );
    // No KS D for a categorical subject: the series is absent, not stale or NaN.
    expect(await valueOf(registry, 'drift_ks_d', fast(CHANNEL_SUBJECT))).toBeUndefined();
    expect(await valueOf(registry, 'drift_psi', fast(CHANNEL_SUBJECT))).toBeGreaterThanOrEqual(0);
    expect(
      await valueOf(registry, 'streamscore_drift_notifications_total', {
        model: 'sim',
        status: 'firing',
      }),
    ).toBe(1);
  });

  it('shows insufficient data as -1 while a window is too small', async () => {
    const profile = simulatedProfile({ numericFeatures: 1, referenceEvents: 5000, seed: 8 });
    const source = createSimulatedStream({ profile, windowMs: 250, eventsPerWindow: 10, seed: 9 });
    const { evaluator, registry } = evaluatorWithGauges(source, profile);
    await evaluateTicks(evaluator, 4, 5);
    expect(
      await valueOf(registry, 'drift_alert_state', {
        model: 'sim',
        version: '1',
        feature: 'f00',
        scope: 'fast',
        check: 'drift',
      }),
    ).toBe(-1);
  });

  it('withdraws every statistic and alert state when cleared, keeping the counters', async () => {
    const { evaluator, registry, sink } = evaluatorWithGauges(...f01DriftingFrom2s(2));
    await evaluateTicks(evaluator, 4, 30);
    sink.clear();
    for (const name of [
      'drift_psi',
      'drift_js',
      'drift_ks_d',
      'drift_chi2_p',
      'drift_w1',
      'drift_window_samples',
      'drift_alert_state',
    ]) {
      expect((await registry.getSingleMetric(name)?.get())?.values, name).toEqual([]);
    }
    expect(
      await valueOf(registry, 'streamscore_drift_notifications_total', {
        model: 'sim',
        status: 'firing',
      }),
    ).toBe(1);
  });
});
