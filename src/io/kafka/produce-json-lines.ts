/**
 * `streamscore produce`: JSON Lines to a topic, each line's bytes one record's value, keyed by a
 * field of the line when asked, optionally paced to a rate. One batch is in flight while the
 * next fills, so records keep their order and a slow input (a pipe) is sent as it arrives.
 */
import type { Message } from 'kafkajs';
import { StreamscoreError } from '../../errors.js';
import { readFieldPath, type FieldPath } from '../../features/index.js';
import type { JsonLine } from '../json-lines.js';
import { RECORD_BATCH_OVERHEAD_BYTES, recordBytes, singleRecordBatchBytes } from './record-size.js';

/** Records per send without `--rate`: large enough that the round trip is not the limit. */
export const MAX_BATCH_RECORDS = 1_000;
/** With a rate, a batch holds about this long's worth of events, so pacing stays smooth. */
const PACED_BATCH_MS = 100;

/** The field a record's key is read from, as given and compiled. */
export interface KeyField {
  readonly name: string;
  readonly path: FieldPath;
}

export interface JsonLineRecordOptions {
  /** Where the lines come from, for errors: a file name or `stdin`. */
  readonly source: string;
  readonly keyField?: KeyField;
  /** The topic's `max.message.bytes`: a line too large for it is refused before anything is sent. */
  readonly maxMessageBytes: number;
}

export interface ProduceJsonLinesOptions extends JsonLineRecordOptions {
  readonly lines: AsyncIterable<JsonLine>;
  /** Sends one batch, resolving once the brokers acknowledged all of it. */
  readonly send: (messages: Message[]) => Promise<void>;
  /** Events per second at most, on average since the start; no limit when undefined. */
  readonly ratePerSecond?: number;
  /** After each acknowledged batch, with the number of events acknowledged so far. */
  readonly onProduced?: (produced: number) => void;
  readonly clock?: { now(): number; sleep(ms: number): Promise<void> };
}

const systemClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/**
 * Sends every line, in order; resolves with the number sent. A line that cannot be a record
 * (see `jsonLineRecord`) fails with DATA_INVALID after every line before it was sent; a failed
 * send fails with its error and sends nothing more.
 */
export async function produceJsonLines(options: ProduceJsonLinesOptions): Promise<number> {
  const { send, ratePerSecond, onProduced, maxMessageBytes } = options;
  const clock = options.clock ?? systemClock;
  const maxRecords =
    ratePerSecond === undefined
      ? MAX_BATCH_RECORDS
      : Math.min(
          MAX_BATCH_RECORDS,
          Math.max(1, Math.floor((ratePerSecond * PACED_BATCH_MS) / 1000)),
        );
  const startedAtMs = clock.now();
  let produced = 0;
  let batch: Message[] = [];
  let batchBytes = RECORD_BATCH_OVERHEAD_BYTES;
  let inFlight: Promise<void> | undefined;
  let sendFailure: { readonly error: unknown } | undefined;

  const startSend = (): void => {
    const messages = batch;
    batch = [];
    batchBytes = RECORD_BATCH_OVERHEAD_BYTES;
    inFlight = (async () => {
      if (ratePerSecond !== undefined) {
        const waitMs = sendDelayMs({ startedAtMs, nowMs: clock.now(), produced, ratePerSecond });
        if (waitMs > 0) await clock.sleep(waitMs);
      }
      await send(messages);
      produced += messages.length;
      onProduced?.(produced);
    })()
      .catch((error: unknown) => {
        sendFailure = { error };
      })
      .finally(() => {
        inFlight = undefined;
      });
  };

  let readFailure: { readonly error: unknown } | undefined;
  try {
    for await (const line of options.lines) {
      if (sendFailure !== undefined) break;
      const message = jsonLineRecord(line, options);
      const bytes = recordBytes(message);
      // Full: wait for the batch in flight (back-pressure on the input), then send this one.
      if (batch.length >= maxRecords || batchBytes + bytes > maxMessageBytes) {
        await inFlight;
        if (sendFailure !== undefined) break;
        startSend();
      }
      batch.push(message);
      batchBytes += bytes;
      if (inFlight === undefined) startSend();
    }
  } catch (error) {
    readFailure = { error };
  }
  // The lines read before a bad one are still sent, so the failure marks a clean cut.
  await inFlight;
  if (sendFailure === undefined && batch.length > 0) {
    startSend();
    await inFlight;
  }
  if (sendFailure !== undefined) throw sendFailure.error;
  if (readFailure !== undefined) throw readFailure.error;
  return produced;
}

/**
 * Checks every line as `produceJsonLines` would, sending nothing; resolves with their number.
 * Run over a file first, so a bad line anywhere in it fails before any record is sent.
 */
export async function checkJsonLines(
  lines: AsyncIterable<JsonLine>,
  options: JsonLineRecordOptions,
): Promise<number> {
  let count = 0;
  for await (const line of lines) {
    jsonLineRecord(line, options);
    count++;
  }
  return count;
}

/**
 * The record of one line: its bytes as the value and, given a key field, that field's value as
 * text as the key. A missing or null key field, or an object or array there, is DATA_INVALID:
 * keyless records would scatter what the key is meant to keep together and in order.
 */
export function jsonLineRecord(line: JsonLine, options: JsonLineRecordOptions): Message {
  const { keyField, source } = options;
  let key: string | null = null;
  if (keyField !== undefined) {
    const value = readFieldPath(line.value, keyField.path);
    if (typeof value === 'string') key = value;
    else if (typeof value === 'number' || typeof value === 'boolean') key = String(value);
    else {
      const found = value === undefined ? 'no' : value === null ? 'a null' : `an ${kindOf(value)}`;
      throw lineError(
        source,
        line,
        `has ${found} key field ${keyField.name}; expected a string, number or boolean`,
      );
    }
  }
  const message: Message = { key, value: line.bytes };
  const bytes = singleRecordBatchBytes(message);
  if (bytes > options.maxMessageBytes) {
    throw lineError(
      source,
      line,
      `is ${line.bytes.length} bytes, too large for the topic (max.message.bytes ${options.maxMessageBytes})`,
    );
  }
  return message;
}

/**
 * How long to wait before sending more, so that `produced` events have taken at least
 * `produced / ratePerSecond` seconds since the start.
 */
export function sendDelayMs(pace: {
  readonly startedAtMs: number;
  readonly nowMs: number;
  readonly produced: number;
  readonly ratePerSecond: number;
}): number {
  return Math.max(0, pace.startedAtMs + (pace.produced * 1000) / pace.ratePerSecond - pace.nowMs);
}

function kindOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
}

function lineError(source: string, line: JsonLine, problem: string): StreamscoreError {
  return new StreamscoreError('DATA_INVALID', `${source} line ${line.lineNumber} ${problem}`, {
    context: { file: source, line: line.lineNumber },
  });
}
