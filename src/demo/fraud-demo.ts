/**
 * The main job, end to end on this machine: the local stack (started if not running), the
 * reference fraud topology scoring a live synthetic stream, a live line per second and a summary.
 * It stops what it started and leaves what it found running.
 */
import { homedir } from 'node:os';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import {
  createPathLookup,
  devStackAddresses,
  devStackDown,
  devStackUp,
  resolveCacheRootDir,
} from '../devstack/index.js';
import { createScoringService } from '../engine/index.js';
import type { Logger } from '../observability/index.js';
import { createTransactionGenerator } from '../synthetic/index.js';
import { loadTopology, type Topology } from '../topology/index.js';

export interface FraudDemoOptions {
  readonly topologyFile: string;
  /** Events per second the synthetic producer sends. */
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  /** Share of events sent malformed, to show the dead-letter path. */
  readonly badShare: number;
  readonly partitions: number;
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
    const topology = await loadTopology(options.topologyFile, {
      env: { ...process.env, KAFKA_BROKERS: brokers, METRICS_PORT: '0' },
    });
    const kafka = new Kafka({
      clientId: 'streamscore-demo',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics(kafka, topology, options.partitions);
    return await scoreLiveStream(kafka, topology, options);
  } finally {
    if (!stack.reused) {
      await devStackDown({ stateFilePath: options.stateFilePath });
      print('stopped the local stack the demo started');
    }
  }
}

async function ensureTopics(kafka: Kafka, topology: Topology, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: topology.input.topic, numPartitions: partitions },
      { topic: topology.output.topic, numPartitions: partitions },
      { topic: topology.deadLetter.topic, numPartitions: 1 },
    ].filter(({ topic }) => !existing.has(topic));
    if (wanted.length > 0) await admin.createTopics({ topics: wanted, waitForLeaders: true });
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
  const service = createScoringService({ topology, logger, httpPort: 0 });
  const { httpPort } = await service.start();
  print(
    `scoring ${topology.input.topic} → ${topology.output.topic}; metrics at http://127.0.0.1:${httpPort}/metrics`,
  );

  const sentAtMs = new Map<string, number>();
  const latencies: number[] = [];
  let windowLatencies: number[] = [];
  let scored = 0;
  let flagged = 0;
  const consumer: Consumer = kafka.consumer({
    groupId: `streamscore-demo-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topology.output.topic, fromBeginning: false });
  const scoreField = topology.output.scoreField;
  let consumerJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => (consumerJoined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => consumerJoined());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as Record<string, unknown>;
      const sent = sentAtMs.get(String(event['transaction_id']));
      if (sent === undefined) return;
      sentAtMs.delete(String(event['transaction_id']));
      const latency = Date.now() - sent;
      latencies.push(latency);
      windowLatencies.push(latency);
      scored++;
      if ((event[scoreField] as { label?: number } | undefined)?.label === 1) flagged++;
    },
  });
  await joined;

  const producer: Producer = kafka.producer();
  await producer.connect();
  const generator = createTransactionGenerator({ seed: Date.now() % 100_000 });
  let produced = 0;
  let lastScored = 0;
  let lastProduced = 0;
  let lastBatch = await batchStats(service.registry);
  const perTick = options.ratePerSecond / (1000 / TICK_MS);
  const started = Date.now();
  let owed = 0;
  let nextLineAt = started + 1000;

  while (Date.now() - started < options.durationSeconds * 1000) {
    owed += perTick;
    const count = Math.floor(owed);
    owed -= count;
    const now = Date.now();
    const messages = generator.nextBatch(count).map((event) => {
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
          seconds: Math.round((Date.now() - started) / 1000),
          inPerSecond: produced - lastProduced,
          outPerSecond: scored - lastScored,
          latencies: windowLatencies,
          meanBatch,
          queueDepth: await metricTotal(service.registry, 'streamscore_queue_depth_events'),
          flaggedShare: scored === 0 ? 0 : flagged / scored,
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
  await consumer.disconnect();
  await service.stop();

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
  };
  print(
    `summary: ${produced} produced, ${scored} scored, ${deadLettered} dead-lettered (${topology.deadLetter.topic}); ` +
      `end-to-end p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms, p99.9 ${summary.latencyMs.p999} ms; ` +
      `flagged as fraud ${(summary.flaggedShare * 100).toFixed(2)}%`,
  );
  return summary;
}

function liveLine(stats: {
  seconds: number;
  inPerSecond: number;
  outPerSecond: number;
  latencies: number[];
  meanBatch: number;
  queueDepth: number;
  flaggedShare: number;
}): string {
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  return [
    `[${String(stats.seconds).padStart(3)}s]`,
    `in ${String(stats.inPerSecond).padStart(6)}/s`,
    `out ${String(stats.outPerSecond).padStart(6)}/s`,
    `e2e p50 ${String(quantile(sorted, 0.5)).padStart(4)} ms p99 ${String(quantile(sorted, 0.99)).padStart(4)} ms`,
    `batch ${stats.meanBatch.toFixed(1).padStart(6)}`,
    `queue ${String(stats.queueDepth).padStart(5)}`,
    `fraud ${(stats.flaggedShare * 100).toFixed(2)}%`,
  ].join('  ');
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
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
