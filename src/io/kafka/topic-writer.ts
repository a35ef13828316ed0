/**
 * A producer for one existing topic, for the command-line tools: the broker reached within a
 * deadline, the topic checked (never auto-created) and its size limit read before the first
 * send, and every send acknowledged by all in-sync replicas.
 */
import { Partitioners, type Message } from 'kafkajs';
import { StreamscoreError } from '../../errors.js';
import type { Logger } from '../../observability/index.js';
import type { KafkaConnection } from '../../topology/index.js';
import { createKafkaClient } from './kafka-client.js';
import { kafkaErrorSummary } from './kafka-errors.js';
import { connectTopicAdmin } from './topic-admin.js';

export interface TopicWriter {
  readonly topic: string;
  /** The topic's `max.message.bytes`. */
  readonly maxMessageBytes: number;
  /** Resolves once every message is acknowledged (acks=all); PRODUCE_FAILED otherwise. */
  send(messages: Message[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface TopicWriterOptions {
  readonly connection: KafkaConnection;
  readonly topic: string;
  readonly logger: Logger;
  readonly connectTimeoutMs: number;
  /** Where the brokers were configured, for the fix of BROKER_UNREACHABLE. */
  readonly configuredBy: string;
}

/** BROKER_UNREACHABLE, TOPIC_MISSING or a writer whose sends are acknowledged. */
export async function connectTopicWriter(options: TopicWriterOptions): Promise<TopicWriter> {
  const { connection, topic, logger } = options;
  const admin = await connectTopicAdmin(options);
  let maxMessageBytes: number;
  try {
    await admin.requireTopics([topic]);
    maxMessageBytes = await admin.maxMessageBytes(topic);
  } finally {
    await admin.disconnect();
  }
  const brokers = connection.brokers.join(',');
  const producer = createKafkaClient(connection, logger).producer({
    allowAutoTopicCreation: false,
    // murmur2 of the key, as Java clients partition: a key lands where their records of it do.
    createPartitioner: Partitioners.DefaultPartitioner,
    // One request at a time: a retried batch cannot overtake the next, so records keep their order.
    maxInFlightRequests: 1,
  });
  try {
    await producer.connect();
  } catch (error) {
    throw produceFailed(`cannot connect a producer to ${brokers}`, topic, error);
  }
  return {
    topic,
    maxMessageBytes,
    async send(messages) {
      try {
        await producer.send({ topic, messages, acks: -1 });
      } catch (error) {
        throw produceFailed(`cannot write to ${topic} on ${brokers}`, topic, error);
      }
    },
    disconnect: () => producer.disconnect(),
  };
}

function produceFailed(what: string, topic: string, cause: unknown): StreamscoreError {
  return new StreamscoreError('PRODUCE_FAILED', `${what}: ${kafkaErrorSummary(cause)}`, {
    retriable: true,
    cause,
    context: { topic },
  });
}
