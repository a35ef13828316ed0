/**
 * Records as streamscore's I/O layer hands them out and takes them in, whichever Kafka client
 * is behind it. The shapes are kafkajs's (its `KafkaMessage` and `Message` are these without
 * copying); the @platformatic/kafka adapter converts at the edge.
 */

/** Header values by name; a repeated header has an array of values. */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** One record as a source hands it out. */
export interface SourceRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Decimal, as Kafka clients give offsets. */
  readonly offset: string;
  /** Epoch milliseconds, decimal. */
  readonly timestamp: string;
  readonly headers?: RecordHeaders;
}

/** One record to produce. Without a partition, it is placed by its key (Kafka's murmur2). */
export interface OutgoingRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: RecordHeaders;
}
