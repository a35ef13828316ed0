/**
 * The drift side stream against the harness broker and redis-server: window counts are the same
 * whatever the number of drift consumers, and a consumer killed mid-window and restarted, or a
 * group re-reading the whole topic, never counts an event twice.
 * The process test needs the built CLI (`npm test` builds first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createDriftConsumer,
  histogramEvents,
  type DriftConsumer,
  type LiveReferenceProfile,
} from '../../src/drift/index.js';
import {
  driftGroupId,
  referenceBinningId,
  type DriftWindowing,
} from '../../src/drift/window/index.js';
import { createRedisWindowCountStore, type WindowCountStore } from '../../src/state/index.js';
import type { FeatureSpec, Topology } from '../../src/topology/index.js';
import {
  expectSameWindowCounters,
  lastOffsets,
  produceScoredEvents,
  singlePassCounters,
  storedWindowCounters,
  writeDriftTopology,
} from '../harness/drift-fixtures.js';
import { HEADERS } from '../../src/io/index.js';
import {
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  uniqueGroupId,
  uniqueName,
} from '../harness/kafka-test-helpers.js';
import { fraudLiveProfile, scoredFraudEvents } from '../harness/scored-events.js';
import { startScorerProcess, type ScorerProcess } from '../harness/scorer-process.js';
import { waitFor } from '../harness/wait-for.js';
import {
  createScoringTopics,
  fraudTopologyEnv,
  generateTransactions,
  loadFraudTopology,
  produceRoundRobin,
  quietLogger,
  type ScoringTopics,
} from '../harness/scoring-fixtures.js';

const brokers = inject('kafkaBrokers');
const redisUrl = inject('redisUrl');
const kafka = createTestKafka(brokers);
const WINDOW_MS = 60_000;
/**
 * The first event's time: the start of a minute shortly before now. Not a fixed date: the broker
 * deletes records whose timestamps are older than its retention (7 days) when it next checks.
 */
const START_MS = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 10 * WINDOW_MS;

let redis: Redis;
let profile: LiveReferenceProfile;
let windowing: DriftWindowing;
const redisClients: Redis[] = [];
const consumers: DriftConsumer[] = [];
const processes: ScorerProcess[] = [];
const directories: string[] = [];

beforeAll(async () => {
  redis = new Redis(redisUrl);
  profile = await fraudLiveProfile();
  windowing = {
    model: 'fraud@1',
    binningId: referenceBinningId(profile.subjects),
    windowMs: WINDOW_MS,
  };
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop(5_000)));
  for (const scorer of processes.splice(0)) {
    scorer.child.kill('SIGKILL');
    await scorer.exited;
  }
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.all([redis, ...redisClients].map((client) => client.quit()));
});

function redisStore(keyPrefix: string): WindowCountStore {
  const client = new Redis(redisUrl);
  redisClients.push(client);
  return createRedisWindowCountStore({ redis: client, keyPrefix, windowTtlSeconds: 3600 });
}

/** The fraud topology on `topics` with drift on: one-minute windows, 200 ms flushes. */
async function driftTopology(topics: ScoringTopics): Promise<Topology> {
  const topology = await loadFraudTopology(brokers, topics);
  return {
    ...topology,
    drift: { ...topology.drift, enabled: true, windowMs: WINDOW_MS, flushIntervalMs: 200 },
  };
}

/**
 * A drift topology file for `topics` (Redis, one-minute windows, 200 ms flushes) under a fresh
 * name, the store its process writes to, and a starter for `streamscore run` processes on it.
 */
async function driftProcessSetup(topics: ScoringTopics, label: string, args: readonly string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-drift-'));
  directories.push(dir);
  const name = uniqueName(label);
  const file = await writeDriftTopology(dir, {
    name,
    redisUrl,
    windowMs: WINDOW_MS,
    flushIntervalMs: 200,
  });
  const keyPrefix = `streamscore:drift:${name}`;
  const start = async () => {
    const scorer = await startScorerProcess(file, fraudTopologyEnv(brokers, topics), args);
    processes.push(scorer);
    // A restart waits out the killed member's session (30 s) before it joins.
    await scorer.waitReady(90_000);
    return scorer;
  };
  return { keyPrefix, store: redisStore(keyPrefix), start };
}

async function startConsumer(topology: Topology, store: WindowCountStore) {
  const consumer = createDriftConsumer({
    topology,
    profile,
    store,
    logger: quietLogger(),
    registry: new Registry(),
  });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

/** Waits until the store's fence of every partition of `topic` is at its (final) last offset. */
async function waitAllApplied(store: WindowCountStore, topic: string, who: string): Promise<void> {
  const ends = await lastOffsets(kafka, topic);
  await waitFor(async () => {
    for (const [partition, last] of ends) {
      if ((await store.appliedOffset(topic, partition)) < last) return false;
    }
    return true;
  }, `${who} to count everything`);
}

describe('drift consumer (real Kafka, real Redis)', () => {
  it('counts the same whether one drift consumer or three share the scored topic', async () => {
    const partitions = 3;
    const topics = await createScoringTopics(brokers, 'drift-split', partitions);
    const events = scoredFraudEvents(9_000, { seed: 17, startMs: START_MS, spacingMs: 20 });
    const features: readonly FeatureSpec[] = (await driftTopology(topics)).features;
    const expected = singlePassCounters(profile, features, windowing, events);
    expect(expected.size).toBe(3);

    await produceScoredEvents(kafka, topics.output, partitions, events.slice(0, 3_000));
    // One consumer alone in its group…
    const single = await driftTopology(topics);
    const singlePrefix = uniqueName('streamscore:test:drift-single');
    const singleStore = redisStore(singlePrefix);
    await startConsumer(single, singleStore);
    // …and three in another, joining while events arrive, so partitions move between them.
    const shared = await driftTopology({ ...topics, group: `${topics.group}-three` });
    const sharedPrefix = uniqueName('streamscore:test:drift-three');
    const sharedStores = [
      redisStore(sharedPrefix),
      redisStore(sharedPrefix),
      redisStore(sharedPrefix),
    ];
    await startConsumer(shared, sharedStores[0]!);
    const producing = produceScoredEvents(kafka, topics.output, partitions, events.slice(3_000), {
      chunk: 500,
      pauseMs: 150,
    });
    await startConsumer(shared, sharedStores[1]!);
    await startConsumer(shared, sharedStores[2]!);
    await producing;

    await waitAllApplied(singleStore, topics.output, 'the single consumer');
    await waitAllApplied(sharedStores[0]!, topics.output, 'the three consumers');
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop(10_000)));

    expectSameWindowCounters(await storedWindowCounters(redis, singlePrefix), expected);
    expectSameWindowCounters(await storedWindowCounters(redis, sharedPrefix), expected);
  });

  it('reads merged window histograms for a time range', async () => {
    const topics = await createScoringTopics(brokers, 'drift-read', 2);
    const events = scoredFraudEvents(3_000, { seed: 23, startMs: START_MS, spacingMs: 50 });
    await produceScoredEvents(kafka, topics.output, 2, events);
    const topology = await driftTopology(topics);
    const store = redisStore(uniqueName('streamscore:test:drift-read'));
    const consumer = await startConsumer(topology, store);
    await waitAllApplied(store, topics.output, 'the consumer');
    expect(consumer.notReady()).toBeUndefined();

    // 3 000 events 50 ms apart: 1 200 a minute in minutes 0 and 1, 600 in minute 2.
    const score = async (fromMinute: number, toMinute: number) => {
      const histograms = await consumer.readWindows(
        START_MS + fromMinute * WINDOW_MS,
        START_MS + toMinute * WINDOW_MS,
      );
      expect([...histograms.keys()]).toEqual(profile.subjects.map((subject) => subject.name));
      return histogramEvents(histograms.get('__score__')!);
    };
    expect(await score(0, 3)).toBe(3_000);
    expect(await score(1, 2)).toBe(1_200);
    expect(await score(2, 10)).toBe(600);
    expect(await score(-5, 0)).toBe(0);
    const country = (await consumer.readWindows(START_MS, START_MS + 3 * WINDOW_MS)).get(
      'merchant_country',
    )!;
    expect(country.unseenValues.get('JP')).toBe(20);
  });

  it('does not double count after a SIGKILL mid-window, a restart, and a full re-read', async () => {
    const partitions = 3;
    const topics = await createScoringTopics(brokers, 'drift-kill', partitions);
    const { keyPrefix, store, start } = await driftProcessSetup(topics, 'drift-kill', [
      '--only',
      'drift',
    ]);
    // 12 000 events 10 ms apart: two minutes of event time, so the kill lands mid-window.
    const events = scoredFraudEvents(12_000, { seed: 31, startMs: START_MS, spacingMs: 10 });
    const features = (await driftTopology(topics)).features;
    const expected = singlePassCounters(profile, features, windowing, events);

    await produceScoredEvents(kafka, topics.output, partitions, events.slice(0, 2_000));
    const first = await start();
    const producing = produceScoredEvents(kafka, topics.output, partitions, events.slice(2_000), {
      chunk: 250,
      pauseMs: 40,
    });
    await waitFor(
      async () => ((await first.metric('streamscore_drift_events_counted_total')) ?? 0) >= 4_000,
      'first counts',
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const stored = await storedWindowCounters(redis, keyPrefix);
    expect(stored.size).toBeGreaterThan(0);

    // The killed member holds its partitions until its session times out (30 s).
    const second = await start();
    await producing;
    await waitAllApplied(store, topics.output, 'the restarted consumer');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expectSameWindowCounters(await storedWindowCounters(redis, keyPrefix), expected);

    // Rewind the drift group to the start: everything is read again and nothing is added.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({
      groupId: driftGroupId(await driftTopology(topics)),
      topic: topics.output,
      earliest: true,
    });
    await admin.disconnect();
    const third = await start();
    const records = [...(await lastOffsets(kafka, topics.output)).values()].reduce(
      (sum, last) => sum + last + 1,
      0,
    );
    await waitFor(
      async () =>
        (await third.metric('streamscore_drift_records_skipped_total', {
          reason: 'already-counted',
        })) === records,
      'the full re-read',
    );
    expect(await third.metric('streamscore_drift_events_counted_total')).toBe(0);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expectSameWindowCounters(await storedWindowCounters(redis, keyPrefix), expected);
  });

  it('counts what the scoring pipeline writes when scoring and drift run in one process', async () => {
    const partitions = 2;
    const count = 3_000;
    const topics = await createScoringTopics(brokers, 'drift-both', partitions);
    const { keyPrefix, store, start } = await driftProcessSetup(topics, 'drift-both', []);
    await produceRoundRobin(
      kafka,
      topics.input,
      partitions,
      generateTransactions(count, 41).map((event) => JSON.stringify(event)),
    );
    const scorer = await start();
    const outputs = await consumeRecords(createTestConsumer(kafka, uniqueGroupId('drift-both')), {
      topic: topics.output,
      count,
    });
    await waitAllApplied(store, topics.output, 'the drift consumer');
    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);

    // Windows of the input records' timestamps, counted from the outputs as they were written.
    const features = (await driftTopology(topics)).features;
    const expected = singlePassCounters(
      profile,
      features,
      windowing,
      outputs.map((record) => ({
        event: JSON.parse(record.value ?? '') as Record<string, unknown>,
        timestampMs: Number(record.headers[HEADERS.sourceTimestamp]),
      })),
    );
    expect(outputs.every((record) => Number(record.headers[HEADERS.sourceTimestamp]) > 0)).toBe(
      true,
    );
    expectSameWindowCounters(await storedWindowCounters(redis, keyPrefix), expected);
    const score = [...expected.values()].reduce(
      (sum, counters) => sum + (counters.get('__score__:n') ?? 0),
      0,
    );
    expect(score).toBe(count);
  });
});
