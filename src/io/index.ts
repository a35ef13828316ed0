export { createJsonCodec, MAX_JSON_NESTING_DEPTH, type EventCodec } from './event-codec.js';
export { readJsonLines, type JsonLine } from './json-lines.js';
export * from './kafka/index.js';
export { HEADERS, type DeadLetterReason } from './record-headers.js';
