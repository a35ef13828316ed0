/**
 * The webhook sink against a real HTTP server on loopback: grouped notifications as JSON,
 * retries after 5xx and timeouts, final 4xx, a bounded queue that drops the oldest, a bounded
 * stop, and a URL that never reaches a log line.
 */
import { once } from 'node:events';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookSink,
  notificationPayloads,
  type WebhookSink,
} from '../../src/drift/index.js';
import { type DriftOutcome, type WebhookDelivery } from '../../src/drift/alerts/index.js';
import { createDriftAlertMetrics, type DriftAlertMetrics } from '../../src/observability/index.js';
import { Secret } from '../../src/topology/index.js';
import {
  createSimulatedStream,
  createTestEvaluator,
  evaluateTicks,
  simulatedProfile,
  TEST_IDENTITY,
} from '../harness/drift-simulation.js';
import { startReceiver } from '../harness/webhook-receiver.js';

const FAST_DELIVERY: WebhookDelivery = {
  timeoutMs: 300,
  maxAttempts: 4,
  initialBackoffMs: 20,
  maxBackoffMs: 100,
  queueCapacity: 10,
};

/** An outcome of a round with nothing to say: the generic sink tests post its tick only. */
function outcomeAt(tickMs: number): DriftOutcome {
  return {
    identity: TEST_IDENTITY,
    tickMs,
    evaluations: [],
    changes: [],
    alerts: [],
    notification: null,
    retrainRequests: [],
  };
}

const tickPayloads = (outcome: DriftOutcome) => [
  { id: `tick-${outcome.tickMs}`, body: { tick: outcome.tickMs } },
];

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function counter(metrics: DriftAlertMetrics, name: keyof DriftAlertMetrics, labels: object) {
  const values = (await metrics[name].get()).values;
  return (
    values.find((value) =>
      Object.entries(labels).every(
        ([key, wanted]) => (value.labels as Record<string, unknown>)[key] === wanted,
      ),
    )?.value ?? 0
  );
}

const servers: Server[] = [];
const sinks: WebhookSink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.stop(100)));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

function sinkFor(
  url: string,
  options: {
    delivery?: Partial<WebhookDelivery>;
    payloads?: (outcome: DriftOutcome) => { id: string; body: unknown }[];
    logs?: string[];
  } = {},
) {
  const metrics = createDriftAlertMetrics(new Registry());
  const logs = options.logs ?? [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const sink = createWebhookSink({
    name: 'alerts',
    url: new Secret(url),
    payloads: options.payloads ?? tickPayloads,
    delivery: { ...FAST_DELIVERY, ...options.delivery },
    metrics,
    logger,
  });
  sinks.push(sink);
  return { sink, metrics, logs };
}

describe('the webhook sink', () => {
  it('receives one grouped notification when a feature drifts, and one when it resolves', async () => {
    const receiver = await startReceiver();
    servers.push(receiver.server);
    const profile = simulatedProfile({ numericFeatures: 4, referenceEvents: 20_000, seed: 31 });
    const source = createSimulatedStream({
      profile,
      seed: 32,
      shiftAt: (startMs) => (startMs >= 5000 && startMs < 10_000 ? { mean: { f02: 0.5 } } : {}),
    });
    const { sink } = sinkFor(receiver.url, { payloads: notificationPayloads });
    const { evaluator } = createTestEvaluator({ profile, source, sinks: [sink] });

    // f02 drifts from 5 s to 10 s: it fires, and both scopes resolve by the 100th round.
    const outcomes = await evaluateTicks(evaluator, 4, 100);
    const sent = outcomes.flatMap((o) => (o.notification === null ? [] : [o.notification]));
    expect(sent.map((notification) => notification.status)).toEqual(['firing', 'resolved']);
    await sink.stop(5000);
    expect(receiver.received).toHaveLength(2);
    const [firing, resolved] = receiver.received;
    expect(firing?.path).toBe('/hooks/T123/secret-token');
    expect(firing?.headers['content-type']).toBe('application/json');
    expect(firing?.headers['idempotency-key']).toBe(sent[0]?.id);
    expect(firing?.body).toMatchObject({
      format: 'streamscore-drift-notification',
      status: 'firing',
      model: { name: 'sim', version: 1 },
      alerts: [{ event: 'firing', subject: 'f02', check: 'drift', state: 'FIRING' }],
      reportUrl: 'http://127.0.0.1:9464/drift',
    });
    expect((firing?.body as { alerts: unknown[] }).alerts).toHaveLength(1);
    expect(resolved?.body).toMatchObject({
      status: 'resolved',
      alerts: [{ event: 'resolved', subject: 'f02', state: 'OK' }],
    });
  });

  it('retries after a 500 with backoff, with the same idempotency key', async () => {
    const receiver = await startReceiver();
    servers.push(receiver.server);
    receiver.answerWith((_, response) =>
      response.writeHead(receiver.received.length <= 2 ? 500 : 204).end(),
    );
    const { sink, metrics } = sinkFor(receiver.url);
    sink.deliver(outcomeAt(1000));
    await waitFor(() => receiver.received.length === 3);
    await sink.stop(2000);
    expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual([
      'tick-1000',
      'tick-1000',
      'tick-1000',
    ]);
    expect(await counter(metrics, 'webhookRetries', { sink: 'alerts' })).toBe(2);
    expect(await counter(metrics, 'webhookDeliveries', { outcome: 'delivered' })).toBe(1);
  });

  it('times out a hanging request and delivers on the next attempt', async () => {
    const receiver = await startReceiver();
    servers.push(receiver.server);
    // The first request never gets an answer; later ones do.
    receiver.answerWith((_, response) => {
      if (receiver.received.length > 1) response.writeHead(200).end();
    });
    const { sink, metrics, logs } = sinkFor(receiver.url);
    const started = performance.now();
    sink.deliver(outcomeAt(2000));
    // Queuing is all deliver does: evaluation never waits for the webhook.
    expect(performance.now() - started).toBeLessThan(20);
    await waitFor(() => receiver.received.length === 2);
    await sink.stop(2000);
    expect(await counter(metrics, 'webhookDeliveries', { outcome: 'delivered' })).toBe(1);
    expect(logs.join('')).toContain('"reason":"timeout"');
  });

  it('gives up after maxAttempts and takes a 4xx answer as final', async () => {
    const receiver = await startReceiver();
    servers.push(receiver.server);
    receiver.answerWith((request, response) =>
      response.writeHead((request.body as { tick: number }).tick === 1 ? 503 : 400).end(),
    );
    const { sink, metrics } = sinkFor(receiver.url, { delivery: { maxAttempts: 3 } });
    sink.deliver(outcomeAt(1));
    sink.deliver(outcomeAt(2));
    await waitFor(() => receiver.received.length === 4);
    await sink.stop(2000);
    expect(receiver.received.map((r) => (r.body as { tick: number }).tick)).toEqual([1, 1, 1, 2]);
    expect(await counter(metrics, 'webhookDeliveries', { outcome: 'failed' })).toBe(1);
    expect(await counter(metrics, 'webhookDeliveries', { outcome: 'rejected' })).toBe(1);
  });

  it('drops the oldest payloads when the queue is full, and counts them', async () => {
    const receiver = await startReceiver();
    servers.push(receiver.server);
    const held: ServerResponse[] = [];
    receiver.answerWith((_, response) => held.push(response));
    const { sink, metrics } = sinkFor(receiver.url, {
      delivery: { queueCapacity: 2, timeoutMs: 5000 },
    });
    for (let tick = 1; tick <= 5; tick++) sink.deliver(outcomeAt(tick));
    expect(await counter(metrics, 'webhookDropped', { reason: 'queue_full' })).toBe(3);
    await waitFor(() => held.length === 1);
    // One payload in flight (4), one waiting (5).
    expect(await counter(metrics, 'webhookQueueDepth', { sink: 'alerts' })).toBe(1);
    receiver.answerWith((_, response) => response.writeHead(200).end());
    held[0]?.writeHead(200).end();
    await waitFor(() => receiver.received.length === 2);
    await sink.stop(2000);
    expect(receiver.received.map((r) => (r.body as { tick: number }).tick)).toEqual([4, 5]);
  });

  it('stops within its deadline when the webhook hangs, dropping what is left', async () => {
    const receiver = await startReceiver();
    servers.push(receiver.server);
    receiver.answerWith(() => undefined);
    const { sink, metrics } = sinkFor(receiver.url, { delivery: { timeoutMs: 10_000 } });
    sink.deliver(outcomeAt(1));
    sink.deliver(outcomeAt(2));
    await waitFor(() => receiver.received.length === 1);
    const started = performance.now();
    await sink.stop(200);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await counter(metrics, 'webhookDropped', { reason: 'shutdown' })).toBe(2);
  });

  it('never writes the URL to a log line, even when the host cannot be reached', async () => {
    const receiver = await startReceiver();
    const { port } = receiver.server.address() as AddressInfo;
    receiver.server.close();
    await once(receiver.server, 'close');
    const logs: string[] = [];
    const { sink, metrics } = sinkFor(`http://127.0.0.1:${port}/hooks/T123/secret-token`, {
      delivery: { maxAttempts: 2 },
      logs,
    });
    sink.deliver(outcomeAt(1));
    await waitFor(() => logs.some((line) => line.includes('payload given up')));
    await sink.stop(1000);
    expect(await counter(metrics, 'webhookDeliveries', { outcome: 'failed' })).toBe(1);
    expect(logs.join('')).toContain('ECONNREFUSED');
    expect(logs.join('')).not.toContain('secret-token');
    expect(logs.join('')).not.toContain(`${port}`);
  });
});
