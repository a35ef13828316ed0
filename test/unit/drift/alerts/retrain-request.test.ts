import { describe, expect, it } from 'vitest';
import {
  createAlertStateMachine,
  createRetrainPolicy,
  retrainIdempotencyKey,
  type DriftAlert,
  type EvaluationWindow,
  type RetrainRequest,
} from '../../../../src/drift/alerts/index.js';
import { retrainRequestToJson } from '../../../../src/drift/index.js';
import { SCORE_SUBJECT } from '../../../../src/drift/reference/index.js';
import {
  createSimulatedStream,
  createTestEvaluator,
  evaluateTicks,
  numericFeatureNames,
  simulatedProfile,
  TEST_IDENTITY,
  type StreamShift,
} from '../../../harness/drift-simulation.js';

const profile = simulatedProfile({ numericFeatures: 5, referenceEvents: 20_000, seed: 5 });
const SUSTAIN_MS = 2000;
const COOLDOWN_MS = 60_000;

/** Retraining requests over `ticks` rounds of a stream shifted from round 20 on. */
async function requestsUnder(shift: StreamShift, ticks: number): Promise<RetrainRequest[]> {
  const source = createSimulatedStream({
    profile,
    seed: 21,
    shiftAt: (startMs) => (startMs >= 20 * 250 ? shift : {}),
  });
  const { evaluator } = createTestEvaluator({
    profile,
    source,
    retrain: { sustainMs: SUSTAIN_MS, cooldownMs: COOLDOWN_MS, dataTopic: 'sim.scored' },
  });
  const outcomes = await evaluateTicks(evaluator, 4, ticks);
  return outcomes.flatMap((outcome) => outcome.retrainRequests);
}

describe('retraining requests from the evaluator', () => {
  it('sustained score drift produces exactly one request within the cooldown', async () => {
    // 220 rounds of 250 ms: 55 s of critical score drift, inside the 60 s cooldown.
    const requests = await requestsUnder({ mean: { [SCORE_SUBJECT]: 1.5 } }, 240);
    expect(requests).toHaveLength(1);
    const [request] = requests as [RetrainRequest];
    const { trigger } = request;
    expect(request).toMatchObject({ ...TEST_IDENTITY, rule: 'score_drift' });
    expect(trigger).toMatchObject({ subject: SCORE_SUBJECT, check: 'drift', state: 'FIRING' });
    expect(trigger.level).toBe('critical');
    // Not before the drift had stayed critical for the sustain time.
    expect(request.requestedAtMs - (trigger.criticalSinceMs as number)).toBeGreaterThanOrEqual(
      SUSTAIN_MS,
    );
    expect(request.requestedAtMs - (trigger.criticalSinceMs as number)).toBeLessThan(
      SUSTAIN_MS + 250,
    );
    const firstFiring = trigger.firstFiringWindow as EvaluationWindow;
    expect(request.idempotencyKey).toBe(
      retrainIdempotencyKey(TEST_IDENTITY, 'score_drift', firstFiring),
    );
    expect(request.dataRange).toEqual({
      topic: 'sim.scored',
      fromMs: firstFiring.fromMs,
      toMs: request.requestedAtMs,
    });
    expect(request.firingDrift.map((alert) => alert.subject)).toContain(SCORE_SUBJECT);
  });

  it('asks for one when most features drift at critical (dataset-level drift)', async () => {
    const mean = Object.fromEntries(numericFeatureNames(5).map((name) => [name, 1.5]));
    const requests = await requestsUnder({ mean }, 80);
    expect(requests.map((request) => [request.rule, request.trigger.subject])).toEqual([
      ['dataset_drift', '__dataset__'],
    ]);
  });

  it('never asks for one for a single feature, or for data quality', async () => {
    expect(await requestsUnder({ mean: { f01: 2 } }, 80)).toEqual([]);
    expect(await requestsUnder({ unseenChannelShare: 0.3 }, 80)).toEqual([]);
  });
});

/** A score-drift alert FIRING at critical since `atMs`, its episode first firing then. */
function criticalScoreAlert(atMs: number): DriftAlert {
  const machine = createAlertStateMachine({ identity: TEST_IDENTITY, reportUrl: 'http://a/drift' });
  const window = { scope: 'slow' as const, fromMs: atMs - 4000, toMs: atMs };
  const { changes } = machine.observe(window, atMs, [
    {
      subject: SCORE_SUBJECT,
      source: 'score',
      check: 'drift',
      level: 'critical',
      value: 0.9,
      thresholds: { warning: 0.1, critical: 0.25, minEvents: 1000, falseDiscoveryRate: 0.01 },
      evidence: {
        reason: 'PSI 0.9',
        samples: { reference: 20_000, current: 4800 },
        statistics: null,
        dataset: null,
        topUnseen: [],
      },
    },
  ]);
  return changes[0]?.alert as DriftAlert;
}

describe('the retrain policy', () => {
  const policy = () =>
    createRetrainPolicy({
      identity: TEST_IDENTITY,
      sustainMs: 1000,
      cooldownMs: 10_000,
      dataTopic: 'scored',
    });

  it('waits for the sustain time, then asks once per episode', () => {
    const retrain = policy();
    const episode = criticalScoreAlert(0);
    expect(retrain.consider([episode], 999)).toBeNull();
    const first = retrain.consider([episode], 1000);
    expect(first?.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
    // Within the cooldown: nothing; after it, the same episode is still not asked for twice.
    expect(retrain.consider([episode], 5000)).toBeNull();
    expect(retrain.consider([episode], 50_000)).toBeNull();
  });

  it('rate-limits new episodes of the model to one per cooldown', () => {
    const retrain = policy();
    const first = retrain.consider([criticalScoreAlert(0)], 1000);
    const second = criticalScoreAlert(5000);
    expect(retrain.consider([second], 10_999)).toBeNull();
    const next = retrain.consider([second], 11_000);
    expect(next).not.toBeNull();
    expect(next?.idempotencyKey).not.toBe(first?.idempotencyKey);
  });

  it('gives an episode the same key in any process', () => {
    const episode = criticalScoreAlert(0);
    expect(policy().consider([episode], 1000)?.idempotencyKey).toBe(
      policy().consider([episode], 3000)?.idempotencyKey,
    );
  });

  it('ignores alerts that are not firing at critical', () => {
    const episode = criticalScoreAlert(0);
    const retrain = policy();
    expect(retrain.consider([{ ...episode, state: 'RESOLVING' }], 5000)).toBeNull();
    expect(retrain.consider([{ ...episode, criticalSinceMs: null }], 5000)).toBeNull();
    expect(retrain.consider([{ ...episode, check: 'null_rate' }], 5000)).toBeNull();
  });

  it('writes the documented retrain event', () => {
    const request = policy().consider(
      [criticalScoreAlert(Date.UTC(2026, 0, 1))],
      Date.UTC(2026, 0, 1, 1),
    );
    const json = JSON.parse(JSON.stringify(retrainRequestToJson(request as RetrainRequest)));
    expect(Object.keys(json)).toEqual([
      'format',
      'idempotencyKey',
      'model',
      'reference',
      'rule',
      'requestedAt',
      'firstFiringWindow',
      'criticalSince',
      'evidence',
      'dataRange',
      'reportUrl',
    ]);
    expect(json).toMatchObject({
      format: 'streamscore-retrain-request',
      model: { name: 'sim', version: 1 },
      rule: 'score_drift',
      requestedAt: '2026-01-01T01:00:00.000Z',
      firstFiringWindow: {
        scope: 'slow',
        from: '2025-12-31T23:59:56.000Z',
        to: '2026-01-01T00:00:00.000Z',
      },
      criticalSince: '2026-01-01T00:00:00.000Z',
      evidence: { trigger: { subject: '__score__', value: 0.9 } },
      dataRange: {
        topic: 'scored',
        from: '2025-12-31T23:59:56.000Z',
        to: '2026-01-01T01:00:00.000Z',
      },
      reportUrl: 'http://a/drift?scope=slow#__score__',
    });
  });
});
