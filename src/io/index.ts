export { createJsonCodec, MAX_JSON_NESTING_DEPTH, type EventCodec } from './event-codec.js';
export {
  createKafkaClient,
  createOffsetWatermark,
  createOrderedOutbox,
  readWholeTopic,
  requireTopics,
  type OffsetWatermark,
  type OrderedOutbox,
  type TopicPartitionOffset,
} from './kafka/index.js';
export { HEADERS, type DeadLetterReason } from './record-headers.js';
