/**
 * The fault-test harness itself, before any test trusts it: a broker of its own that survives
 * SIGKILL and a restart on the same ports with its records intact, and an independent counter
 * (Python confluent-kafka) that finds every key written before and after the crash.
 */
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/io/kafka/index.js';
import {
  countRecords,
  duplicatedKeys,
  missingKeys,
  unexpectedKeys,
  type TopicCount,
} from '../harness/independent-count.js';
import { createTopic, uniqueName, uniqueTopicName } from '../harness/kafka-test-helpers.js';
import { startKillableBroker, type KillableBroker } from '../harness/killable-broker.js';
import { quietLogger } from '../harness/scoring-fixtures.js';

const partitions = 3;
const beforeCrash = 2_000;
const afterCrash = 1_000;

let broker: KillableBroker;

beforeAll(async () => {
  broker = await startKillableBroker();
});

afterAll(async () => {
  await broker?.stop();
});

function eventIds(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `event-${from + index}`);
}

/** Sends keyed records in chunks, each acknowledged by the broker (acks=all) before the next. */
async function produceKeyed(producer: Producer, topic: string, keys: readonly string[]) {
  for (let start = 0; start < keys.length; start += 500) {
    const messages = keys
      .slice(start, start + 500)
      .map((key) => ({ key, value: JSON.stringify({ event_id: key }) }));
    await producer.send({ topic, acks: -1, messages });
  }
}

describe('fault harness', () => {
  it('keeps every record through a SIGKILL and a restart, as counted independently', async () => {
    const topic = uniqueTopicName('fault-harness');
    await createTopic(broker.brokers, topic, partitions);
    const kafka = createKafkaClient(
      { brokers: [broker.brokers], clientId: uniqueName('fault-harness') },
      quietLogger(),
    );
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const first = eventIds(0, beforeCrash);
      await produceKeyed(producer, topic, first);

      const pidBefore = broker.pid();
      await broker.kill();
      expect(broker.pid()).toBeUndefined();
      await broker.restart();
      expect(broker.pid()).not.toBe(pidBefore);

      // The same producer, reconnecting to the same address after the crash.
      const second = eventIds(beforeCrash, afterCrash);
      await produceKeyed(producer, topic, second);

      const count = await countRecords({ brokers: broker.brokers, topics: [topic] });
      const counted = count.topics[topic] as TopicCount;
      const expected = [...first, ...second];
      expect(missingKeys(expected, counted).slice(0, 10)).toEqual([]);
      expect(duplicatedKeys(counted).slice(0, 10)).toEqual([]);
      expect(unexpectedKeys(expected, counted).slice(0, 10)).toEqual([]);
      expect(counted).toMatchObject({
        partitions,
        records: beforeCrash + afterCrash,
        nullKeys: 0,
        withValue: beforeCrash + afterCrash,
        errorClasses: {},
        withoutValue: [],
        messages: [],
      });
      expect(Object.keys(counted.keys)).toHaveLength(beforeCrash + afterCrash);
    } finally {
      await producer.disconnect();
    }
  });
});
