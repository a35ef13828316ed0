export { createJsonCodec, type EventCodec } from './event-codec.js';
export { createKafkaClient } from './kafka-client.js';
export { HEADERS, type DeadLetterReason } from './record-headers.js';
export { requireTopics } from './require-topics.js';
export { readWholeTopic } from './read-whole-topic.js';
