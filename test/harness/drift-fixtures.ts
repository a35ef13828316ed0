/**
 * Set-up for drift side-stream tests against the harness broker and redis-server: scored events
 * produced to a scored topic (with the bad records a real topic may hold), the counts a single
 * pass over them gives, and the window counters a run left in Redis.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { Kafka, Message } from 'kafkajs';
import { expect } from 'vitest';
import { parseDocument } from 'yaml';
import { createDriftWindowAccumulator, type DriftWindowing } from '../../src/drift/window/index.js';
import { type LiveReferenceProfile } from '../../src/drift/index.js';
import { HEADERS } from '../../src/io/index.js';
import type { FeatureSpec } from '../../src/topology/index.js';
import type { ScoredEvent } from './scored-events.js';

/** Counters per window key. */
export type WindowCounters = Map<string, ReadonlyMap<string, number>>;

/**
 * topologies/fraud.yaml with the drift side stream enabled, written to `dir` (its model
 * registry made absolute), with any further drift settings given. Kafka addresses and topics
 * still come from the environment.
 */
export async function writeDriftTopology(
  dir: string,
  options: {
    readonly name: string;
    /** Omit to keep the counts in memory (one process). */
    readonly redisUrl?: string;
    readonly windowMs: number;
    readonly flushIntervalMs: number;
    /** More of the `drift` mapping (evaluation, alerting, webhookUrl: '${VAR}', ...). */
    readonly settings?: Readonly<Record<string, unknown>>;
  },
): Promise<string> {
  const document = parseDocument(await readFile('topologies/fraud.yaml', 'utf8'));
  document.set('name', options.name);
  document.setIn(['model', 'registry'], resolve('models'));
  document.set('drift', {
    enabled: true,
    windowMs: options.windowMs,
    flushIntervalMs: options.flushIntervalMs,
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    ...options.settings,
  });
  const file = join(dir, `${options.name}.yaml`);
  await writeFile(file, document.toString());
  return file;
}

/**
 * Produces the scored events round-robin over `partitions`, as the scoring pipeline writes
 * them (model and input-timestamp headers; every 10th relies on the record timestamp instead),
 * with four records drift must not count after every 100th event: a tombstone, bytes that are
 * not JSON, an event scored by another model version, and a record without the model header.
 * Events go out in chunks of `chunk`, `pauseMs` apart.
 */
export async function produceScoredEvents(
  kafka: Kafka,
  topic: string,
  partitions: number,
  events: readonly ScoredEvent[],
  pacing: { readonly chunk: number; readonly pauseMs: number } = { chunk: 2_000, pauseMs: 0 },
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let start = 0; start < events.length; start += pacing.chunk) {
      const messages: Message[] = [];
      events.slice(start, start + pacing.chunk).forEach(({ event, timestampMs }, i) => {
        const index = start + i;
        const partition = index % partitions;
        const timestamp = String(timestampMs);
        const headers = {
          [HEADERS.modelVersion]: 'fraud@1',
          ...(index % 10 === 3 ? {} : { [HEADERS.sourceTimestamp]: timestamp }),
        };
        messages.push({ value: JSON.stringify(event), headers, partition, timestamp });
        if (index % 100 !== 99) return;
        messages.push(
          { value: null, headers, partition, timestamp },
          { value: '{"amount": 1', headers, partition, timestamp },
          {
            value: JSON.stringify(event),
            headers: { ...headers, [HEADERS.modelVersion]: 'fraud@2' },
            partition,
            timestamp,
          },
          { value: JSON.stringify(event), partition, timestamp },
        );
      });
      await producer.send({ topic, messages, acks: -1 });
      if (pacing.pauseMs > 0) await new Promise((done) => setTimeout(done, pacing.pauseMs));
    }
  } finally {
    await producer.disconnect();
  }
}

/** The window counters of one pass over `events` (in any order: counts add). */
export function singlePassCounters(
  profile: LiveReferenceProfile,
  features: readonly FeatureSpec[],
  windowing: DriftWindowing,
  events: readonly ScoredEvent[],
): WindowCounters {
  const accumulator = createDriftWindowAccumulator({
    topic: 'single-pass',
    features,
    model: profile.model,
    subjects: profile.subjects,
    windowing,
  });
  events.forEach(({ event, timestampMs }, offset) =>
    accumulator.add(0, offset, timestampMs, event),
  );
  const [update] = accumulator.flush();
  return new Map(update?.windows ?? []);
}

/** Every window hash under a Redis store's key prefix. */
export async function storedWindowCounters(
  redis: Redis,
  keyPrefix: string,
): Promise<WindowCounters> {
  const windowPrefix = `${keyPrefix}:window:`;
  const keys = await redis.keys(`${windowPrefix}*`);
  const windows: WindowCounters = new Map();
  for (const key of keys) {
    const stored = await redis.hgetall(key);
    windows.set(
      key.slice(windowPrefix.length),
      new Map(Object.entries(stored).map(([name, value]) => [name, Number(value)])),
    );
  }
  return windows;
}

/** The last offset of every partition of `topic`. */
export async function lastOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map(({ partition, high }) => [partition, Number(high) - 1]));
  } finally {
    await admin.disconnect();
  }
}

/** The same windows and counters; integer counts exactly, moment sums up to float rounding. */
export function expectSameWindowCounters(actual: WindowCounters, expected: WindowCounters): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [window, counters] of expected) {
    const stored = actual.get(window) as ReadonlyMap<string, number>;
    expect([...stored.keys()].sort(), window).toEqual([...counters.keys()].sort());
    for (const [name, value] of counters) {
      const got = stored.get(name) as number;
      if (/:(sum|sumsq)$/.test(name)) {
        expect(Math.abs(got - value), `${window} ${name}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(value)),
        );
      } else {
        expect(got, `${window} ${name}`).toBe(value);
      }
    }
  }
}
