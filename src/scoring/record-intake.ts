import type { DynamicBatcher } from '../batching/index.js';
import type { FeatureError, FeatureExtractor } from '../features/index.js';
import type { DeadLetter, EventCodec, SourceRecord } from '../io/index.js';

/** One accepted event on its way through the batcher. */
export interface PendingEvent {
  readonly partition: number;
  readonly record: SourceRecord;
  /**
   * The decoded event, kept only when it already has the score field (it is then encoded
   * whole); otherwise the score is appended to the input bytes, and holding thousands of
   * decoded events in the queue would only feed the garbage collector.
   */
  readonly eventWithScoreField: Record<string, unknown> | undefined;
  /** Set when the event left its batch for the DLQ (encode failed, output too large). */
  deadLettered: boolean;
}

export interface RecordIntakeOptions {
  readonly codec: EventCodec;
  readonly extractor: FeatureExtractor;
  readonly batcher: DynamicBatcher<PendingEvent>;
  /** `input.maxRecordBytes`: larger records are dead-lettered unread. */
  readonly maxRecordBytes: number;
  /** `output.scoreField`: an event that already has it is kept decoded (see PendingEvent). */
  readonly scoreField: string;
}

/**
 * Puts one input record in the batcher — its features written straight into the batch's rows —
 * or says why it goes to the DLQ instead: a tombstone, a record over the size limit, bytes that
 * do not decode, features that do not extract. A bad record costs that record only.
 */
export type RecordIntake = (partition: number, record: SourceRecord) => DeadLetter | undefined;

export function createRecordIntake(options: RecordIntakeOptions): RecordIntake {
  const { codec, extractor, batcher, maxRecordBytes, scoreField } = options;
  return (partition, record) => {
    const value = record.value;
    if (value === null) {
      return refuse(partition, record, 'DECODE_FAILED', 'record has no value (tombstone)');
    }
    if (value.length > maxRecordBytes) {
      return refuse(
        partition,
        record,
        'RECORD_TOO_LARGE',
        `record of ${value.length} bytes exceeds input.maxRecordBytes (${maxRecordBytes})`,
      );
    }
    let event: Record<string, unknown>;
    try {
      event = codec.decode(value) as Record<string, unknown>;
    } catch (error) {
      return refuse(
        partition,
        record,
        'DECODE_FAILED',
        `not a valid ${codec.format} event: ${(error as Error).message}`,
      );
    }
    const { rows, offset } = batcher.nextRow();
    let featureError: FeatureError | undefined;
    try {
      featureError = extractor.extract(event, rows, offset);
    } catch (error) {
      // A value the extractor did not foresee costs this event only.
      return refuse(
        partition,
        record,
        'FEATURE_INVALID',
        `feature extraction failed: ${String(error)}`,
      );
    }
    if (featureError !== undefined) {
      return refuse(partition, record, featureError.code, featureError.message);
    }
    batcher.commitRow({
      partition,
      record,
      eventWithScoreField: Object.hasOwn(event, scoreField) ? event : undefined,
      deadLettered: false,
    });
    return undefined;
  };
}

// A plain function, not a closure per record: intake runs once for every input event.
function refuse(
  partition: number,
  record: SourceRecord,
  reason: DeadLetter['reason'],
  detail: string,
): DeadLetter {
  return { partition, record, reason, detail };
}
