export {
  createDeadLetterWriter,
  type DeadLetter,
  type DeadLetterWriter,
} from './dead-letter-writer.js';
export { isRecordTooLarge, kafkaErrorSummary } from './kafka-errors.js';
export {
  createGroupConsumer,
  createKafkaClient,
  type GroupConsumerOptions,
  type KafkaClientTuning,
} from './kafka-client.js';
export { createKafkaSink, SinkAbortedError, type KafkaSink } from './kafka-sink.js';
export type { RecordProducer } from './record-producer.js';
export { createKafkaSource, createRecordProducer, type KafkaClientName } from './kafka-clients.js';
export type { KafkaSource, KafkaSourceOptions } from './kafka-source.js';
export {
  createOffsetWatermark,
  type OffsetWatermark,
  type TopicPartitionOffset,
} from './offset-watermark.js';
export { createOrderedOutbox, type OrderedOutbox } from './ordered-outbox.js';
export {
  checkJsonLines,
  jsonLineRecord,
  MAX_BATCH_RECORDS,
  produceJsonLines,
  sendDelayMs,
  type JsonLineRecordOptions,
  type KeyField,
  type ProduceJsonLinesOptions,
} from './produce-json-lines.js';
export { readWholeTopic } from './read-whole-topic.js';
export { recordBytes, singleRecordBatchBytes } from './record-size.js';
export { requireTopics } from './require-topics.js';
export type { OutgoingRecord, RecordHeaders, SourceRecord } from './kafka-records.js';
export {
  connectTopicAdmin,
  type TopicAdmin,
  type TopicAdminOptions,
  type TopicSpec,
  type TopicState,
} from './topic-admin.js';
export { DEFAULT_MAX_MESSAGE_BYTES, readMaxMessageBytes } from './topic-limits.js';
export { connectTopicWriter, type TopicWriter, type TopicWriterOptions } from './topic-writer.js';
