/**
 * The bench's own Kafka chores: topics made fresh for each scenario, a synthetic backlog
 * pre-loaded once, and record counts read from partition offsets. Counting by offsets costs
 * one small admin request and no consumer, so watching an output topic takes nothing from the
 * system under test on a small machine.
 */
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { createKafkaClient } from '../src/io/index.js';
import type { Logger } from '../src/observability/index.js';
import { createTransactionGenerator } from '../tools/synthetic/index.js';

export function createBenchKafka(
  brokers: string,
  logger: Logger,
  clientId = 'streamscore-bench',
): Kafka {
  // Retriable broker answers (coordinator loading) are logged at ERROR by kafkajs; failures
  // that matter reach the bench as rejected calls.
  return createKafkaClient({ brokers: [brokers], clientId }, logger, {
    silent: true,
    retry: { initialRetryTime: 100, retries: 10 },
  });
}

export interface BenchTopic {
  readonly name: string;
  readonly partitions: number;
  /**
   * Have the broker stamp each record with its append time (LogAppendTime): the moment the
   * record became readable, on the same clock as the producer's CreateTime of the input.
   */
  readonly logAppendTime?: boolean;
}

export async function createTopics(admin: Admin, topics: readonly BenchTopic[]): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({
      topic: topic.name,
      numPartitions: topic.partitions,
      replicationFactor: 1,
      configEntries: topic.logAppendTime
        ? [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]
        : [],
    })),
  });
}

/** Deletes topics a scenario no longer needs, so a long run does not fill the disk. */
export async function deleteTopics(admin: Admin, names: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((name) => existing.has(name));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 30_000 });
}

/** Records in the topic, all partitions: the sum of high watermark − log start offset. */
export async function countRecords(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  let total = 0;
  for (const partition of offsets) total += Number(partition.high) - Number(partition.low);
  return total;
}

/** JSON-encoded synthetic card transactions, `count` of them, chunk by chunk. */
export function* encodedTransactions(
  count: number,
  seed: number,
  chunkSize: number,
): Generator<Array<{ key: string; value: Buffer }>> {
  const generator = createTransactionGenerator({ seed });
  for (let done = 0; done < count; done += chunkSize) {
    const events = generator.nextBatch(Math.min(chunkSize, count - done));
    yield events.map((event) => ({
      key: event.card_id,
      value: Buffer.from(JSON.stringify(event), 'utf8'),
    }));
  }
}

export interface PreloadResult {
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
}

/**
 * Writes `count` synthetic transactions to `topic`, round-robin over its partitions, keyed by
 * card. A few sends stay in flight so the broker, not the round trip, sets the pace.
 */
export async function preloadBacklog(
  kafka: Kafka,
  topic: BenchTopic,
  count: number,
  options: { readonly seed: number; readonly onProgress?: (records: number) => void },
): Promise<PreloadResult> {
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  // About 1,000 records per partition per request keeps each record batch far below the
  // broker's 1 MB message.max.bytes.
  const chunkSize = 1_000 * topic.partitions;
  const maxInFlight = 4;
  const inFlight = new Set<Promise<unknown>>();
  let records = 0;
  let bytes = 0;
  try {
    for (const chunk of encodedTransactions(count, options.seed, chunkSize)) {
      const messages: Message[] = chunk.map((record, index) => {
        bytes += record.value.length;
        return { ...record, partition: (records + index) % topic.partitions };
      });
      records += chunk.length;
      const sent = producer.send({ topic: topic.name, messages, acks: 1 });
      inFlight.add(sent);
      void sent.then(
        () => inFlight.delete(sent),
        () => undefined,
      );
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      options.onProgress?.(records);
    }
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  return { records, bytes, seconds: (performance.now() - started) / 1000 };
}
