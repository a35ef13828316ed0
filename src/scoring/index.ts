/**
 * The per-event steps of the hot path, between the Kafka source and the model and between the
 * model and the output topic: an input record into the batcher (or the DLQ, with the reason),
 * and a scored batch into output records. engine/scoring-pipeline.ts wires them to Kafka.
 */
export {
  createRecordIntake,
  type PendingEvent,
  type RecordIntake,
  type RecordIntakeOptions,
} from './record-intake.js';
export {
  createScoredRecordBuilder,
  type ScoredMessage,
  type ScoredRecordBuilder,
  type ScoredRecords,
  type ScoredRecordsOptions,
} from './scored-records.js';
