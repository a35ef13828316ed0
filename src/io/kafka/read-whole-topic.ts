/**
 * Reads a topic from the beginning up to the end offsets it has when the read starts, through a
 * throwaway consumer group that commits nothing. For small topics read whole (the drift alert
 * history) and for the bench, after a measurement (never during one).
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export async function readWholeTopic(
  kafka: Kafka,
  topic: string,
  onRecord: (partition: number, message: KafkaMessage) => void,
  options: {
    /** Prefix of the throwaway consumer group's id. */
    readonly groupIdPrefix: string;
    readonly timeoutMs?: number;
  },
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<number, bigint>();
  try {
    for (const partition of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(partition.high) > BigInt(partition.low)) {
        remaining.set(partition.partition, BigInt(partition.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return 0;

  const consumer = kafka.consumer({
    groupId: `${options.groupIdPrefix}-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  let records = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = remaining.get(batch.partition);
        if (end === undefined) return;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          onRecord(batch.partition, message);
          records++;
        }
        if (BigInt(batch.lastOffset()) + 1n >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) finish();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = options.timeoutMs ?? 300_000;
    await Promise.race([
      finished,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`read ${records} records of ${topic} in ${timeoutMs} ms; gave up`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
