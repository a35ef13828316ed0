/**
 * The Kafka ceiling: consume → produce of the very same records with kafkajs, nothing decoded,
 * no model. What a competent kafkajs program does at best here: whole fetched batches sent in
 * one request each, every input partition in flight at once, offsets committed after the
 * output is acknowledged (at-least-once, like streamscore). Run by the bench as a process.
 */
import { connectPeerClients } from './peer-environment.js';

const { env, kafka, consumer, producer } = await connectPeerClients('bench-kafka-passthrough');
const admin = kafka.admin();
await admin.connect();
const inputPartitions = (await admin.fetchTopicMetadata({ topics: [env.inputTopic] })).topics[0]
  ?.partitions.length;
await admin.disconnect();

await consumer.subscribe({ topic: env.inputTopic, fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: inputPartitions ?? 1,
  eachBatch: async ({ batch }) => {
    await producer.send({
      topic: env.outputTopic,
      acks: -1,
      messages: batch.messages.map((message) => ({
        key: message.key,
        value: message.value,
        partition: batch.partition,
      })),
    });
  },
});
