/**
 * Drift alerting end to end: `streamscore run` processes (scoring and drift) on the harness
 * broker and redis-server, fed live card transactions, with drift windows short enough to judge
 * within seconds (1 s count windows; fast evaluation over 4 s every second, slow over 8 s every
 * 2 s), a real webhook on loopback, and the alert and retrain topics read back.
 *
 * The stationary stream draws from the population the reference profile was built from; drift
 * is a shift of that population. Needs the built CLI (`npm test` builds first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { alertFingerprint } from '../../src/drift/alerts/index.js';
import { referenceProfileId } from '../../src/drift/index.js';
import {
  createTransactionSampler,
  fraudHoldoutPopulation,
  type CardTransaction,
} from '../../tools/synthetic/index.js';
import { writeDriftTopology } from '../harness/drift-fixtures.js';
import {
  createTestKafka,
  followTopic,
  uniqueName,
  uniqueTopicName,
  type ConsumedRecord,
} from '../harness/kafka-test-helpers.js';
import { fraudLiveProfile } from '../harness/scored-events.js';
import { startScorerProcess, type ScorerProcess } from '../harness/scorer-process.js';
import { createScoringTopics, fraudTopologyEnv } from '../harness/scoring-fixtures.js';
import { waitFor } from '../harness/wait-for.js';
import { startReceiver } from '../harness/webhook-receiver.js';

const brokers = inject('kafkaBrokers');
const redisUrl = inject('redisUrl');
const kafka = createTestKafka(brokers);

const RATE_PER_SECOND = 1_000;
const FAST = { windowMs: 4_000, everyMs: 1_000 };
/** Standard deviation of log1p(amount), the amount_log feature before standardising (fraud.yaml). */
const AMOUNT_LOG_SD = 1.0796;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const population = fraudHoldoutPopulation();

/**
 * Topics, webhook receivers and a drift topology at test speed under fresh names (counts in
 * Redis when `store.redisUrl` is given, in memory otherwise), and a starter for
 * `streamscore run` processes on them.
 */
/** The test cadence: 1 s count windows, fast evaluation over 4 s every second, slow over 8 s. */
const TEST_TIMING = {
  windowMs: 1_000,
  flushIntervalMs: 200,
  evaluation: { fast: FAST, slow: { windowMs: 8_000, everyMs: 2_000 } },
};

async function driftRun(
  label: string,
  store: { readonly redisUrl?: string },
  timing: typeof TEST_TIMING = TEST_TIMING,
) {
  const topics = await createScoringTopics(brokers, label, 2);
  const alertTopic = uniqueTopicName(`${label}-alerts`);
  const retrainTopic = uniqueTopicName(`${label}-retrain`);
  const alerts = await startReceiver();
  const retrain = await startReceiver();
  cleanups.push(async () => {
    alerts.server.closeAllConnections();
    retrain.server.closeAllConnections();
    alerts.server.close();
    retrain.server.close();
  });
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-drift-alerting-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = await writeDriftTopology(dir, {
    name: uniqueName(label),
    ...store,
    windowMs: timing.windowMs,
    flushIntervalMs: timing.flushIntervalMs,
    settings: {
      evaluation: timing.evaluation,
      // News after the first notification waits longer than any test runs.
      alerting: { groupWaitMs: 2_000, groupIntervalMs: 300_000, repeatIntervalMs: 600_000 },
      retrain: { sustainMs: 3_000, cooldownMs: 600_000 },
      alertTopic,
      retrainTopic,
      webhookUrl: '${DRIFT_WEBHOOK_URL}',
      retrainWebhookUrl: '${RETRAIN_WEBHOOK_URL}',
      webhook: { timeoutMs: 2_000, maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 500 },
    },
  });
  const env = {
    ...fraudTopologyEnv(brokers, topics),
    DRIFT_WEBHOOK_URL: alerts.url,
    RETRAIN_WEBHOOK_URL: retrain.url,
  };
  const start = async () => {
    const scorer = await startScorerProcess(file, env);
    cleanups.push(async () => {
      scorer.child.kill('SIGKILL');
      await scorer.exited;
    });
    return scorer;
  };
  const producer = kafka.producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const alertRecords = async () => {
    const followed = await followTopic(kafka, alertTopic);
    cleanups.push(followed.stop);
    return followed.records;
  };
  return { topics, alertTopic, retrainTopic, alerts, retrain, start, producer, alertRecords };
}

/**
 * Sends live transactions (timestamped now) at `ratePerSecond`, in tenths of a second, until
 * `until` holds (checked every tenth) or `maxMs` has passed; returns when the first was sent.
 */
async function stream(
  producer: Producer,
  topic: string,
  draw: (count: number) => CardTransaction[],
  until: () => boolean | Promise<boolean>,
  maxMs: number,
  ratePerSecond = RATE_PER_SECOND,
): Promise<number> {
  const startedMs = Date.now();
  let sent = 0;
  while (!(await until()) && Date.now() - startedMs < maxMs) {
    const due = Math.floor(((Date.now() - startedMs) / 1000 + 0.1) * ratePerSecond) - sent;
    const messages = draw(due).map((event) => ({
      key: event.card_id,
      value: JSON.stringify(event),
    }));
    await producer.send({ topic, messages });
    sent += messages.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return startedMs;
}

const forMs = (ms: number) => {
  const end = Date.now() + ms;
  return () => Date.now() >= end;
};

interface AlertRecord {
  readonly fingerprint: string;
  readonly scope: string;
  readonly subject: string;
  readonly check: string;
  readonly state: string;
  readonly heldState: string;
  readonly previousState: string;
  readonly evaluatedAt: string;
}

const alertValue = (record: ConsumedRecord) => JSON.parse(record.value ?? 'null') as AlertRecord;

/** The transaction with log1p(amount) moved up by `sd` standard deviations of the feature. */
function withAmountShifted(sd: number) {
  const factor = Math.exp(sd * AMOUNT_LOG_SD);
  return (event: CardTransaction): CardTransaction => ({
    ...event,
    amount: Math.round(((1 + event.amount) * factor - 1) * 100) / 100,
  });
}

async function evaluating(scorer: ScorerProcess): Promise<number> {
  return (await scorer.metric('streamscore_drift_evaluating', { model: 'fraud' })) ?? 0;
}

async function evaluations(scorer: ScorerProcess): Promise<number> {
  return (
    (await scorer.metric('streamscore_drift_evaluations_total', {
      scope: 'fast',
      outcome: 'ok',
    })) ?? 0
  );
}

/** Fingerprints of the alerts the webhook was told are firing (not reminders, not resolutions). */
function firingPaged(pages: readonly { readonly body: unknown }[]): string[] {
  return pages.flatMap((page) =>
    (page.body as { alerts: { event: string; fingerprint: string }[] }).alerts
      .filter((alert) => alert.event === 'firing')
      .map((alert) => alert.fingerprint),
  );
}

describe('drift alerting end to end (real Kafka, real Redis, real webhook)', () => {
  it('never fires over 500 evaluations of a stationary stream', async () => {
    // 100 ms count windows; the fast evaluation covers 400 ms (about 1,200 events at
    // 3,000/s, as a production window holds thousands) every 100 ms.
    const run = await driftRun(
      'drift-stationary',
      {},
      {
        windowMs: 100,
        flushIntervalMs: 25,
        evaluation: {
          fast: { windowMs: 400, everyMs: 100 },
          slow: { windowMs: 2_000, everyMs: 500 },
        },
      },
    );
    const scorer = await run.start();
    await scorer.waitReady(90_000);
    const records = await run.alertRecords();
    const sampler = createTransactionSampler({ population, seed: 21 });
    await stream(
      run.producer,
      run.topics.input,
      (count) => sampler.nextBatch(count),
      async () => (await evaluations(scorer)) >= 500,
      150_000,
      3_000,
    );

    expect(await evaluations(scorer)).toBeGreaterThanOrEqual(500);
    const judged = await scorer.metric('drift_window_samples', {
      scope: 'fast',
      feature: 'amount_log',
    });
    expect(judged).toBeGreaterThanOrEqual(1_000);
    expect(records.map(alertValue).filter((alert) => alert.heldState === 'FIRING')).toEqual([]);
    expect(run.alerts.received).toEqual([]);
  }, 240_000);

  it('fires one grouped page for a 0.5σ shift of one feature, from one of two instances, and resolves it', async () => {
    const run = await driftRun('drift-e2e', { redisUrl });
    const instances = await Promise.all([run.start(), run.start()]);
    await Promise.all(instances.map((scorer) => scorer.waitReady(90_000)));
    await waitFor(
      async () => (await Promise.all(instances.map(evaluating))).reduce((a, b) => a + b) === 1,
      'one instance to take the evaluator lease',
      30_000,
    );
    const leader = (await evaluating(instances[0]!)) === 1 ? instances[0]! : instances[1]!;
    const follower = leader === instances[0] ? instances[1]! : instances[0]!;
    const records = await run.alertRecords();
    const sampler = createTransactionSampler({ population, seed: 11 });
    const draw = (count: number) => sampler.nextBatch(count);

    // Stationary: evaluations run, on one instance only, and nothing fires.
    await stream(run.producer, run.topics.input, draw, forMs(12_000), 12_000);
    expect(await evaluations(leader)).toBeGreaterThanOrEqual(8);
    expect(await evaluations(follower)).toBe(0);
    expect(records.filter((record) => alertValue(record).state === 'FIRING')).toEqual([]);
    expect(run.alerts.received).toEqual([]);

    // amount_log moves by 0.5σ.
    const profile = await fraudLiveProfile();
    const fingerprint = alertFingerprint({
      model: 'fraud',
      version: 1,
      reference: referenceProfileId(profile),
      scope: 'fast',
      subject: 'amount_log',
      check: 'drift',
    });
    const ofAmount = () => records.filter((record) => record.key === fingerprint).map(alertValue);
    const shift = withAmountShifted(0.5);
    const shiftedFromMs = await stream(
      run.producer,
      run.topics.input,
      (count) => draw(count).map(shift),
      () => run.alerts.received.length > 0 && ofAmount().some((a) => a.state === 'FIRING'),
      30_000,
    );
    const firing = ofAmount().find((alert) => alert.state === 'FIRING');
    expect(firing, 'amount_log FIRING on the alert topic').toBeDefined();
    // The first fast window wholly after the shift ends here; 3 of 4 breaching evaluations fire.
    const firstShiftedWindowEndMs = Math.ceil(shiftedFromMs / 1_000) * 1_000 + FAST.windowMs;
    const firedAtMs = Date.parse(firing!.evaluatedAt);
    expect(firedAtMs).toBeGreaterThan(shiftedFromMs);
    expect(firedAtMs).toBeLessThanOrEqual(firstShiftedWindowEndMs + 3 * FAST.everyMs);

    // More of the shifted stream: still one page, naming the feature.
    await stream(
      run.producer,
      run.topics.input,
      (count) => draw(count).map(shift),
      forMs(5_000),
      5_000,
    );
    expect(run.alerts.received).toHaveLength(1);
    const page = run.alerts.received[0]!.body as {
      status: string;
      alerts: { event: string; subject: string; check: string }[];
    };
    expect(page.status).toBe('firing');
    expect(page.alerts).toContainEqual(
      expect.objectContaining({ event: 'firing', subject: 'amount_log', check: 'drift' }),
    );

    // Back to the reference: the alert resolves, RESOLVING then OK on the compacted topic.
    await stream(
      run.producer,
      run.topics.input,
      draw,
      () => ofAmount().some((alert) => alert.state === 'OK'),
      60_000,
    );
    const states = ofAmount().map((alert) => alert.state);
    expect(states.slice(states.indexOf('FIRING'))).toEqual(
      expect.arrayContaining(['FIRING', 'RESOLVING', 'OK']),
    );
    expect(states.lastIndexOf('RESOLVING')).toBeLessThan(states.lastIndexOf('OK'));
    expect(ofAmount().at(-1)).toMatchObject({
      fingerprint,
      state: 'OK',
      previousState: 'RESOLVING',
    });

    // The evaluating instance stops: the other takes the lease over, and evaluates.
    leader.child.kill('SIGTERM');
    expect(await leader.exited).toBe(0);
    await waitFor(async () => (await evaluating(follower)) === 1, 'the takeover', 15_000);
    const before = await evaluations(follower);
    await stream(run.producer, run.topics.input, draw, forMs(3_000), 3_000);
    expect(await evaluations(follower)).toBeGreaterThan(before);

    // The webhook URL (it carries a token) reached no log line.
    for (const scorer of instances) expect(scorer.output()).not.toContain('secret-token');
  }, 240_000);

  it('asks for retraining exactly once while the score drifts, within the cooldown, across a restart', async () => {
    // One process without Redis: the counts stay in it, and it evaluates.
    const run = await driftRun('drift-retrain', {});
    const scorer = await run.start();
    await scorer.waitReady(90_000);
    const retrainRecords = await followTopic(kafka, run.retrainTopic);
    cleanups.push(retrainRecords.stop);
    const sampler = createTransactionSampler({ population, seed: 12 });
    await stream(
      run.producer,
      run.topics.input,
      (count) => sampler.nextBatch(count),
      forMs(6_000),
      6_000,
    );

    // A fraud wave: half of the events from the population's frauds, so the scores move.
    const frauds = createTransactionSampler({
      population: population.filter((event) => event.label.is_fraud),
      seed: 13,
    });
    const wave = (count: number) => [
      ...sampler.nextBatch(count - Math.floor(count / 2)),
      ...frauds.nextBatch(Math.floor(count / 2)),
    ];
    await stream(
      run.producer,
      run.topics.input,
      wave,
      () => retrainRecords.records.length > 0,
      40_000,
    );
    // Drifting on for longer than it took: no second request (the cooldown).
    await stream(run.producer, run.topics.input, wave, forMs(10_000), 10_000);
    expect(retrainRecords.records).toHaveLength(1);

    // A restart carries the alerts and the cooldown on from the drift topics: still drifting,
    // no second request, and no second page for an alert that already paged.
    const paged = new Set(firingPaged(run.alerts.received));
    expect(paged.size).toBeGreaterThan(0);
    const pagesBefore = run.alerts.received.length;
    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);
    const restarted = await run.start();
    await restarted.waitReady(90_000);
    await stream(run.producer, run.topics.input, wave, forMs(12_000), 12_000);
    expect(await evaluations(restarted)).toBeGreaterThanOrEqual(8);
    const pagedAgain = firingPaged(run.alerts.received.slice(pagesBefore));
    expect(pagedAgain.filter((fingerprint) => paged.has(fingerprint))).toEqual([]);
    expect(restarted.output()).toMatch(/"activeAlerts":[1-9]/);

    expect(retrainRecords.records).toHaveLength(1);
    const [record] = retrainRecords.records;
    const request = JSON.parse(record!.value ?? 'null') as {
      idempotencyKey: string;
      rule: string;
      evidence: { firingDrift: { subject: string }[] };
      dataRange: { topic: string };
    };
    expect(record!.key).toBe(request.idempotencyKey);
    expect(['score_drift', 'dataset_drift']).toContain(request.rule);
    expect(request.evidence.firingDrift.map((alert) => alert.subject)).toContain('__score__');
    expect(request.dataRange.topic).toBe(run.topics.output);
    expect(run.retrain.received).toHaveLength(1);
    expect(run.retrain.received[0]!.headers['idempotency-key']).toBe(request.idempotencyKey);
  }, 180_000);
});
