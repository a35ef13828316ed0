/**
 * Alerts and retraining requests on Kafka.
 *
 * - The alert topic is compacted and keyed by alert fingerprint: every state change of an
 *   alert (and every notification of it) is written there, so the topic always holds the
 *   latest record of each alert — a table of alert states any consumer can rebuild.
 * - The retraining-request topic is keyed by idempotency key, so a repeated request of the
 *   same drift episode lands on the same key.
 *
 * Missing topics are created at start (the alert topic with cleanup.policy=compact, both with
 * the broker's default partitions and replication). Sends run one at a time in the background,
 * in outcome order, so a record of an alert never overtakes an older one; a failed send is
 * logged and counted, and the next outcome is sent all the same.
 */
import kafkajs, { type Kafka, type Message, type Producer } from 'kafkajs';
import { StreamscoreError } from '../../../errors.js';
import type { DriftAlertMetrics, Logger } from '../../../observability/index.js';
import type { DriftOutcome, DriftOutcomeSink } from '../drift-evaluator.js';
import { driftAlertToJson } from '../drift-notification.js';
import { retrainRequestToJson } from '../retrain-request.js';

// kafkajs is CommonJS, and Node's named-export detection misses this enum.
const { ConfigResourceTypes, Partitioners } = kafkajs;

export const ALERT_HEADERS = Object.freeze({
  model: 'streamscore.model',
  state: 'streamscore.alert.state',
  event: 'streamscore.alert.event',
  idempotencyKey: 'streamscore.retrain.idempotency-key',
});

/** The alert topic's settings: compacted, so it keeps the latest record of each alert. */
export const ALERT_TOPIC_CONFIG = Object.freeze([
  Object.freeze({ name: 'cleanup.policy', value: 'compact' }),
]);

export interface KafkaDriftSinkOptions {
  readonly kafka: Kafka;
  readonly alertTopic: string;
  readonly retrainTopic: string;
  readonly metrics: DriftAlertMetrics;
  readonly logger: Logger;
}

export interface KafkaDriftSink extends DriftOutcomeSink {
  /** Creates missing topics and connects the producer. */
  start(): Promise<void>;
  /** Waits for queued sends (bounded by the deadline), then disconnects. */
  stop(deadlineMs?: number): Promise<void>;
}

export function createKafkaDriftSink(options: KafkaDriftSinkOptions): KafkaDriftSink {
  const { kafka, alertTopic, retrainTopic, metrics } = options;
  const log = options.logger.child({ stage: 'drift-kafka-sink' });
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    // Alerts are keyed by fingerprint; the current default (murmur2, as Java clients use).
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let sends: Promise<void> = Promise.resolve();

  const send = (topic: string, messages: Message[]) => {
    if (messages.length === 0) return;
    sends = sends.then(async () => {
      try {
        await producer.send({ topic, acks: -1, messages });
      } catch (error) {
        metrics.sinkFailures.inc({ sink: 'kafka' });
        log.error({ err: error, topic, records: messages.length }, 'drift records not written');
      }
    });
  };

  return {
    async start() {
      await ensureTopics(kafka, alertTopic, retrainTopic, log);
      await producer.connect();
    },
    deliver(outcome: DriftOutcome) {
      send(
        alertTopic,
        outcome.changes.map(({ alert, event }) => ({
          key: alert.fingerprint,
          value: JSON.stringify(driftAlertToJson(alert)),
          headers: {
            [ALERT_HEADERS.model]: `${alert.model}@${alert.version}`,
            [ALERT_HEADERS.state]: alert.state,
            ...(event === null ? {} : { [ALERT_HEADERS.event]: event }),
          },
        })),
      );
      send(
        retrainTopic,
        outcome.retrainRequests.map((request) => ({
          key: request.idempotencyKey,
          value: JSON.stringify(retrainRequestToJson(request)),
          headers: {
            [ALERT_HEADERS.model]: `${request.model}@${request.version}`,
            [ALERT_HEADERS.idempotencyKey]: request.idempotencyKey,
          },
        })),
      );
    },
    async stop(deadlineMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      });
      await Promise.race([sends, deadline]);
      clearTimeout(timer);
      await producer.disconnect();
    },
  };
}

/** Creates the topics the sink writes to when missing; warns when the alert topic is not compacted. */
async function ensureTopics(
  kafka: Kafka,
  alertTopic: string,
  retrainTopic: string,
  log: Logger,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [
      { topic: alertTopic, configEntries: [...ALERT_TOPIC_CONFIG] },
      { topic: retrainTopic },
    ].filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      // False when another instance created them first: as good.
      await admin.createTopics({ topics: missing, waitForLeaders: true });
      log.info({ topics: missing.map(({ topic }) => topic) }, 'created drift topics');
    }
    const described = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: alertTopic, configNames: ['cleanup.policy'] },
      ],
      includeSynonyms: false,
    });
    const policy = described.resources[0]?.configEntries.find(
      (entry) => entry.configName === 'cleanup.policy',
    )?.configValue;
    if (policy === undefined || !policy.split(',').includes('compact')) {
      log.warn(
        { topic: alertTopic, cleanupPolicy: policy },
        'the alert topic is not compacted: it keeps every record instead of the latest per alert',
      );
    }
  } catch (error) {
    throw new StreamscoreError(
      'ALERT_SINK_FAILED',
      `cannot create or check the drift topics ${alertTopic} and ${retrainTopic}: ${String(error)}`,
      { cause: error, context: { alertTopic, retrainTopic } },
    );
  } finally {
    await admin.disconnect();
  }
}
