/**
 * The drift side stream on the harness broker against a redis-server of this file's own, which
 * is killed (SIGKILL, then started again on the same port) or frozen (SIGSTOP past the command
 * timeout) while scored events stream in. Drift must go on reading, count every store failure,
 * report `store-unreachable` while Redis is gone and clear it after, and catch up: the windows'
 * totals end equal to one pass over the events produced, nothing lost, nothing counted twice.
 * With the freeze, an evaluator lease on the same Redis steps down within its term.
 */
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createDriftConsumer,
  type DriftConsumer,
  type LiveReferenceProfile,
} from '../../../src/drift/index.js';
import { referenceBinningId, type DriftWindowing } from '../../../src/drift/window/index.js';
import { sumPrometheusSamples, type NotReadyCondition } from '../../../src/observability/index.js';
import {
  createRedisClient,
  createRedisLease,
  createRedisWindowCountStore,
  type RedisLease,
  type WindowCountStore,
} from '../../../src/state/index.js';
import {
  expectSameWindowCounters,
  lastOffsets,
  produceScoredEvents,
  singlePassCounters,
  storedWindowCounters,
} from '../../harness/drift-fixtures.js';
import { createTestKafka, uniqueName } from '../../harness/kafka-test-helpers.js';
import { startKillableRedis, type KillableRedis } from '../../harness/killable-redis.js';
import { fraudLiveProfile, scoredFraudEvents } from '../../harness/scored-events.js';
import {
  createScoringTopics,
  loadFraudTopology,
  quietLogger,
} from '../../harness/scoring-fixtures.js';
import { waitFor } from '../../harness/wait-for.js';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const PARTITIONS = 2;
const WINDOW_MS = 60_000;
/**
 * The first event's time: the start of a minute shortly before now. Not a fixed date: the broker
 * deletes records whose timestamps are older than its retention (7 days) when it next checks.
 */
const START_MS = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 10 * WINDOW_MS;

let redisServer: KillableRedis;
let profile: LiveReferenceProfile;
let windowing: DriftWindowing;
const clients: Redis[] = [];
const consumers: DriftConsumer[] = [];
const leases: RedisLease[] = [];
const samplers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  redisServer = await startKillableRedis();
  profile = await fraudLiveProfile();
  windowing = {
    model: 'fraud@1',
    binningId: referenceBinningId(profile.subjects),
    windowMs: WINDOW_MS,
  };
});

afterEach(async () => {
  redisServer.thaw();
  for (const sampler of samplers.splice(0)) clearInterval(sampler);
  await Promise.all(leases.splice(0).map((lease) => lease.stop()));
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop(5_000)));
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  await redisServer?.stop();
});

function redisClient(): Redis {
  const client = createRedisClient(redisServer.url, quietLogger());
  clients.push(client);
  return client;
}

/**
 * A drift consumer of a fresh scored topic, counting into the dedicated Redis (200 ms flushes),
 * with its readiness sampled every 100 ms, the events to stream, and what one pass counts.
 */
async function driftOnDedicatedRedis(label: string, events: number, seed: number) {
  const topics = await createScoringTopics(brokers, label, PARTITIONS);
  const loaded = await loadFraudTopology(brokers, topics);
  const topology = {
    ...loaded,
    drift: { ...loaded.drift, enabled: true, windowMs: WINDOW_MS, flushIntervalMs: 200 },
  };
  const keyPrefix = uniqueName(`streamscore:test:${label}`);
  const store: WindowCountStore = createRedisWindowCountStore({
    redis: redisClient(),
    keyPrefix,
    windowTtlSeconds: 3600,
  });
  const registry = new Registry();
  const consumer = createDriftConsumer({
    topology,
    profile,
    store,
    logger: quietLogger(),
    registry,
  });
  consumers.push(consumer);
  const scored = scoredFraudEvents(events, { seed, startMs: START_MS, spacingMs: 20 });
  const expected = singlePassCounters(profile, topology.features, windowing, scored);

  const conditions: (NotReadyCondition | undefined)[] = [];
  samplers.push(setInterval(() => conditions.push(consumer.notReady()?.condition), 100));
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    sumPrometheusSamples(await registry.metrics(), name, labels) ?? 0;

  return {
    consumer,
    store,
    conditions,
    /** Store failures counted so far (of one operation, or all). */
    failures: (operation?: string) =>
      metric('streamscore_drift_store_failures_total', operation ? { operation } : {}),
    counted: () => metric('streamscore_drift_events_counted_total'),
    /** The first events at once, then the rest in chunks over a few seconds. */
    async startStreaming() {
      await produceScoredEvents(kafka, topics.output, PARTITIONS, scored.slice(0, 1_000));
      await consumer.start();
      return produceScoredEvents(kafka, topics.output, PARTITIONS, scored.slice(1_000), {
        chunk: 200,
        pauseMs: 250,
      });
    },
    /** Waits until the store's fence has some counts in Redis, mid-stream. */
    async waitSomeApplied() {
      await waitFor(async () => (await store.appliedOffset(topics.output, 0)) > 0, 'a flush');
    },
    /** Waits for every record to be applied, then compares the windows with one pass. */
    async expectCaughtUp() {
      const ends = await lastOffsets(kafka, topics.output);
      await waitFor(async () => {
        for (const [partition, last] of ends) {
          if ((await store.appliedOffset(topics.output, partition)) < last) return false;
        }
        return true;
      }, 'drift to count everything');
      expectSameWindowCounters(await storedWindowCounters(redisClient(), keyPrefix), expected);
    },
  };
}

describe('drift against a Redis that fails (dedicated redis-server, harness broker)', () => {
  it('catches up after Redis is SIGKILLed mid-stream and restarted', async () => {
    const drift = await driftOnDedicatedRedis('redis-kill', 6_000, 43);
    const streaming = drift.startStreaming();
    await drift.waitSomeApplied();
    expect(drift.consumer.notReady()).toBeUndefined();

    await redisServer.kill();
    const countedAtKill = await drift.counted();
    await waitFor(
      async () => drift.consumer.notReady()?.condition === 'store-unreachable',
      'drift to report its store unreachable',
      10_000,
    );
    expect(drift.consumer.notReady()?.detail).toMatch(/drift state store failing since/);
    await expect(drift.consumer.readWindows(START_MS, START_MS + WINDOW_MS)).rejects.toMatchObject({
      code: 'STATE_UNAVAILABLE',
    });
    // Reading went on while Redis was gone; those counts are flushed once it is back.
    expect(await drift.counted()).toBeGreaterThan(countedAtKill);
    await redisServer.restart();

    await waitFor(async () => drift.consumer.notReady() === undefined, 'drift ready again', 10_000);
    await streaming;
    await drift.expectCaughtUp();
    expect(await drift.failures('add-counts')).toBeGreaterThan(0);
    expect(await drift.failures('read-windows')).toBe(1);
    expect(drift.conditions).toContain('store-unreachable');
  });

  it('catches up after Redis is frozen past its command timeout, and the lease steps down in its term', async () => {
    const drift = await driftOnDedicatedRedis('redis-freeze', 6_000, 47);
    const ttlMs = 3_000;
    const changes: { held: boolean; atMs: number }[] = [];
    const lease = createRedisLease({
      redis: redisClient(),
      key: uniqueName('streamscore:test:redis-freeze:evaluator'),
      holder: 'evaluator',
      ttlMs,
      renewEveryMs: 1_000,
      onChange: async (held) => {
        changes.push({ held, atMs: performance.now() });
      },
      logger: quietLogger(),
    });
    leases.push(lease);
    lease.start();
    const streaming = drift.startStreaming();
    await drift.waitSomeApplied();
    await waitFor(async () => changes.length === 1, 'the lease taken', 5_000);

    redisServer.freeze();
    const frozenAt = performance.now();
    await waitFor(
      async () => drift.consumer.notReady()?.condition === 'store-unreachable',
      'drift to report its store unreachable',
      10_000,
    );
    expect(changes.map(({ held }) => held)).toEqual([true, false]);
    expect(changes[1]!.atMs - frozenAt).toBeLessThanOrEqual(ttlMs + 100);
    // Frozen past the socket timeout too, so the client also drops and reopens its connection.
    const frozenForMs = performance.now() - frozenAt;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 6_000 - frozenForMs)));
    redisServer.thaw();

    await waitFor(async () => drift.consumer.notReady() === undefined, 'drift ready again', 10_000);
    await streaming;
    await drift.expectCaughtUp();
    expect(await drift.failures('add-counts')).toBeGreaterThan(0);
    expect(drift.conditions).toContain('store-unreachable');
    await waitFor(async () => changes.length === 3, 'the lease taken again', 5_000);
  });
});
