import type { IHeaders } from 'kafkajs';

/** One record as a source hands it out (a kafkajs `KafkaMessage` is one, without copying). */
export interface SourceRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Decimal, as Kafka clients give offsets. */
  readonly offset: string;
  /** Epoch milliseconds, decimal. */
  readonly timestamp: string;
  readonly headers?: IHeaders;
}
