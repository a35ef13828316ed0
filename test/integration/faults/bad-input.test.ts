/**
 * Hostile input, as an attacker would send it, among ordinary events: every event id must end
 * in the output or in the DLQ (with its value whenever the DLQ topic can hold it), counted by
 * an independent client (Python confluent-kafka), and scoring must not stop.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createService, type Service } from '../../../src/engine/index.js';
import { MAX_JSON_NESTING_DEPTH } from '../../../src/io/index.js';
import type { Topology } from '../../../src/topology/index.js';
import { countRecords, type TopicCount } from '../../harness/independent-count.js';
import { createTestKafka, recordCount } from '../../harness/kafka-test-helpers.js';
import {
  createScoringTopics,
  generateTransactions,
  KAFKA_CLIENTS,
  loadFraudTopology,
  produceRoundRobin,
  quietLogger,
  type ScoringTopics,
} from '../../harness/scoring-fixtures.js';
import { waitFor } from '../../harness/wait-for.js';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const running: Service[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop(10_000)));
});

async function startScoring(topology: Topology): Promise<Service> {
  const service = createService({ topology, logger: quietLogger(), httpPort: 0 });
  running.push(service);
  await service.start();
  return service;
}

/** One keyed input record: the key is the event id the independent count looks for. */
interface InputRecord {
  readonly key: string;
  readonly value: Buffer | string;
}

/** Normal transactions, keyed by their transaction id. */
function normalEvents(count: number, seed: number): InputRecord[] {
  return generateTransactions(count, seed).map((event) => ({
    key: event.transaction_id,
    value: JSON.stringify(event),
  }));
}

/** Spreads `hostile` evenly among `normal`, so each lands beside innocent neighbours. */
function interleave(normal: InputRecord[], hostile: InputRecord[]): InputRecord[] {
  const mixed: InputRecord[] = [];
  const every = Math.max(1, Math.floor(normal.length / Math.max(1, hostile.length)));
  let next = 0;
  normal.forEach((record, index) => {
    if (index % every === 0 && next < hostile.length) mixed.push(hostile[next++] as InputRecord);
    mixed.push(record);
  });
  while (next < hostile.length) mixed.push(hostile[next++] as InputRecord);
  return mixed;
}

async function produce(topics: ScoringTopics, partitions: number, records: InputRecord[]) {
  await produceRoundRobin(
    kafka,
    topics.input,
    partitions,
    records.map((record) => record.value),
    (index) => records[index]?.key ?? null,
  );
}

/** Waits until output and DLQ together hold `total` records, then counts them independently. */
async function countWhenDone(topics: ScoringTopics, total: number, timeoutMs: number) {
  const both = [topics.output, topics.deadLetter];
  await waitFor(
    async () => (await recordCount(kafka, both)) >= total,
    `${total} records in output and DLQ`,
    timeoutMs,
  );
  const count = await countRecords({ brokers, topics: both });
  return {
    output: count.topics[topics.output] as TopicCount,
    deadLetter: count.topics[topics.deadLetter] as TopicCount,
  };
}

/** Every key of `records` is in exactly one of output and DLQ, exactly once. */
function expectEachKeyOnce(records: InputRecord[], output: TopicCount, deadLetter: TopicCount) {
  const missing: string[] = [];
  const twice: string[] = [];
  for (const { key } of records) {
    const seen = (output.keys[key] ?? 0) + (deadLetter.keys[key] ?? 0);
    if (seen === 0) missing.push(key);
    if (seen > 1) twice.push(key);
  }
  expect(missing.slice(0, 10), `${missing.length} keys missing`).toEqual([]);
  expect(twice.slice(0, 10), `${twice.length} keys twice`).toEqual([]);
}

describe.each(KAFKA_CLIENTS)('hostile input with %s', (client) => {
  it('dead-letters a valid ~1 MiB event whose scored record the output topic refuses, and scores on', async () => {
    const partitions = 3;
    // Broker defaults (1,048,588 bytes) on output and DLQ, as a user's topics would have them.
    const topics = await createScoringTopics(brokers, 'mib', partitions, {
      output: 1_048_588,
      deadLetter: 1_048_588,
    });
    const topology = await loadFraudTopology(brokers, topics, { client });
    const normal = normalEvents(3_000, 21);
    const [template] = generateTransactions(1, 99);
    const large = JSON.stringify({ ...template, transaction_id: 'large-1', note: '' });
    const padded = large.replace('"note":""', `"note":"${'n'.repeat(1_048_400 - large.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(1_048_400);
    expect(Buffer.byteLength(padded)).toBeLessThan(topology.input.maxRecordBytes);
    const hostile = [{ key: 'large-1', value: padded }];
    const records = interleave(normal, hostile);
    await produce(topics, partitions, records);
    await startScoring(topology);

    const { output, deadLetter } = await countWhenDone(topics, records.length, 90_000);
    expectEachKeyOnce(records, output, deadLetter);
    expect(output.records).toBe(normal.length);
    expect(deadLetter.errorClasses).toEqual({ OUTPUT_TOO_LARGE: 1 });
    // Its dead letter does not fit the DLQ topic either: key, reason, length and hash remain.
    expect(deadLetter.withoutValue).toEqual([
      { key: 'large-1', valueLength: 1_048_400, hasSha256: true },
    ]);
  });

  it('keeps the value of every one of 20,000 random-byte records in the DLQ', async () => {
    const partitions = 3;
    // The DLQ at the broker's default limit: one fetch's dead letters together exceed it.
    const topics = await createScoringTopics(brokers, 'junk', partitions, {
      deadLetter: 1_048_588,
    });
    const topology = await loadFraudTopology(brokers, topics, { client });
    const normal = normalEvents(2_000, 22);
    const junk: InputRecord[] = Array.from({ length: 20_000 }, (_, index) => ({
      key: `junk-${index}`,
      // Up to 1,000 random bytes: mostly invalid UTF-8, some by chance valid but not JSON.
      value: randomBytes(1 + (index % 1_000)),
    }));
    const records = interleave(normal, junk);
    await produce(topics, partitions, records);
    await startScoring(topology);

    const { output, deadLetter } = await countWhenDone(topics, records.length, 120_000);
    expectEachKeyOnce(records, output, deadLetter);
    expect(output.records).toBe(normal.length);
    expect(deadLetter.errorClasses).toEqual({ DECODE_FAILED: junk.length });
    expect(deadLetter.withValue).toBe(junk.length);
    expect(deadLetter.withoutValue).toEqual([]);
  });

  it('dead-letters 100k-deep nesting and invalid UTF-8 alone, never their batch neighbours', async () => {
    const partitions = 2;
    const topics = await createScoringTopics(brokers, 'deep', partitions);
    const topology = await loadFraudTopology(brokers, topics, { client });
    const normal = normalEvents(6_000, 23);
    const templates = generateTransactions(60, 98);
    const scoreField = topology.output.scoreField;
    const hostile: InputRecord[] = templates.map((event, index) => {
      const key = `hostile-${index}`;
      const base = JSON.stringify({ ...event, transaction_id: key });
      if (index % 3 === 0) {
        // Invalid UTF-8 inside a string of an otherwise valid event.
        const [head, tail] = base.split(`"${key}"`) as [string, string];
        return {
          key,
          value: Buffer.concat([
            Buffer.from(`${head}"${key}`),
            Buffer.from([0xc3, 0x28]),
            Buffer.from(`"${tail}`),
          ]),
        };
      }
      // 100,000 levels, in the score field itself (the event is then re-encoded whole).
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      return { key, value: `${base.slice(0, -1)},"${scoreField}":${deep}}` };
    });
    const records = interleave(normal, hostile);
    await produce(topics, partitions, records);
    await startScoring(topology);

    const { output, deadLetter } = await countWhenDone(topics, records.length, 90_000);
    expectEachKeyOnce(records, output, deadLetter);
    expect(output.records).toBe(normal.length);
    expect(deadLetter.errorClasses).toEqual({ DECODE_FAILED: hostile.length });
    expect(deadLetter.withValue).toBe(hostile.length);
    expect(
      deadLetter.messages.some((message) =>
        message.includes(`nesting deeper than ${MAX_JSON_NESTING_DEPTH} levels`),
      ),
    ).toBe(true);
    expect(deadLetter.messages.some((message) => message.includes('not valid UTF-8'))).toBe(true);
  });
});
