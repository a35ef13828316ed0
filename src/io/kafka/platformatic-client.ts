/**
 * @platformatic/kafka behind streamscore's I/O layer: the connection settings every client of
 * it shares (with kafkajsConfig, the only places that reveal the SASL password), and the
 * producer the sinks use.
 */
import {
  compatibilityPartitioner,
  Producer,
  type BaseOptions,
  type MessageToProduce,
} from '@platformatic/kafka';
import type { KafkaConnection } from '../../topology/index.js';
import type { OutgoingRecord, RecordHeaders } from './kafka-records.js';
import type { RecordProducer } from './record-producer.js';
import { readTlsFiles } from './tls-files.js';

/** Connection, TLS and SASL settings of `connection` as @platformatic/kafka takes them. */
export function platformaticConnectionOptions(connection: KafkaConnection): BaseOptions {
  const options: BaseOptions = {
    clientId: connection.clientId,
    bootstrapBrokers: [...connection.brokers],
    // Our sinks and sources retry with their own backoff and readiness; the client's own
    // retries only cover a leader moving or a connection dropping between two requests.
    retries: 1,
    retryDelay: 250,
  };
  if (connection.tls) options.tls = readTlsFiles(connection.tls);
  if (connection.sasl) {
    const { mechanism, username, password } = connection.sasl;
    options.sasl = {
      mechanism: mechanism.toUpperCase() as 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
      username,
      password: password.reveal(),
    };
  }
  return options;
}

type WireRecord = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/** Header names seen so far, as bytes: a scored record repeats the same five. */
const headerNames = new Map<string, Buffer>();
const MAX_CACHED_HEADER_NAMES = 1_024;

function headerName(name: string): Buffer {
  let bytes = headerNames.get(name);
  if (bytes === undefined) {
    bytes = Buffer.from(name);
    if (headerNames.size < MAX_CACHED_HEADER_NAMES) headerNames.set(name, bytes);
  }
  return bytes;
}

function bytesOf(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

function wireHeaders(headers: RecordHeaders | undefined): Map<Buffer, Buffer> | undefined {
  if (headers === undefined) return undefined;
  // Keys are compared by identity, so a repeated header is one entry per value.
  const wire = new Map<Buffer, Buffer>();
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) wire.set(Buffer.from(name), bytesOf(item));
    } else wire.set(headerName(name), bytesOf(value));
  }
  return wire;
}

function wireRecord(topic: string, record: OutgoingRecord): WireRecord {
  const wire: WireRecord = { topic };
  if (record.key !== null && record.key !== undefined) wire.key = bytesOf(record.key);
  if (record.value !== null) wire.value = bytesOf(record.value);
  if (record.partition !== undefined) wire.partition = record.partition;
  const headers = wireHeaders(record.headers);
  if (headers !== undefined) wire.headers = headers;
  return wire;
}

export function createPlatformaticProducer(connection: KafkaConnection): RecordProducer {
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    ...platformaticConnectionOptions(connection),
    acks: -1,
    // Dead letters are placed by key the way the Java client (and kafkajs) place them.
    partitioner: compatibilityPartitioner,
    autocreateTopics: false,
  });
  return {
    async connect() {
      // The client connects on first use; asking for the cluster's brokers proves it can.
      await producer.metadata({ topics: [] });
    },
    async send(topic, records) {
      const messages = new Array<WireRecord>(records.length);
      for (let i = 0; i < records.length; i++) {
        messages[i] = wireRecord(topic, records[i] as OutgoingRecord);
      }
      await producer.send({ messages, acks: -1 });
    },
    disconnect: () => producer.close(),
  };
}
