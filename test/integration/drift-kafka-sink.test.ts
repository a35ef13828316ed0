/**
 * The Kafka drift sink against the harness broker: it creates the compacted alert topic and the
 * retrain topic, writes every alert change keyed by fingerprint (in order) and each retraining
 * request keyed by its idempotency key — driven by a real evaluator over a simulated stream,
 * beside a real webhook, as the drift side stream runs them.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALERT_HEADERS, type DriftOutcome } from '../../src/drift/alerts/index.js';
import {
  createKafkaDriftSink,
  createWebhookSink,
  notificationPayloads,
} from '../../src/drift/index.js';
import { SCORE_SUBJECT } from '../../src/drift/reference/index.js';
import { createDriftAlertMetrics } from '../../src/observability/index.js';
import { Secret } from '../../src/topology/index.js';
import {
  createSimulatedStream,
  createTestEvaluator,
  evaluateTicks,
  simulatedProfile,
} from '../harness/drift-simulation.js';
import {
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  uniqueGroupId,
  uniqueTopicName,
  type ConsumedRecord,
} from '../harness/kafka-test-helpers.js';

const brokers = inject('kafkaBrokers');
const logger = pino({ level: 'silent' });

async function readAll(topic: string, count: number): Promise<ConsumedRecord[]> {
  const kafka = createTestKafka(brokers);
  const consumer = createTestConsumer(kafka, uniqueGroupId('drift-sink'));
  await consumer.connect();
  try {
    return await consumeRecords(consumer, { topic, count });
  } finally {
    await consumer.disconnect();
  }
}

function sinkWriting(
  alertTopic: string,
  retrainTopic: string,
  metrics = createDriftAlertMetrics(new Registry()),
) {
  return createKafkaDriftSink({
    kafka: createTestKafka(brokers),
    alertTopic,
    retrainTopic,
    metrics,
    logger,
  });
}

describe('the Kafka drift sink', () => {
  const admin = createTestKafka(brokers).admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates the alert topic compacted, and the retrain topic', async () => {
    const alertTopic = uniqueTopicName('drift-alerts');
    const retrainTopic = uniqueTopicName('retrain');
    const sink = sinkWriting(alertTopic, retrainTopic);
    await sink.start();
    await sink.stop();
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([alertTopic, retrainTopic]));
    const described = await admin.describeConfigs({
      resources: [
        { type: 2, name: alertTopic, configNames: ['cleanup.policy'] },
        { type: 2, name: retrainTopic, configNames: ['cleanup.policy'] },
      ],
      includeSynonyms: false,
    });
    const policies = described.resources.map(
      (resource) =>
        resource.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue,
    );
    expect(policies).toEqual(['compact', 'delete']);
    // A second start (another instance, a restart) finds them and goes on.
    const again = sinkWriting(alertTopic, retrainTopic);
    await again.start();
    await again.stop();
  });

  it('holds every alert keyed by fingerprint and the retraining request, beside the webhook', async () => {
    const alertTopic = uniqueTopicName('drift-alerts');
    const retrainTopic = uniqueTopicName('retrain');
    const metrics = createDriftAlertMetrics(new Registry());
    const kafkaSink = sinkWriting(alertTopic, retrainTopic, metrics);
    await kafkaSink.start();

    const posted: unknown[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        posted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(200).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const webhook = createWebhookSink({
      name: 'alerts',
      url: new Secret(`http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`),
      payloads: notificationPayloads,
      delivery: {
        timeoutMs: 2000,
        maxAttempts: 3,
        initialBackoffMs: 50,
        maxBackoffMs: 200,
        queueCapacity: 10,
      },
      metrics,
      logger,
    });

    // The score drifts from 5 s on: alerts fire, and 2 s at critical later, retraining.
    const profile = simulatedProfile({ numericFeatures: 3, referenceEvents: 20_000, seed: 41 });
    const source = createSimulatedStream({
      profile,
      seed: 42,
      shiftAt: (startMs) => (startMs >= 5000 ? { mean: { [SCORE_SUBJECT]: 1.5 } } : {}),
    });
    const { evaluator } = createTestEvaluator({
      profile,
      source,
      sinks: [kafkaSink, webhook],
      metrics,
    });
    const outcomes = await evaluateTicks(evaluator, 4, 60);
    await webhook.stop(5000);
    await kafkaSink.stop(10_000);
    server.close();

    const changes = outcomes.flatMap((outcome) => outcome.changes);
    const records = await readAll(alertTopic, changes.length);
    expect(records).toHaveLength(changes.length);
    // Keyed by fingerprint, each alert's records in the order of its changes.
    const scoreFast = changes.find(
      (c) => c.alert.subject === SCORE_SUBJECT && c.alert.scope === 'fast',
    )?.alert.fingerprint as string;
    const ofScore = records.filter((record) => record.key === scoreFast);
    expect(ofScore.map((record) => JSON.parse(record.value ?? 'null').state)).toEqual(
      changes.filter((c) => c.alert.fingerprint === scoreFast).map((c) => c.alert.state),
    );
    const latest = JSON.parse(ofScore.at(-1)?.value ?? 'null');
    expect(latest).toMatchObject({
      fingerprint: scoreFast,
      class: 'drift',
      model: 'sim',
      scope: 'fast',
      subject: SCORE_SUBJECT,
      check: 'drift',
      state: 'FIRING',
      level: 'critical',
      samples: { current: 1200 },
      reportUrl: 'http://127.0.0.1:9464/drift?scope=fast#__score__',
    });
    expect(latest.statistics.psi).toBeGreaterThan(0.25);
    const firingRecord = ofScore.find((record) => record.headers[ALERT_HEADERS.event] === 'firing');
    expect(firingRecord?.headers).toMatchObject({
      [ALERT_HEADERS.model]: 'sim@1',
      [ALERT_HEADERS.state]: 'FIRING',
    });

    // Exactly one retraining request, keyed by its idempotency key.
    const requests = outcomes.flatMap((outcome: DriftOutcome) => outcome.retrainRequests);
    expect(requests).toHaveLength(1);
    const [retrain] = await readAll(retrainTopic, 1);
    expect(retrain?.key).toBe(requests[0]?.idempotencyKey);
    expect(JSON.parse(retrain?.value ?? 'null')).toMatchObject({
      format: 'streamscore-retrain-request',
      idempotencyKey: requests[0]?.idempotencyKey,
      rule: 'score_drift',
      dataRange: { topic: 'sim.scored' },
    });

    // The webhook got the grouped notification of the same alerts.
    expect(posted).toHaveLength(1);
    const [notification] = posted as { status: string; alerts: { subject: string }[] }[];
    expect(notification?.status).toBe('firing');
    expect(notification?.alerts[0]).toMatchObject({ subject: SCORE_SUBJECT, check: 'drift' });
    expect(await metrics.sinkFailures.get()).toMatchObject({ values: [] });
  });
});
