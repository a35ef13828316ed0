/**
 * How many bytes a record takes in a Kafka record batch, counted from above, so that a record
 * judged to fit a topic's `max.message.bytes` does fit, and requests built from these counts
 * stay under the broker's limits.
 */
import type { OutgoingRecord, RecordHeaders } from './kafka-records.js';

/** A record batch's fixed header (magic v2): offsets, lengths, CRC, attributes, producer ids. */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;
/** Per record: length, attributes, timestamp and offset deltas, key and value lengths, header count (varints at their widest). */
const RECORD_FRAMING_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/** Per header: name and value lengths (varints at their widest). */
const HEADER_FRAMING_BYTES = 10;

/** Upper bound of the bytes `message` adds to a record batch (uncompressed). */
export function recordBytes(message: Pick<OutgoingRecord, 'key' | 'value' | 'headers'>): number {
  return (
    RECORD_FRAMING_BYTES +
    byteLength(message.key) +
    byteLength(message.value) +
    headerBytes(message.headers)
  );
}

/** Upper bound of a batch holding `message` alone: what the topic's `max.message.bytes` limits. */
export function singleRecordBatchBytes(
  message: Pick<OutgoingRecord, 'key' | 'value' | 'headers'>,
): number {
  return RECORD_BATCH_OVERHEAD_BYTES + recordBytes(message);
}

function headerBytes(headers: RecordHeaders | undefined): number {
  if (headers === undefined) return 0;
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    bytes += HEADER_FRAMING_BYTES + Buffer.byteLength(name);
    if (Array.isArray(value)) {
      // Every value of a repeated header is a header of its own.
      bytes += (value.length - 1) * (HEADER_FRAMING_BYTES + Buffer.byteLength(name));
      for (const item of value) bytes += byteLength(item);
    } else bytes += byteLength(value);
  }
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
