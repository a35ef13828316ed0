import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  byPartition,
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  createTopic,
  uniqueGroupId,
  uniqueName,
  uniqueTopicName,
} from '../harness/kafka-test-helpers.js';

const brokers = inject('kafkaBrokers');

describe('kafkajs against the harness Kafka 4.x broker', () => {
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    kafka = createTestKafka(brokers);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  it('delivers keys, values and headers to a consumer group in per-partition order', async () => {
    const topic = uniqueTopicName('roundtrip');
    await createTopic(brokers, topic, 3);

    // Explicit partitions: ten records on each of the three.
    const placed: Message[] = [];
    for (let partition = 0; partition < 3; partition += 1) {
      for (let sequence = 0; sequence < 10; sequence += 1) {
        placed.push({
          partition,
          key: `placed-${partition}`,
          value: JSON.stringify({ partition, sequence }),
          headers: {
            'trace-id': `trace-${partition}-${sequence}`,
            'content-type': 'application/json',
          },
        });
      }
    }
    // Keyed only: the partitioner must keep each key on one partition, in order.
    const keyed: Message[] = [];
    for (let sequence = 0; sequence < 12; sequence += 1) {
      const card = ['card-a', 'card-b', 'card-c'][sequence % 3] as string;
      keyed.push({ key: card, value: `${card}:${sequence}`, headers: { source: 'test' } });
    }
    await producer.send({ topic, acks: -1, messages: placed });
    await producer.send({ topic, acks: -1, messages: keyed });

    const consumer = createTestConsumer(kafka, uniqueGroupId('roundtrip'));
    await consumer.connect();
    const records = await consumeRecords(consumer, { topic, count: placed.length + keyed.length });
    await consumer.disconnect();

    expect(records).toHaveLength(42);
    const partitions = byPartition(records);
    expect([...partitions.keys()].sort()).toEqual([0, 1, 2]);
    for (const [partition, list] of partitions) {
      // Offsets dense from 0: nothing lost, duplicated or reordered within a partition.
      expect(list.map((record) => record.offset)).toEqual(list.map((_, index) => index));
      const placedHere = list.filter((record) => record.key === `placed-${partition}`);
      expect(placedHere.map((record) => JSON.parse(record.value ?? 'null'))).toEqual(
        Array.from({ length: 10 }, (_, sequence) => ({ partition, sequence })),
      );
      expect(placedHere.map((record) => record.headers)).toEqual(
        Array.from({ length: 10 }, (_, sequence) => ({
          'trace-id': `trace-${partition}-${sequence}`,
          'content-type': 'application/json',
        })),
      );
    }
    for (const card of ['card-a', 'card-b', 'card-c']) {
      const ofCard = records.filter((record) => record.key === card);
      expect(new Set(ofCard.map((record) => record.partition)).size).toBe(1);
      expect(ofCard.map((record) => record.value)).toEqual(
        keyed.filter((message) => message.key === card).map((message) => message.value),
      );
      expect(ofCard.every((record) => record.headers['source'] === 'test')).toBe(true);
    }
  });

  it('resumes a consumer group right after its committed offset', async () => {
    const topic = uniqueTopicName('commit');
    const groupId = uniqueGroupId('commit');
    await createTopic(brokers, topic, 1);
    const values = (from: number, to: number): string[] =>
      Array.from({ length: to - from }, (_, index) => `v${from + index}`);
    await producer.send({ topic, acks: -1, messages: values(0, 10).map((value) => ({ value })) });

    // Reads all ten but commits only through v5: the next member must start at offset 6.
    const first = createTestConsumer(kafka, groupId);
    await first.connect();
    const firstRead = await consumeRecords(first, {
      topic,
      count: 10,
      autoCommit: false,
      beforeStop: () => first.commitOffsets([{ topic, partition: 0, offset: '6' }]),
    });
    await first.disconnect();
    expect(firstRead.map((record) => record.value)).toEqual(values(0, 10));

    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(committed).toEqual([
      { topic, partitions: [{ partition: 0, offset: '6', metadata: null }] },
    ]);

    await producer.send({ topic, acks: -1, messages: values(10, 12).map((value) => ({ value })) });
    const second = createTestConsumer(kafka, groupId);
    await second.connect();
    const secondRead = await consumeRecords(second, { topic, count: 6 });
    await second.disconnect();
    expect(secondRead.map((record) => record.value)).toEqual(values(6, 12));
    expect(secondRead.map((record) => record.offset)).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('commits and aborts transactions, with consumer offsets inside one', async () => {
    const topic = uniqueTopicName('tx-out');
    const inputTopic = uniqueTopicName('tx-in');
    const groupId = uniqueGroupId('tx');
    await createTopic(brokers, topic, 1);
    await createTopic(brokers, inputTopic, 1);

    const transactional = kafka.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await transactional.connect();
    try {
      const committed = await transactional.transaction();
      await committed.send({
        topic,
        messages: [{ value: 'committed-1' }, { value: 'committed-2' }],
      });
      await committed.commit();

      const aborted = await transactional.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted' }] });
      await aborted.abort();

      // The consume-transform-produce step of exactly-once: output and input offset together.
      const withOffsets = await transactional.transaction();
      await withOffsets.send({ topic, messages: [{ value: 'committed-3' }] });
      await withOffsets.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: inputTopic, partitions: [{ partition: 0, offset: '5' }] }],
      });
      await withOffsets.commit();
    } finally {
      await transactional.disconnect();
    }

    // read_committed (kafkajs's default) must skip the aborted record and the markers.
    const consumer = createTestConsumer(kafka, uniqueGroupId('tx-reader'));
    await consumer.connect();
    const records = await consumeRecords(consumer, {
      topic,
      until: (record) => record.value === 'committed-3',
    });
    await consumer.disconnect();
    expect(records.map((record) => record.value)).toEqual([
      'committed-1',
      'committed-2',
      'committed-3',
    ]);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [inputTopic] });
    await admin.disconnect();
    expect(offsets).toEqual([
      { topic: inputTopic, partitions: [{ partition: 0, offset: '5', metadata: null }] },
    ]);
  });
});
