/**
 * The Kafka ceiling with @platformatic/kafka: the kafkajs passthrough's scored-shape run
 * (kafka-passthrough.ts with BENCH_OUTPUT_SHAPE=scored) written with the other client. Records
 * are copied to the output topic with a score object appended and the provenance headers, no
 * decode, no model; each delivered fetch goes out in sends of at most 512 KiB (acks=all), a
 * few in flight, and the input offsets are committed once their send is acknowledged
 * (at-least-once, like streamscore). Run by the bench as a process.
 */
import { Consumer, MessagesStreamModes, Producer, type Message } from '@platformatic/kafka';
import { HEADERS } from '../../src/io/index.js';
import { exitOnSignal, readPeerEnvironment } from './peer-environment.js';

type WireMessage = Message<Buffer, Buffer, Buffer, Buffer>;

const env = readPeerEnvironment(process.env);
const connection = { clientId: 'bench-platformatic-passthrough', bootstrapBrokers: [env.brokers] };
const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
  ...connection,
  groupId: env.group,
  autocommit: false,
  maxWaitTime: 250,
});
const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({ ...connection, acks: -1 });

// What streamscore appends to a fraud event, with a typical score.
const scoreSuffix = Buffer.from(
  ',"fraud":{"probability":0.012345678,"label":0,"model":"fraud","version":1,"scoredAt":"2026-11-23T12:00:00.000Z"}}',
);
const MAX_REQUEST_BYTES = 512 * 1024;
const MAX_SENDS_IN_FLIGHT = 4;
const names = {
  topic: Buffer.from(HEADERS.sourceTopic),
  partition: Buffer.from(HEADERS.sourcePartition),
  offset: Buffer.from(HEADERS.sourceOffset),
  model: Buffer.from(HEADERS.modelVersion),
};
const inputTopic = Buffer.from(env.inputTopic);
const modelVersion = Buffer.from('fraud@1');

function scored(message: WireMessage) {
  return {
    topic: env.outputTopic,
    key: message.key,
    value: Buffer.concat([message.value.subarray(0, -1), scoreSuffix]),
    partition: message.partition,
    headers: new Map([
      [names.topic, inputTopic],
      [names.partition, Buffer.from(String(message.partition))],
      [names.offset, Buffer.from(message.offset.toString())],
      [names.model, modelVersion],
    ]),
  };
}

const stream = await consumer.consume({
  topics: [env.inputTopic],
  mode: MessagesStreamModes.EARLIEST,
  autocommit: false,
});
exitOnSignal(async () => {
  await stream.close();
  await consumer.close();
  await producer.close();
});

let delivered: WireMessage[] = [];
let flushScheduled = false;
let inFlight = 0;
/** Sends complete in order, so commits never pass a send still waiting. */
let tail: Promise<void> = Promise.resolve();

function flush(): void {
  flushScheduled = false;
  const messages = delivered;
  delivered = [];
  let request: ReturnType<typeof scored>[] = [];
  let bytes = 0;
  const next: Map<number, bigint> = new Map();
  const send = (records: ReturnType<typeof scored>[], commits: Map<number, bigint>) => {
    inFlight++;
    if (inFlight >= MAX_SENDS_IN_FLIGHT) stream.pause();
    const sent = producer.send({ messages: records });
    tail = tail.then(async () => {
      await sent;
      const offsets = [...commits].map(([partition, offset]) => ({
        topic: env.inputTopic,
        partition,
        offset,
        leaderEpoch: -1,
      }));
      await consumer.commit({ offsets });
      inFlight--;
      if (inFlight < MAX_SENDS_IN_FLIGHT) stream.resume();
    });
  };
  for (const message of messages) {
    const record = scored(message);
    request.push(record);
    bytes += record.value.length;
    next.set(message.partition, message.offset + 1n);
    if (bytes >= MAX_REQUEST_BYTES) {
      send(request, new Map(next));
      request = [];
      bytes = 0;
    }
  }
  if (request.length > 0) send(request, next);
}

stream.on('data', (message: WireMessage) => {
  delivered.push(message);
  if (!flushScheduled) {
    flushScheduled = true;
    queueMicrotask(flush);
  }
});
