/**
 * What the demo prints of drift, from a real evaluator over a simulated stream whose first
 * numeric feature shifts by 2σ: the live line's drift column before and after, and the lines
 * of the alert and retraining records the sinks would write.
 */
import { describe, expect, it } from 'vitest';
import { driftAlertToJson, retrainRequestToJson } from '../../../../src/drift/index.js';
import { SCORE_SUBJECT } from '../../../../src/drift/reference/index.js';
import { type DriftOutcome } from '../../../../src/drift/alerts/index.js';
import { alertLine, driftStatus, retrainLine } from '../../../../tools/demo/drift-lines.js';
import {
  createSimulatedStream,
  createTestEvaluator,
  evaluateTicks,
  simulatedProfile,
  TEST_IDENTITY,
} from '../../../harness/drift-simulation.js';

const profile = simulatedProfile({ numericFeatures: 2, referenceEvents: 20_000, seed: 5 });
const SHIFT_MS = 5_000;

async function run(toTick: number) {
  const source = createSimulatedStream({
    profile,
    seed: 6,
    shiftAt: (startMs) => (startMs >= SHIFT_MS ? { mean: { f00: 2, [SCORE_SUBJECT]: 2 } } : {}),
  });
  const { evaluator } = createTestEvaluator({ profile, source });
  const outcomes: DriftOutcome[] = await evaluateTicks(evaluator, 4, toTick);
  return { evaluator, outcomes };
}

describe('the demo’s drift lines', () => {
  it('show that nothing was evaluated yet', () => {
    expect(driftStatus(undefined)).toBe('drift (no evaluation yet)');
    expect(
      driftStatus({ identity: TEST_IDENTITY, snapshot: { fast: null, slow: null, alerts: [] } }),
    ).toBe('drift (no evaluation yet)');
  });

  it('show the subject furthest from its reference while nothing breaches', async () => {
    const { evaluator } = await run(16);
    expect(driftStatus({ identity: TEST_IDENTITY, snapshot: evaluator.latest() })).toMatch(
      /^drift (f00|f01|channel|__score__) PSI 0\.\d\d OK$/,
    );
  });

  it('show the worst alert once drift fires, and print its record and the retraining request', async () => {
    const { evaluator, outcomes } = await run(60);
    const status = driftStatus({ identity: TEST_IDENTITY, snapshot: evaluator.latest() });
    expect(status).toMatch(/^drift (f00|__score__) PSI \d+\.\d\d FIRING$/);

    const firing = evaluator.latest().alerts[0]!;
    expect(alertLine(driftAlertToJson(firing))).toBe(
      `FIRING    ${firing.subject} PSI ${firing.value!.toFixed(2)} critical, ${firing.scope} window (${firing.evidence.reason})`,
    );
    const [request] = outcomes.flatMap((outcome) => outcome.retrainRequests);
    const line = retrainLine(retrainRequestToJson(request!));
    expect(line).toMatch(/^(score_drift|dataset_drift) for sim@1: /);
    expect(line).toContain(
      `retrain on sim.scored from ${new Date(request!.dataRange.fromMs).toISOString()}`,
    );
    expect(line).toContain(`(idempotency key ${request!.idempotencyKey.slice(0, 16)}…)`);
  });

  it('name data-quality and dataset measures for what they are', () => {
    const alert = (subject: string, check: 'unseen' | 'drift') =>
      ({
        state: 'PENDING',
        subject,
        check,
        value: 0.0812,
        level: 'warning',
        scope: 'fast',
        reason: 'because',
      }) as Parameters<typeof alertLine>[0];
    expect(alertLine(alert('channel', 'unseen'))).toBe(
      'PENDING   channel unseen 0.08 warning, fast window (because)',
    );
    expect(alertLine(alert('__dataset__', 'drift'))).toBe(
      'PENDING   __dataset__ drifted share 0.08 warning, fast window (because)',
    );
  });
});
