/**
 * Small helpers for tests against the harness broker. Each test makes its own topics and
 * groups with unique names (as kafkajs's own suite does), so tests never see each other's data.
 */
import { Kafka, logLevel, type Consumer, type IHeaders, type KafkaMessage } from 'kafkajs';
import { uniqueName } from './unique-name.js';

export { uniqueName };

export function uniqueTopicName(label: string): string {
  return uniqueName(`test-${label}`);
}

export function uniqueGroupId(label: string): string {
  return uniqueName(`group-${label}`);
}

/**
 * A kafkajs client for `brokers`. Silent by default: kafkajs logs retriable broker answers
 * (coordinator loading, concurrent transactions) at ERROR, which would bury real failures;
 * failed assertions and rejected promises carry what matters.
 */
export function createTestKafka(
  brokers: string,
  options: { clientId?: string; level?: logLevel } = {},
): Kafka {
  return new Kafka({
    clientId: options.clientId ?? uniqueName('streamscore-test'),
    brokers: [brokers],
    logLevel: options.level ?? logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 10 },
  });
}

/**
 * A consumer in `groupId` tuned for tests: fetches return after 250 ms instead of kafkajs's
 * 5 s long poll, which `consumer.stop()` would otherwise sit out after the last record.
 */
export function createTestConsumer(kafka: Kafka, groupId: string): Consumer {
  return kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
}

/** Creates `topic` with `partitions` partitions and waits until every partition has a leader. */
export async function createTopic(brokers: string, topic: string, partitions = 1): Promise<void> {
  const admin = createTestKafka(brokers).admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    if (!created) throw new Error(`topic ${topic} already exists`);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const found = metadata.topics[0]?.partitions.length ?? 0;
    if (found !== partitions) {
      throw new Error(`topic ${topic} has ${found} partitions, expected ${partitions}`);
    }
  } finally {
    await admin.disconnect();
  }
}

/** A consumed record with its bytes decoded as UTF-8, for assertions. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

export function toConsumedRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers: headersAsStrings(message.headers),
  };
}

export function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value)
      ? value.map((item) => item.toString()).join(',')
      : value.toString();
  }
  return result;
}

/**
 * Subscribes a connected consumer to `topic` and collects records until `count` have arrived
 * or `until` accepts one, then stops it (the caller disconnects it). Rejects after `timeoutMs` with what it has collected so far.
 */
export async function consumeRecords(
  consumer: Consumer,
  options: {
    readonly topic: string;
    readonly count?: number;
    readonly until?: (record: ConsumedRecord, collected: readonly ConsumedRecord[]) => boolean;
    readonly autoCommit?: boolean;
    /** Runs while the consumer is still a group member, e.g. to commit offsets by hand. */
    readonly beforeStop?: () => Promise<void>;
    readonly timeoutMs?: number;
  },
): Promise<ConsumedRecord[]> {
  const { topic, count, until, timeoutMs = 30_000 } = options;
  if (count === undefined && until === undefined) throw new Error('give count or until');
  const collected: ConsumedRecord[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  let complete = false;

  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: options.autoCommit ?? true,
    eachMessage: async ({ partition, message }) => {
      if (complete) return;
      const record = toConsumedRecord(topic, partition, message);
      collected.push(record);
      if ((count !== undefined && collected.length >= count) || until?.(record, collected)) {
        complete = true;
        done();
      }
    },
  });

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `consumed ${collected.length}${count === undefined ? '' : `/${count}`} records from ${topic} in ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([finished, timedOut]);
    await options.beforeStop?.();
  } finally {
    clearTimeout(timer);
    await consumer.stop();
  }
  return collected;
}

/** Groups records by partition, each list in consumption order. */
export function byPartition(records: readonly ConsumedRecord[]): Map<number, ConsumedRecord[]> {
  const groups = new Map<number, ConsumedRecord[]>();
  for (const record of records) {
    const group = groups.get(record.partition) ?? [];
    group.push(record);
    groups.set(record.partition, group);
  }
  return groups;
}

/** Collects every record of `topic`, from the beginning, into `records` until stopped. */
export async function followTopic(
  kafka: Kafka,
  topic: string,
): Promise<{ readonly records: ConsumedRecord[]; stop(): Promise<void> }> {
  const consumer = createTestConsumer(kafka, uniqueGroupId('follow'));
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push(toConsumedRecord(topic, partition, message));
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** Records in `topics` by their partitions' high watermarks (one admin request each, no consumer). */
export async function recordCount(kafka: Kafka, topics: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      for (const partition of await admin.fetchTopicOffsets(topic)) {
        total += Number(partition.high) - Number(partition.low);
      }
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}
