/**
 * Header names streamscore writes. Downstream consumers and DLQ tooling depend on them: they are
 * part of the public contract (docs/scoring.md, "Dead-letter topic").
 */
import type { FeatureErrorCode } from '../features/index.js';

export const HEADERS = {
  sourceTopic: 'streamscore.source.topic',
  sourcePartition: 'streamscore.source.partition',
  sourceOffset: 'streamscore.source.offset',
  /** On scored outputs: the input record's Kafka timestamp (epoch ms), the event time drift windows use. */
  sourceTimestamp: 'streamscore.source.timestamp',
  modelVersion: 'streamscore.model',
  errorClass: 'streamscore.error.class',
  errorMessage: 'streamscore.error.message',
  errorTime: 'streamscore.error.time',
  /** Set when the original value was too large for the DLQ topic and was left out. */
  valueOmitted: 'streamscore.error.value-omitted',
  /** With `value-omitted`: the left-out value's length in bytes and its SHA-256 (hex), to find it again. */
  valueLength: 'streamscore.error.value-length',
  valueSha256: 'streamscore.error.value-sha256',
  /** Set when the input record's own headers did not fit the DLQ topic either and were left out. */
  headersOmitted: 'streamscore.error.headers-omitted',
} as const;

/** Why an event went to the dead-letter topic; the feature codes are the extractor's own. */
export type DeadLetterReason =
  | 'RECORD_TOO_LARGE'
  | 'DECODE_FAILED'
  | FeatureErrorCode
  | 'INFERENCE_FAILED'
  /** The scored event could not be encoded (e.g. a value JSON cannot represent). */
  | 'ENCODE_FAILED'
  /** The scored record is larger than the output topic's max.message.bytes. */
  | 'OUTPUT_TOO_LARGE';
