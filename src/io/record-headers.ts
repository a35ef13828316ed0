/**
 * Header names streamscore writes. Downstream consumers and DLQ tooling depend on them: they are
 * part of the public contract (README, "Dead-letter topic").
 */
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
} as const;

/** Why an event went to the dead-letter topic. */
export type DeadLetterReason =
  | 'RECORD_TOO_LARGE'
  | 'DECODE_FAILED'
  | 'FEATURE_MISSING'
  | 'FEATURE_INVALID'
  | 'FEATURE_UNKNOWN_CATEGORY'
  | 'INFERENCE_FAILED';
