/**
 * Shared set-up for scoring tests against the harness broker: a fraud topology pointed at fresh
 * topics, synthetic transactions produced to them, and the reference model run directly.
 */
import type { Kafka, Message } from 'kafkajs';
import ort from 'onnxruntime-node';
import { createFeatureExtractor } from '../../src/features/index.js';
import type { KafkaClientName } from '../../src/io/index.js';
import { createLogger } from '../../src/observability/index.js';
import { createTransactionGenerator, type CardTransaction } from '../../tools/synthetic/index.js';
import { loadTopology, type Topology } from '../../src/topology/index.js';
import { createTestKafka, uniqueGroupId, uniqueTopicName } from './kafka-test-helpers.js';

export interface ScoringTopics {
  readonly input: string;
  readonly output: string;
  readonly deadLetter: string;
  readonly group: string;
}

/** The clients the Kafka contract tests run against, each on the real broker. */
export const KAFKA_CLIENTS: readonly KafkaClientName[] = ['platformatic', 'kafkajs'];

/**
 * Environment that points topologies/fraud.yaml at the harness broker and fresh topics, with
 * the given Kafka client or the topology's default.
 */
export function fraudTopologyEnv(
  brokers: string,
  topics: ScoringTopics,
  client?: KafkaClientName,
): Record<string, string> {
  return {
    ...(client === undefined ? {} : { KAFKA_CLIENT: client }),
    KAFKA_BROKERS: brokers,
    INPUT_TOPIC: topics.input,
    OUTPUT_TOPIC: topics.output,
    DLQ_TOPIC: topics.deadLetter,
    CONSUMER_GROUP: topics.group,
    METRICS_PORT: '0',
  };
}

/** Per topic `max.message.bytes`; 4 MiB for any not named. */
export interface ScoringTopicLimits {
  readonly input?: number;
  readonly output?: number;
  readonly deadLetter?: number;
}

export async function createScoringTopics(
  brokers: string,
  label: string,
  partitions: number,
  limits: ScoringTopicLimits = {},
): Promise<ScoringTopics> {
  const topics = {
    input: uniqueTopicName(`${label}-in`),
    output: uniqueTopicName(`${label}-out`),
    deadLetter: uniqueTopicName(`${label}-dlq`),
    group: uniqueGroupId(label),
  };
  // Room for the oversized-record test: a 2 MB record must reach the input and the DLQ.
  const admin = createTestKafka(brokers).admin();
  await admin.connect();
  try {
    const configEntries = (bytes = 4 * 1024 * 1024) => [
      { name: 'max.message.bytes', value: String(bytes) },
    ];
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: topics.input,
          numPartitions: partitions,
          configEntries: configEntries(limits.input),
        },
        {
          topic: topics.output,
          numPartitions: partitions,
          configEntries: configEntries(limits.output),
        },
        {
          topic: topics.deadLetter,
          numPartitions: 1,
          configEntries: configEntries(limits.deadLetter),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
  return topics;
}

export async function loadFraudTopology(
  brokers: string,
  topics: ScoringTopics,
  { file = 'topologies/fraud.yaml', client }: FraudTopologyChoice = {},
): Promise<Topology> {
  return loadTopology(file, { env: fraudTopologyEnv(brokers, topics, client) });
}

export interface FraudTopologyChoice {
  readonly file?: string;
  readonly client?: KafkaClientName;
}

export function quietLogger() {
  return createLogger({ level: (process.env['TEST_LOG_LEVEL'] as 'warn' | undefined) ?? 'warn' });
}

export function generateTransactions(count: number, seed = 7): CardTransaction[] {
  return createTransactionGenerator({ seed }).nextBatch(count);
}

/** Produces values round-robin over `partitions`, in chunks, and returns where each landed. */
export async function produceRoundRobin(
  kafka: Kafka,
  topic: string,
  partitions: number,
  values: readonly (Buffer | string)[],
  keyOf: (index: number) => string | null = () => null,
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const chunk = 2_000;
    for (let start = 0; start < values.length; start += chunk) {
      const messages: Message[] = [];
      for (let i = start; i < Math.min(values.length, start + chunk); i++) {
        messages.push({
          value: values[i] as Buffer | string,
          key: keyOf(i),
          partition: i % partitions,
        });
      }
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Fraud probabilities of the reference model run directly on the topology's features. */
export async function referenceScores(
  topology: Topology,
  modelPath: string,
  events: readonly unknown[],
): Promise<Float32Array> {
  const extractor = createFeatureExtractor(topology.features);
  const rows = new Float32Array(events.length * extractor.width);
  events.forEach((event, index) => {
    const error = extractor.extract(event, rows, index * extractor.width);
    if (error) throw new Error(`reference features failed: ${error.message}`);
  });
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const input = new ort.Tensor('float32', rows, [events.length, extractor.width]);
    const result = await session.run({ features: input });
    const probabilities = (result['probabilities'] as ort.Tensor).data as Float32Array;
    const fraud = new Float32Array(events.length);
    for (let i = 0; i < events.length; i++) fraud[i] = probabilities[i * 2 + 1] as number;
    return fraud;
  } finally {
    await session.release();
  }
}
