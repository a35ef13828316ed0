/**
 * The alerting half of the drift side stream: the sinks (the compacted alert topic and the
 * retrain topic, the webhooks, the Prometheus gauges), set up once per process, and the drift
 * evaluator, which runs only while this process is the one that evaluates for the fleet (see
 * drift-service). Each stretch of evaluating starts a fresh evaluator that first reads back what
 * the evaluators before it published (the alert and retrain topics, see drift-history), so a
 * takeover or restart carries the alerts and the retrain cooldown on.
 */
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import {
  createDriftEvaluator,
  createKafkaDriftSink,
  createPrometheusDriftSink,
  createWebhookSink,
  driftHistoryFromRecords,
  EMPTY_DRIFT_HISTORY,
  notificationPayloads,
  retrainRequestPayloads,
  type AlertIdentity,
  type DriftEvaluator,
  type DriftHistory,
  type DriftOutcomeSink,
  type DriftSnapshot,
  type ReferenceProfile,
  type WebhookSink,
  type WindowHistogramSource,
} from '../drift/index.js';
import { createKafkaClient, readWholeTopic } from '../io/index.js';
import { createDriftAlertMetrics, type Logger } from '../observability/index.js';
import type { Topology } from '../topology/index.js';

export interface DriftAlertingOptions {
  readonly topology: Topology;
  readonly profile: ReferenceProfile;
  readonly identity: AlertIdentity;
  /** Where the evaluator reads the merged window counts. */
  readonly source: WindowHistogramSource;
  /** The drift report page alerts link to. */
  readonly reportUrl: string;
  readonly registry: Registry;
  readonly logger: Logger;
}

export interface DriftAlerting {
  /** Creates the drift topics when missing and connects their producer. */
  start(): Promise<void>;
  /**
   * Reads the drift topics' history, then evaluates on the schedule from the next tick on.
   * Without a readable history (topics unreachable) it starts afresh rather than not at all.
   */
  beginEvaluating(): Promise<void>;
  /** Stops evaluating (after a running round) and withdraws the drift gauges. */
  endEvaluating(): Promise<void>;
  /** The evaluator's latest evaluations and alerts; empty while this process does not evaluate. */
  latest(): DriftSnapshot;
  /** Ends evaluating, then stops the sinks in reverse order, delivering what they hold until the deadline. */
  stop(deadlineMs?: number): Promise<void>;
}

const NOT_EVALUATING: DriftSnapshot = Object.freeze({ fast: null, slow: null, alerts: [] });

export function createDriftAlerting(options: DriftAlertingOptions): DriftAlerting {
  const { topology, identity, logger } = options;
  const drift = topology.drift;
  const metrics = createDriftAlertMetrics(options.registry);
  const kafka = createKafkaClient(topology.kafka, logger);
  const kafkaSink = createKafkaDriftSink({
    kafka,
    alertTopic: drift.alertTopic,
    retrainTopic: drift.retrainTopic,
    metrics,
    logger,
  });
  const webhooks: WebhookSink[] = [
    { name: 'alerts', url: drift.webhookUrl, payloads: notificationPayloads },
    { name: 'retrain', url: drift.retrainWebhookUrl, payloads: retrainRequestPayloads },
  ].flatMap(({ name, url, payloads }) =>
    url === undefined
      ? []
      : [createWebhookSink({ name, url, payloads, delivery: drift.webhook, metrics, logger })],
  );
  const gauges = createPrometheusDriftSink(metrics);
  const sinks: DriftOutcomeSink[] = [kafkaSink, gauges, ...webhooks];
  const modelLabel = { model: identity.model };
  metrics.evaluating.set(modelLabel, 0);
  let evaluator: DriftEvaluator | undefined;
  let beginning = false;
  let kafkaStarted = false;
  let stopped: Promise<void> | undefined;

  const endEvaluating = async () => {
    const ending = evaluator;
    evaluator = undefined;
    if (ending === undefined) return;
    await ending.stop();
    metrics.evaluating.set(modelLabel, 0);
    gauges.clear();
  };

  return {
    async start() {
      await kafkaSink.start();
      kafkaStarted = true;
    },
    async beginEvaluating() {
      if (evaluator !== undefined || beginning || stopped !== undefined) return;
      beginning = true;
      let history: DriftHistory;
      try {
        history = await readDriftHistory(kafka, topology, identity);
        logger.info(
          {
            model: identity.model,
            activeAlerts: history.alerts.length,
            retrainRequests: history.retrainRequests.length,
          },
          'drift evaluation carries on from the drift topics',
        );
      } catch (error) {
        logger.warn(
          { err: error, model: identity.model },
          'cannot read the drift topics back; evaluating with every alert at OK',
        );
        history = EMPTY_DRIFT_HISTORY;
      } finally {
        beginning = false;
      }
      if (stopped !== undefined) return;
      evaluator = createDriftEvaluator({
        profile: options.profile,
        identity,
        source: options.source,
        settings: drift.evaluation,
        thresholds: drift.thresholds,
        policy: drift.alerting,
        retrain: { ...drift.retrain, dataTopic: topology.output.topic },
        reportUrl: options.reportUrl,
        sinks,
        metrics,
        logger,
        // Rounds wait for the last flush of every drift consumer to land.
        settleMs: 2 * drift.flushIntervalMs,
        history,
      });
      evaluator.start();
      metrics.evaluating.set(modelLabel, 1);
    },
    endEvaluating,
    latest: () => evaluator?.latest() ?? NOT_EVALUATING,
    stop(deadlineMs = 10_000) {
      stopped ??= (async () => {
        const deadline = performance.now() + deadlineMs;
        const left = () => Math.max(0, deadline - performance.now());
        await endEvaluating();
        for (const sink of [...webhooks].reverse()) await sink.stop(left());
        if (kafkaStarted) await kafkaSink.stop(left());
      })();
      return stopped;
    },
  };
}

/** The drift topics read whole: both are small (one record per alert change, a few requests). */
async function readDriftHistory(
  kafka: Kafka,
  topology: Topology,
  identity: AlertIdentity,
): Promise<DriftHistory> {
  const values = async (topic: string) => {
    const read: (string | null)[] = [];
    await readWholeTopic(
      kafka,
      topic,
      (_partition, message) => read.push(message.value?.toString('utf8') ?? null),
      {
        groupIdPrefix: `${topology.input.groupId}-drift-history`,
        timeoutMs: 30_000,
      },
    );
    return read;
  };
  return driftHistoryFromRecords(identity, {
    alerts: await values(topology.drift.alertTopic),
    retrainRequests: await values(topology.drift.retrainTopic),
  });
}
