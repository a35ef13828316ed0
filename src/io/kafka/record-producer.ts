/**
 * What the sinks need from a Kafka producer, whichever client is behind it: a send that
 * resolves once the broker acknowledged every record (acks=all) and rejects with the client's
 * error otherwise. Retrying, chunking and size limits are the sink's.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { OutgoingRecord } from './kafka-records.js';

export interface RecordProducer {
  connect(): Promise<void>;
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export function createKafkajsProducer(kafka: Kafka): RecordProducer {
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    // Outputs name their partition; only dead letters are placed by key, with Kafka's murmur2.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    async send(topic, records) {
      await producer.send({ topic, messages: records as OutgoingRecord[], acks: -1 });
    },
    disconnect: () => producer.disconnect(),
  };
}
