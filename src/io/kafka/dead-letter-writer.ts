/**
 * Writes events that cannot be scored to the dead-letter topic, each with its original key,
 * value and headers plus headers naming the error. Writes are chunked by size (through the
 * sink), so one large record never costs its neighbours their values. A record too large for
 * the DLQ topic itself is written without its value, with the value's length and SHA-256 in
 * headers; if even that does not fit, without the input's own headers, then without its key:
 * whatever happens, every event leaves a record that names it and why it failed.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../observability/index.js';
import { HEADERS, type DeadLetterReason } from '../record-headers.js';
import type { KafkaSink } from './kafka-sink.js';
import type { OutgoingRecord, RecordHeaders, SourceRecord } from './kafka-records.js';

export interface DeadLetter {
  readonly partition: number;
  readonly record: SourceRecord;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

export interface DeadLetterWriterOptions {
  readonly sink: KafkaSink;
  /** The input topic the letters were read from. */
  readonly sourceTopic: string;
  /** Called once the letters are acknowledged by the DLQ topic, in write order. */
  readonly onWritten: (letters: readonly DeadLetter[]) => void;
  readonly logger: Logger;
}

export interface DeadLetterWriter {
  /** Queues letters behind the ones queued before; returns at once. */
  write(letters: readonly DeadLetter[]): void;
  /** Letters queued and not yet acknowledged. */
  inFlight(): number;
  /** Resolves when everything queued so far is written (or the sink was aborted). */
  idle(): Promise<void>;
}

/** Error messages are cut to this length: a header is not the place for a whole payload. */
const MAX_DETAIL_CHARS = 2_048;

type Shape = 'whole' | 'no-value' | 'no-headers' | 'no-key';
const FALLBACK: Record<Exclude<Shape, 'no-key'>, Shape> = {
  whole: 'no-value',
  'no-value': 'no-headers',
  'no-headers': 'no-key',
};

export function createDeadLetterWriter(options: DeadLetterWriterOptions): DeadLetterWriter {
  const { sink, sourceTopic } = options;
  const log = options.logger.child({ stage: 'dead-letter', topic: sink.topic });
  let tail: Promise<void> = Promise.resolve();
  let inFlight = 0;

  function message(
    letter: DeadLetter,
    time: string,
    shape: Shape,
  ): OutgoingRecord & { letter: DeadLetter } {
    const { record, partition, reason } = letter;
    const detail =
      letter.detail.length > MAX_DETAIL_CHARS
        ? `${letter.detail.slice(0, MAX_DETAIL_CHARS)}…`
        : letter.detail;
    const headers: RecordHeaders =
      shape === 'whole' || shape === 'no-value' ? { ...record.headers } : {};
    headers[HEADERS.errorClass] = reason;
    headers[HEADERS.errorMessage] = detail;
    headers[HEADERS.errorTime] = time;
    headers[HEADERS.sourceTopic] = sourceTopic;
    headers[HEADERS.sourcePartition] = String(partition);
    headers[HEADERS.sourceOffset] = record.offset;
    if (shape !== 'whole' && record.value !== null) {
      headers[HEADERS.valueOmitted] = 'true';
      headers[HEADERS.valueLength] = String(record.value.length);
      headers[HEADERS.valueSha256] = createHash('sha256').update(record.value).digest('hex');
    }
    if (shape === 'no-headers' || shape === 'no-key') headers[HEADERS.headersOmitted] = 'true';
    return {
      key: shape === 'no-key' ? null : record.key,
      value: shape === 'whole' ? record.value : null,
      headers,
      letter,
    };
  }

  async function writeAll(letters: readonly DeadLetter[]): Promise<void> {
    const time = new Date().toISOString();
    let shape: Shape = 'whole';
    let pending = letters.map((letter) => message(letter, time, shape));
    while (pending.length > 0) {
      const refused = await sink.send(pending);
      if (refused.length === 0) break;
      if (shape === 'no-key') {
        // Our own headers alone exceed the topic's limit: a DLQ topic configured below ~4 KiB.
        log.error(
          { records: refused.length, maxMessageBytes: sink.maxMessageBytes },
          'dead-letter topic refuses even a record without key, value and input headers',
        );
        throw new Error(
          `dead-letter topic ${sink.topic} accepts no record of ${refused.length} events`,
        );
      }
      shape = FALLBACK[shape];
      log.warn(
        { records: refused.length, shape, maxMessageBytes: sink.maxMessageBytes },
        'dead-letter records too large for the topic; writing them with less',
      );
      pending = refused.map((refusedMessage) => message(refusedMessage.letter, time, shape));
    }
    options.onWritten(letters);
  }

  return {
    write(letters) {
      if (letters.length === 0) return;
      inFlight += letters.length;
      tail = tail.then(() =>
        writeAll(letters).then(
          () => {
            inFlight -= letters.length;
          },
          (error: unknown) => {
            // Aborted by stop (or a DLQ that refuses everything): the letters stay unfinished,
            // their offsets uncommitted, and they are read again after a restart.
            log.warn({ err: error, records: letters.length }, 'dead-letter write abandoned');
          },
        ),
      );
    },
    inFlight() {
      return inFlight;
    },
    idle() {
      return tail;
    },
  };
}
