/**
 * What the scoring path needs from a Kafka consumer, whichever client is behind it: records of
 * one topic handed out once each, in offset order per partition, with back-pressure, and
 * commits of only what the caller finished. kafkajs-source.ts and platformatic-source.ts are
 * the two implementations; kafka-clients.ts picks one from the topology.
 */
import type { Logger, NotReady } from '../../observability/index.js';
import type { SourceRecord } from './kafka-records.js';

export interface KafkaSourceOptions {
  readonly topic: string;
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly maxBytesPerPartition: number;
  /** kafkajs only: fetched batches of different partitions handed out at once. */
  readonly partitionsConsumedConcurrently: number;
  /**
   * Takes records of one partition, in offset order, and returns how many leading records it
   * took. The source pauses when fewer than all are taken; the rest are fetched again once the
   * caller resumes. Each taken record must later be passed to `complete`. The array is the
   * source's, valid during the call only (the records themselves may be kept).
   */
  readonly onRecords: (partition: number, records: readonly SourceRecord[]) => number;
  /** Called after each fetch of a partition with its lag behind the high watermark. */
  readonly onLag?: (partition: number, lag: number) => void;
  /**
   * After each join of the group, with the partitions this member now owns (lag reported for
   * others is stale: their new owner reports it).
   */
  readonly onAssigned?: (partitions: ReadonlySet<number>) => void;
  /** After each commit attempt. */
  readonly onCommit?: (outcome: 'ok' | 'failed') => void;
  /** The consumer is gone for good (its client will not restart it) while not stopping. */
  readonly onFatal: (error: Error) => void;
  /** No broker answer for this long reports `broker-unreachable`. */
  readonly brokerTimeoutMs: number;
  readonly commitIntervalMs?: number;
  readonly logger: Logger;
}

export interface KafkaSource {
  start(): Promise<void>;
  /** Stops handing out records (deferred while the consumer restarts; never throws). */
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  /** A taken record is finished (its output or dead letter is acknowledged). */
  complete(partition: number, offset: string): void;
  /** Records taken and not finished. */
  pending(): number;
  notReady(): NotReady | undefined;
  /**
   * Stops fetching, commits what is finished, leaves the group; bounded by `deadlineMs` (a
   * broker that does not answer cannot hold the process).
   */
  stop(deadlineMs: number): Promise<void>;
}
