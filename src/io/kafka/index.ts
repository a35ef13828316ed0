export { createKafkaClient } from './kafka-client.js';
export {
  createOffsetWatermark,
  type OffsetWatermark,
  type TopicPartitionOffset,
} from './offset-watermark.js';
export { createOrderedOutbox, type OrderedOutbox } from './ordered-outbox.js';
export { readWholeTopic } from './read-whole-topic.js';
export { requireTopics } from './require-topics.js';
