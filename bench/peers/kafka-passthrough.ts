/**
 * The Kafka ceiling: consume → produce of the very same records with kafkajs, nothing decoded,
 * no model. What a competent kafkajs program does at best here: whole fetched batches sent in
 * one request each, every input partition in flight at once, offsets committed after the
 * output is acknowledged (at-least-once, like streamscore). Run by the bench as a process.
 *
 * With BENCH_OUTPUT_SHAPE=scored it writes records shaped like streamscore's output instead:
 * the value with a score object appended and the provenance headers. Still no decode and no
 * model, so the gap between the two runs is what kafkajs charges for the output's shape alone.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import { HEADERS } from '../../src/io/index.js';
import { connectPeerClients } from './peer-environment.js';

const { env, kafka, consumer, producer } = await connectPeerClients('bench-kafka-passthrough');
const admin = kafka.admin();
await admin.connect();
const inputPartitions = (await admin.fetchTopicMetadata({ topics: [env.inputTopic] })).topics[0]
  ?.partitions.length;
await admin.disconnect();

const scoredShape = process.env['BENCH_OUTPUT_SHAPE'] === 'scored';
// What streamscore appends to a fraud event, with a typical score.
const scoreSuffix = Buffer.from(
  ',"fraud":{"probability":0.012345678,"label":0,"model":"fraud","version":1,"scoredAt":"2026-11-23T12:00:00.000Z"}}',
);

/** Output records per request stay below the broker's message.max.bytes (1 MiB), as streamscore's do. */
const MAX_REQUEST_BYTES = 512 * 1024;

function scored(message: KafkaMessage, topic: string, partition: number): Message {
  return {
    key: message.key,
    value: Buffer.concat([(message.value as Buffer).subarray(0, -1), scoreSuffix]),
    partition,
    headers: {
      [HEADERS.sourceTopic]: topic,
      [HEADERS.sourcePartition]: String(partition),
      [HEADERS.sourceOffset]: message.offset,
      [HEADERS.modelVersion]: 'fraud@1',
    },
  };
}

await consumer.subscribe({ topic: env.inputTopic, fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: inputPartitions ?? 1,
  eachBatch: async ({ batch }) => {
    if (!scoredShape) {
      await producer.send({
        topic: env.outputTopic,
        acks: -1,
        messages: batch.messages.map((message) => ({
          key: message.key,
          value: message.value,
          partition: batch.partition,
        })),
      });
      return;
    }
    // A fetched batch may hold a full megabyte; with the appended score it would exceed it.
    let request: Message[] = [];
    let bytes = 0;
    for (const message of batch.messages) {
      const record = scored(message, batch.topic, batch.partition);
      bytes += (record.value as Buffer).length;
      request.push(record);
      if (bytes >= MAX_REQUEST_BYTES) {
        await producer.send({ topic: env.outputTopic, acks: -1, messages: request });
        request = [];
        bytes = 0;
      }
    }
    if (request.length > 0) {
      await producer.send({ topic: env.outputTopic, acks: -1, messages: request });
    }
  },
});
