/**
 * The main job, end to end on this machine: the local stack (started if not running), the
 * reference fraud topology scoring a live synthetic stream with its drift side stream at demo
 * speed, a live line per second and a summary. The stream is stationary (drawn from the
 * population the model's reference profile describes) until the drift phase shifts it; the run
 * ends with the alerts and the retraining request the drift produced. It stops what it started
 * and leaves what it found running.
 */
import { homedir } from 'node:os';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import {
  createPathLookup,
  devStackAddresses,
  devStackDown,
  devStackUp,
  resolveCacheRootDir,
} from '../devstack/index.js';
import { createService, topologyTopics } from '../../src/engine/index.js';
import { connectTopicAdmin, createKafkaClient } from '../../src/io/index.js';
import { nearestRankQuantile, type Logger } from '../../src/observability/index.js';
import {
  createTransactionSampler,
  fraudHoldoutPopulation,
  TRANSACTION_DRIFT_PRESETS,
  type TransactionDriftPresetName,
} from '../synthetic/index.js';
import type { KafkaConnection, Topology } from '../../src/topology/index.js';
import { loadDemoTopology } from './demo-topology.js';
import {
  alertLine,
  driftStatus,
  retrainLine,
  type AlertRecord,
  type RetrainRecord,
} from './drift-lines.js';

export interface FraudDemoOptions {
  readonly topologyFile: string;
  /** Events per second the synthetic producer sends. */
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  /** Share of events sent malformed, to show the dead-letter path. */
  readonly badShare: number;
  readonly partitions: number;
  /** The shift of the drift phase, and when it starts (seconds into the stream); null: none. */
  readonly drift: {
    readonly preset: TransactionDriftPresetName;
    readonly afterSeconds: number;
  } | null;
  readonly stateFilePath: string;
  readonly logger: Logger;
  /** Where the live lines and the summary go. */
  readonly print: (line: string) => void;
}

export interface FraudDemoSummary {
  readonly produced: number;
  readonly scored: number;
  readonly deadLettered: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p999: number };
  readonly flaggedShare: number;
  /** The latest record of each alert the run wrote to the alert topic. */
  readonly alerts: readonly AlertRecord[];
  readonly retrainRequests: readonly RetrainRecord[];
}

const TICK_MS = 100;

export async function runFraudDemo(options: FraudDemoOptions): Promise<FraudDemoSummary> {
  const { print, logger } = options;
  const stack = await devStackUp({
    stateFilePath: options.stateFilePath,
    cacheRootDir: resolveCacheRootDir(process.env, homedir()),
    lookupExecutable: createPathLookup(process.env['PATH']),
    logger,
  });
  const { kafka: brokers } = devStackAddresses(stack.record);
  print(`${stack.reused ? 'using the running' : 'started a'} local stack: kafka ${brokers}`);
  try {
    const runId = `demo-${Date.now().toString(36)}`;
    const topology = await loadDemoTopology(
      options.topologyFile,
      { ...process.env, KAFKA_BROKERS: brokers, METRICS_PORT: '0' },
      runId,
    );
    const connection = { brokers: [brokers], clientId: 'streamscore-demo' };
    await createRunTopics(topology, connection, options, runId);
    const kafka = createKafkaClient(connection, logger, { silent: true });
    return await scoreLiveStream(kafka, topology, options);
  } finally {
    if (!stack.reused) {
      await devStackDown({ stateFilePath: options.stateFilePath });
      print('stopped the local stack the demo started');
    }
  }
}

/** The run's own topics (see `loadDemoTopology`), created empty. */
async function createRunTopics(
  topology: Topology,
  connection: KafkaConnection,
  options: FraudDemoOptions,
  runId: string,
): Promise<void> {
  const admin = await connectTopicAdmin({
    connection,
    logger: options.logger,
    connectTimeoutMs: 10_000,
    configuredBy: `the dev stack in ${options.stateFilePath}`,
  });
  try {
    const topics = topologyTopics(topology, { partitions: options.partitions });
    await admin.ensureTopics(topics);
    options.print(
      `this run (${runId}) has topics of its own: ${topics.map(({ topic }) => topic).join(', ')}`,
    );
  } finally {
    await admin.disconnect();
  }
}

async function scoreLiveStream(
  kafka: Kafka,
  topology: Topology,
  options: FraudDemoOptions,
): Promise<FraudDemoSummary> {
  const { print, logger } = options;
  const service = createService({ topology, logger, httpPort: 0 });
  const { httpPort } = await service.start();
  const { drift } = topology;
  const adminUrl = `http://127.0.0.1:${httpPort}`;
  print(
    `scoring ${topology.input.topic} → ${topology.output.topic}; metrics at ${adminUrl}/metrics, drift at ${adminUrl}/drift`,
  );
  print(
    `drift: ${drift.windowMs / 1000} s windows, evaluated over ${drift.evaluation.fast.windowMs / 1000} s every ${drift.evaluation.fast.everyMs / 1000} s; ` +
      `alerts → ${drift.alertTopic}, retraining requests → ${drift.retrainTopic}`,
  );

  const sentAtMs = new Map<string, number>();
  const latencies: number[] = [];
  let windowLatencies: number[] = [];
  let scored = 0;
  let flagged = 0;
  const scoreField = topology.output.scoreField;
  const outputs = await consumeFromNow(kafka, 'scored', [topology.output.topic], ({ message }) => {
    const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
    const sent = sentAtMs.get(String(event['transaction_id']));
    if (sent === undefined) return;
    sentAtMs.delete(String(event['transaction_id']));
    const latency = Date.now() - sent;
    latencies.push(latency);
    windowLatencies.push(latency);
    scored++;
    if ((event[scoreField] as { label?: number } | undefined)?.label === 1) flagged++;
  });
  const alerts = new Map<string, AlertRecord>();
  const retrainRequests: RetrainRecord[] = [];
  const driftTopics = [drift.alertTopic, drift.retrainTopic];
  const lastOffsets = new Map<string, number>();
  const driftRecords = await consumeFromNow(kafka, 'drift', driftTopics, (payload) => {
    const { topic, partition, message } = payload;
    lastOffsets.set(`${topic}/${partition}`, Number(message.offset));
    const value = JSON.parse(message.value?.toString('utf8') ?? 'null') as unknown;
    if (topic === drift.alertTopic) {
      const alert = value as AlertRecord;
      alerts.set(alert.fingerprint, alert);
    } else {
      retrainRequests.push(value as RetrainRecord);
    }
  });

  const producer: Producer = kafka.producer();
  await producer.connect();
  // Stationary draws from the population the reference profile describes; the drift phase
  // draws from the same population shifted.
  const seed = Date.now() % 100_000;
  const stationary = createTransactionSampler({ population: fraudHoldoutPopulation(), seed });
  const shifts = options.drift && TRANSACTION_DRIFT_PRESETS[options.drift.preset];
  const drifted =
    shifts &&
    createTransactionSampler({ population: fraudHoldoutPopulation(shifts), seed: seed + 1 });
  const driftStartMs = options.drift === null ? Infinity : options.drift.afterSeconds * 1000;
  let produced = 0;
  let lastScored = 0;
  let lastProduced = 0;
  let lastBatch = await batchStats(service.registry);
  const perTick = options.ratePerSecond / (1000 / TICK_MS);
  const started = Date.now();
  let owed = 0;
  let nextLineAt = started + 1000;
  let drifting = false;

  while (Date.now() - started < options.durationSeconds * 1000) {
    owed += perTick;
    const count = Math.floor(owed);
    owed -= count;
    const now = Date.now();
    if (!drifting && drifted && now - started >= driftStartMs) {
      drifting = true;
      print(
        `${stamp(secondsSince(started))}  drift phase: ${options.drift?.preset} ${JSON.stringify(shifts)}`,
      );
    }
    const messages = (drifting && drifted ? drifted : stationary).nextBatch(count).map((event) => {
      sentAtMs.set(event.transaction_id, now);
      const malformed = Math.random() < options.badShare;
      return {
        key: event.card_id,
        value: malformed ? JSON.stringify(event).slice(0, 40) : JSON.stringify(event),
      };
    });
    if (messages.length > 0) await producer.send({ topic: topology.input.topic, messages });
    produced += messages.length;
    if (Date.now() >= nextLineAt) {
      const batch = await batchStats(service.registry);
      const meanBatch = (batch.sum - lastBatch.sum) / Math.max(1, batch.count - lastBatch.count);
      print(
        liveLine({
          seconds: secondsSince(started),
          inPerSecond: produced - lastProduced,
          outPerSecond: scored - lastScored,
          latencies: windowLatencies,
          meanBatch,
          queueDepth: await metricTotal(service.registry, 'streamscore_queue_depth_events'),
          flaggedShare: scored === 0 ? 0 : flagged / scored,
          drift: driftStatus(await service.drift?.view()),
        }),
      );
      windowLatencies = [];
      lastProduced = produced;
      lastScored = scored;
      lastBatch = batch;
      nextLineAt += 1000;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - (Date.now() - now))));
  }
  await producer.disconnect();

  // Let the last events through before stopping.
  const drainDeadline = Date.now() + 10_000;
  while (sentAtMs.size > 0 && Date.now() < drainDeadline) {
    const dead = await metricTotal(service.registry, 'streamscore_events_dead_lettered_total');
    if (scored + dead >= produced) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const deadLettered = await metricTotal(
    service.registry,
    'streamscore_events_dead_lettered_total',
  );
  await outputs.disconnect();
  // Stopping sends what the drift sinks hold; then read the drift topics to their end.
  await service.stop();
  await readToEnd(kafka, driftTopics, lastOffsets);
  await driftRecords.disconnect();

  latencies.sort((a, b) => a - b);
  const summary: FraudDemoSummary = {
    produced,
    scored,
    deadLettered,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      p999: quantile(latencies, 0.999),
    },
    flaggedShare: scored === 0 ? 0 : flagged / scored,
    alerts: [...alerts.values()].sort(
      (a, b) =>
        Number(b.state === 'FIRING') - Number(a.state === 'FIRING') ||
        (b.value ?? 0) - (a.value ?? 0),
    ),
    retrainRequests,
  };
  print(
    `summary: ${produced} produced, ${scored} scored, ${deadLettered} dead-lettered (${topology.deadLetter.topic}); ` +
      `end-to-end p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms, p99.9 ${summary.latencyMs.p999} ms; ` +
      `flagged as fraud ${(summary.flaggedShare * 100).toFixed(2)}%`,
  );
  printDriftOutcome(summary, topology, print);
  return summary;
}

const ALERT_LINES = 8;

function printDriftOutcome(
  summary: FraudDemoSummary,
  topology: Topology,
  print: (line: string) => void,
): void {
  const { alerts, retrainRequests } = summary;
  if (alerts.length === 0) {
    print(`drift: no alerts on ${topology.drift.alertTopic}: the stream matched the reference`);
  } else {
    print(`drift alerts on ${topology.drift.alertTopic} (the latest record of each):`);
    for (const alert of alerts.slice(0, ALERT_LINES)) print(`  ${alertLine(alert)}`);
    if (alerts.length > ALERT_LINES) print(`  … and ${alerts.length - ALERT_LINES} more`);
  }
  if (retrainRequests.length === 0) {
    print(`retraining: no request on ${topology.drift.retrainTopic}`);
  } else {
    print(`retraining requests on ${topology.drift.retrainTopic}:`);
    for (const request of retrainRequests) print(`  ${retrainLine(request)}`);
  }
}

/**
 * A consumer of `topics` from their current end, in a group of its own; resolves once it has
 * joined, so nothing produced afterwards is missed.
 */
async function consumeFromNow(
  kafka: Kafka,
  label: string,
  topics: readonly string[],
  eachMessage: (payload: EachMessagePayload) => void,
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: `streamscore-demo-${label}-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: false });
  let consumerJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => (consumerJoined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => consumerJoined());
  await consumer.run({ eachMessage: async (payload) => eachMessage(payload) });
  await joined;
  return consumer;
}

/** Waits (at most 5 s) until `lastOffsets` reaches the last record of every partition of `topics`. */
async function readToEnd(
  kafka: Kafka,
  topics: readonly string[],
  lastOffsets: ReadonlyMap<string, number>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = (
      await Promise.all(
        topics.map(async (topic) =>
          (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
            key: `${topic}/${partition}`,
            last: Number(high) - 1,
          })),
        ),
      )
    ).flat();
    const deadline = Date.now() + 5_000;
    const read = ({ key, last }: { key: string; last: number }) =>
      last < 0 || (lastOffsets.get(key) ?? -1) >= last;
    while (!ends.every(read) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** `[ 12s]`: when a line happened, in seconds into the stream. */
function stamp(seconds: number): string {
  return `[${String(seconds).padStart(3)}s]`;
}

function secondsSince(startedMs: number): number {
  return Math.round((Date.now() - startedMs) / 1000);
}

function liveLine(stats: {
  seconds: number;
  inPerSecond: number;
  outPerSecond: number;
  latencies: number[];
  meanBatch: number;
  queueDepth: number;
  flaggedShare: number;
  drift: string;
}): string {
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  return [
    stamp(stats.seconds),
    `in ${String(stats.inPerSecond).padStart(6)}/s`,
    `out ${String(stats.outPerSecond).padStart(6)}/s`,
    `e2e p50 ${String(quantile(sorted, 0.5)).padStart(4)} ms p99 ${String(quantile(sorted, 0.99)).padStart(4)} ms`,
    `batch ${stats.meanBatch.toFixed(1).padStart(6)}`,
    `queue ${String(stats.queueDepth).padStart(5)}`,
    `fraud ${(stats.flaggedShare * 100).toFixed(2)}%`,
    stats.drift,
  ].join('  ');
}

/** Latency quantiles as the demo prints them: 0 before the first scored event. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : nearestRankQuantile(sorted, q);
}

async function batchStats(registry: Registry): Promise<{ sum: number; count: number }> {
  const metric = registry.getSingleMetric('streamscore_batch_size_events');
  const values = metric === undefined ? [] : (await metric.get()).values;
  const total = (suffix: string) =>
    values
      .filter(
        // Histogram values carry the series name (…_bucket, …_sum, …_count) at run time.
        (value) =>
          (value as { metricName?: string }).metricName ===
          `streamscore_batch_size_events_${suffix}`,
      )
      .reduce((sum, value) => sum + value.value, 0);
  return { sum: total('sum'), count: total('count') };
}

/** A counter's or gauge's value summed over its labels. */
async function metricTotal(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  return values.reduce((total, value) => total + value.value, 0);
}
