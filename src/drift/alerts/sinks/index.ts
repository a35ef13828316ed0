export {
  ALERT_HEADERS,
  ALERT_TOPIC_CONFIG,
  createKafkaDriftSink,
  type KafkaDriftSink,
  type KafkaDriftSinkOptions,
} from './kafka-drift-sink.js';
export { createPrometheusDriftSink, type PrometheusDriftSink } from './prometheus-drift-sink.js';
export {
  createWebhookSink,
  notificationPayloads,
  retrainRequestPayloads,
  type WebhookDelivery,
  type WebhookPayload,
  type WebhookSink,
  type WebhookSinkOptions,
} from './webhook-sink.js';
