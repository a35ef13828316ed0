/**
 * Acknowledged produce to one topic. A send resolves only once every record it was given is
 * acknowledged by the broker (acks=all) or refused as too large for the topic; anything else
 * (broker down, leader moving, a topic briefly unknown) is retried with capped backoff until it
 * succeeds or the sink is aborted. Records never overtake each other: chunks of one send go one
 * after another, and the caller keeps one send in flight per ordered stream.
 */
import type { Logger } from '../../observability/index.js';
import { isRecordTooLarge, kafkaErrorSummary } from './kafka-errors.js';
import type { OutgoingRecord } from './kafka-records.js';
import type { RecordProducer } from './record-producer.js';
import { recordBytes, RECORD_BATCH_OVERHEAD_BYTES, singleRecordBatchBytes } from './record-size.js';

export interface KafkaSinkOptions {
  readonly producer: RecordProducer;
  readonly topic: string;
  /** The topic's `max.message.bytes` (see `readMaxMessageBytes`). */
  readonly maxMessageBytes: number;
  /**
   * Records of one send go out in requests of at most this many bytes. Clients write all the
   * records of a partition in a request as one record batch, which the topic's limit bounds,
   * so the effective size is the smaller of this and `maxMessageBytes`.
   */
  readonly maxRequestBytes: number;
  readonly logger: Logger;
  /** Backoff between attempts, doubling from 100 ms up to this. Default 5 s. */
  readonly maxRetryDelayMs?: number;
}

/** Why the sink is failing now: set from the first failed attempt until the next success. */
export interface SinkFailure {
  readonly sinceMs: number;
  readonly error: string;
}

export interface KafkaSink {
  readonly topic: string;
  readonly maxMessageBytes: number;
  /**
   * Resolves once every record is acknowledged, with the records refused because they are too
   * large for the topic (in their original order); those were not written. Rejects only with
   * `SinkAbortedError` once `abort()` was called.
   */
  send<M extends OutgoingRecord>(messages: readonly M[]): Promise<M[]>;
  /** Set while sends keep failing. */
  failure(): SinkFailure | undefined;
  /** Stops retrying: sends in progress and later ones reject with `SinkAbortedError`. */
  abort(): void;
}

export class SinkAbortedError extends Error {
  constructor(topic: string) {
    super(`send to ${topic} aborted: the sink is stopping`);
    this.name = 'SinkAbortedError';
  }
}

/** While a sink keeps failing, one log line per this many attempts after the first. */
const FAILURE_LOG_EVERY_ATTEMPTS = 10;

export function createKafkaSink(options: KafkaSinkOptions): KafkaSink {
  const { producer, topic, maxMessageBytes } = options;
  const log = options.logger.child({ stage: 'kafka-sink', topic });
  const chunkBytes = Math.min(
    options.maxRequestBytes,
    maxMessageBytes - RECORD_BATCH_OVERHEAD_BYTES,
  );
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  let failing: (SinkFailure & { attempts: number }) | undefined;
  let aborted = false;
  const sleepers = new Set<() => void>();

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  }

  function noteFailure(error: unknown, records: number): void {
    const summary = kafkaErrorSummary(error);
    if (failing === undefined) {
      failing = { sinceMs: Date.now(), error: summary, attempts: 1 };
      log.error({ err: error, records }, 'send failed; retrying until acknowledged');
      return;
    }
    failing = { ...failing, error: summary, attempts: failing.attempts + 1 };
    if (failing.attempts % FAILURE_LOG_EVERY_ATTEMPTS === 0) {
      log.error(
        {
          err: error,
          records,
          attempts: failing.attempts,
          failingForMs: Date.now() - failing.sinceMs,
        },
        'send still failing; retrying',
      );
    }
  }

  function noteSuccess(): void {
    if (failing === undefined) return;
    log.info(
      { attempts: failing.attempts, failedForMs: Date.now() - failing.sinceMs },
      'send acknowledged again',
    );
    failing = undefined;
  }

  /** Sends one chunk until acknowledged; a too-large refusal is narrowed down to the records. */
  async function sendChunk<M extends OutgoingRecord>(chunk: M[], refused: M[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (aborted) throw new SinkAbortedError(topic);
      try {
        await producer.send(topic, chunk);
        noteSuccess();
        return;
      } catch (error) {
        if (aborted) throw new SinkAbortedError(topic);
        if (isRecordTooLarge(error)) {
          // Our size bound is an upper bound, so this is a broker whose limit is below the
          // topic's config: halve until the refused records stand alone.
          if (chunk.length === 1) {
            refused.push(chunk[0] as M);
            return;
          }
          const half = chunk.length >>> 1;
          await sendChunk(chunk.slice(0, half), refused);
          await sendChunk(chunk.slice(half), refused);
          return;
        }
        noteFailure(error, chunk.length);
        await pause(Math.min(maxRetryDelayMs, 100 * 2 ** Math.min(attempt, 16)));
      }
    }
  }

  return {
    topic,
    maxMessageBytes,
    async send(messages) {
      const refused: (typeof messages)[number][] = [];
      let chunk: (typeof messages)[number][] = [];
      let bytes = 0;
      for (const message of messages) {
        if (singleRecordBatchBytes(message) > maxMessageBytes) {
          // Sent first would only be refused; it is the caller's to dead-letter.
          refused.push(message);
          continue;
        }
        const size = recordBytes(message);
        if (chunk.length > 0 && bytes + size > chunkBytes) {
          await sendChunk(chunk, refused);
          chunk = [];
          bytes = 0;
        }
        chunk.push(message);
        bytes += size;
      }
      if (chunk.length > 0) await sendChunk(chunk, refused);
      if (refused.length > 1) {
        const order = new Map(messages.map((message, index) => [message, index]));
        refused.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
      }
      return refused;
    },
    failure() {
      return failing === undefined ? undefined : { sinceMs: failing.sinceMs, error: failing.error };
    },
    abort() {
      aborted = true;
      for (const wake of [...sleepers]) wake();
    },
  };
}
