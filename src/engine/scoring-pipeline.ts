/**
 * The hot path: input topic → decode → features → dynamic batcher → model → output topic, with
 * the dead-letter topic beside it. Every consumed offset is tracked until its output or
 * dead-letter record is acknowledged, and only then can it be committed (at-least-once).
 *
 * Every record ends in the output or the DLQ by construction: each per-event step (decode,
 * features, encode, a scored record too large for the output topic) dead-letters that event
 * alone; a model failure dead-letters its batch. What no retry can fix (the ordered output
 * path halted) fails readiness and calls `onFatal`, so a supervisor restarts the process.
 *
 * Concurrency: a batch goes to the model as soon as it closes (a worker pool runs several at
 * once), but outputs are sent one send at a time in batch order, so each input partition's
 * outputs keep the input order (every event of input partition p goes to output partition
 * p mod N). Inference of later batches overlaps the send of earlier ones.
 */
import type { Registry } from 'prom-client';
import { createDynamicBatcher, type Batch, type DynamicBatcher } from '../batching/index.js';
import { createFeatureExtractor } from '../features/index.js';
import type { ModelOutputs, ModelSession } from '../inference/index.js';
import {
  createDeadLetterWriter,
  createJsonCodec,
  createKafkaClient,
  createKafkaSink,
  createKafkaSource,
  createOrderedOutbox,
  createRecordProducer,
  readMaxMessageBytes,
  requireTopics,
  type DeadLetter,
  type DeadLetterWriter,
  type EventCodec,
  type KafkaSink,
  type OrderedOutbox,
  type RecordProducer,
  type SourceRecord,
} from '../io/index.js';
import type { Logger, NotReady } from '../observability/index.js';
import { createPipelineMetrics, type PipelineMetrics } from '../observability/index.js';
import {
  createRecordIntake,
  createScoredRecordBuilder,
  type PendingEvent,
  type ScoredMessage,
  type ScoredRecordBuilder,
} from '../scoring/index.js';
import type { Topology } from '../topology/index.js';

export interface ScoringPipelineOptions {
  readonly topology: Topology;
  readonly session: ModelSession;
  readonly model: { readonly name: string; readonly version: number };
  readonly logger: Logger;
  readonly registry: Registry;
  /** The pipeline cannot go on (output path halted, consumer gone for good); exit for a restart. */
  readonly onFatal?: (error: Error) => void;
  /** How often finished offsets are committed. */
  readonly commitIntervalMs?: number;
}

export interface ScoringPipeline {
  /** Connects the producer and checks the topics; reads nothing yet. */
  prepare(): Promise<{ inputPartitions: number }>;
  /** Joins the input group and starts scoring (after prepare). */
  join(): Promise<void>;
  /**
   * Stops fetching, finishes what is in flight, commits, disconnects; bounded by the deadline.
   * Resolves with the events left unfinished (read again after a restart).
   */
  stop(deadlineMs?: number): Promise<{ unfinished: number }>;
  /** Why the pipeline cannot make progress now, or undefined. */
  notReady(): NotReady | undefined;
}

/**
 * Scored batches that are ready together go out in one produce request up to this size, and
 * dead letters too: small enough that kafkajs's grouping of a request's records by partition,
 * which costs the square of the records per partition, stays negligible (@platformatic/kafka
 * groups in linear time; the same size serves it). The topic's own
 * max.message.bytes bounds it further (see the sink).
 */
const MAX_SEND_BYTES = 512 * 1024;
/** Part of the stop deadline kept for the last commit and leaving the group. */
const STOP_RESERVE_SHARE = 0.1;

export function createScoringPipeline(options: ScoringPipelineOptions): ScoringPipeline {
  const { topology, session, logger, registry } = options;
  const log = logger.child({ stage: 'pipeline' });
  const labels = { topology: topology.name };
  const modelLabel = `${options.model.name}@${options.model.version}`;
  const metrics: PipelineMetrics = createPipelineMetrics(registry);
  metrics.modelInfo.set(
    {
      ...labels,
      model: options.model.name,
      version: String(options.model.version),
      provider: session.provider,
    },
    1,
  );

  const inputTopic = topology.input.topic;
  const { brokerTimeoutMs, stallTimeoutMs } = topology.observability.readiness;
  const codec: EventCodec = createJsonCodec();
  const extractor = createFeatureExtractor(topology.features);
  // Topic checks at start-up use kafkajs's admin whichever client scores.
  const kafka = createKafkaClient(topology.kafka, logger);
  const producer: RecordProducer = createRecordProducer(topology.kafka, logger);
  const source = createKafkaSource(topology.kafka, {
    topic: inputTopic,
    groupId: topology.input.groupId,
    fromBeginning: topology.input.fromBeginning,
    maxBytesPerPartition: topology.input.fetchMaxBytesPerPartition,
    partitionsConsumedConcurrently: topology.input.partitionsConsumedConcurrently,
    brokerTimeoutMs,
    onRecords: takeRecords,
    onLag: (partition, lag) => {
      lagByPartition.set(partition, lag);
      metrics.consumerLag.set({ ...labels, topic: inputTopic, partition: String(partition) }, lag);
    },
    onAssigned: (partitions) => {
      for (const partition of lagByPartition.keys()) {
        if (partitions.has(partition)) continue;
        lagByPartition.delete(partition);
        metrics.consumerLag.remove({ ...labels, topic: inputTopic, partition: String(partition) });
      }
    },
    onCommit: (outcome) => metrics.commits.inc({ ...labels, outcome }),
    onFatal: fail,
    logger: log,
    ...(options.commitIntervalMs === undefined
      ? {}
      : { commitIntervalMs: options.commitIntervalMs }),
  });

  /** Set in prepare(), once the output topic's partitions are known. */
  let outputRecords: ScoredRecordBuilder | undefined;
  let outputSink: KafkaSink | undefined;
  let deadLetterSink: KafkaSink | undefined;
  let deadLetters: DeadLetterWriter | undefined;
  let stopping = false;
  let halted: Error | undefined;
  const lagByPartition = new Map<number, number>();
  /** When the pipeline last finished an event, or last had nothing waiting. */
  let lastProgressAt = Date.now();

  function fail(error: Error): void {
    if (stopping || halted !== undefined) return;
    halted = error;
    log.error({ err: error }, 'scoring cannot go on; exiting so that a supervisor restarts it');
    options.onFatal?.(error);
  }

  const stages = {
    fetch: metrics.stageSeconds.labels({ ...labels, stage: 'fetch' }),
    batchFill: metrics.stageSeconds.labels({ ...labels, stage: 'batch_fill' }),
    inference: metrics.stageSeconds.labels({ ...labels, stage: 'inference' }),
    output: metrics.stageSeconds.labels({ ...labels, stage: 'output' }),
  };
  // Labelled children, observed per batch or per event without hashing their labels each time.
  const modelLabels = { ...labels, model: options.model.name };
  const inferenceSeconds = metrics.inferenceSeconds.labels(modelLabels);
  const eventsScored = metrics.eventsScored.labels(modelLabels);
  const endToEndSeconds = metrics.endToEndSeconds.labels(labels);
  /** When the model answered for each batch still waiting for its output (performance.now()). */
  const answeredAt = new Map<Batch<PendingEvent>, number>();

  const batcher: DynamicBatcher<PendingEvent> = createDynamicBatcher<PendingEvent>({
    width: extractor.width,
    maxBatchSize: topology.batching.maxBatchSize,
    maxDelayMs: topology.batching.maxDelayMs,
    preferredBatchSizes: topology.batching.preferredBatchSizes,
    maxQueuedEvents: topology.batching.maxQueuedEvents,
    onBatch: (batch) => {
      metrics.batchSize.observe(labels, batch.size);
      observeDispatch(batch);
      // Inference starts now (a worker pool runs several batches at once); the outbox sends in
      // dispatch order, which keeps each partition's outputs in input order.
      outbox.push(batch, scoreBatch(batch));
    },
    onDrain: () => {
      if (!source.isPaused() || stopping) return;
      metrics.pausedPartitions.set(labels, 0);
      source.resume();
    },
  });

  const intake = createRecordIntake({
    codec,
    extractor,
    batcher,
    maxRecordBytes: topology.input.maxRecordBytes,
    scoreField: topology.output.scoreField,
  });

  /** The fetch and batch_fill stages of a batch's first event, as the batch leaves for the model. */
  function observeDispatch(batch: Batch<PendingEvent>): void {
    const dispatchedAt = performance.now();
    const first = batch.items[0];
    if (first === undefined) return;
    const openedAtWallMs = Date.now() - (dispatchedAt - batch.openedAtMs);
    stages.fetch.observe(Math.max(0, openedAtWallMs - Number(first.record.timestamp)) / 1000);
    stages.batchFill.observe((dispatchedAt - batch.openedAtMs) / 1000);
  }

  function deadLetter(letters: readonly DeadLetter[]): void {
    (deadLetters as DeadLetterWriter).write(letters);
  }

  function finishDeadLettered(letters: readonly DeadLetter[]): void {
    for (const { partition, record, reason } of letters) {
      source.complete(partition, record.offset);
      metrics.eventsDeadLettered.inc({ ...labels, reason });
    }
    lastProgressAt = Date.now();
  }

  /** Runs the model; resolves with the output records, or undefined when the batch failed. */
  async function scoreBatch(batch: Batch<PendingEvent>): Promise<ScoredMessage[] | undefined> {
    const started = performance.now();
    let outputs: ModelOutputs;
    try {
      const run = await session.run(batch.rows, batch.runSize);
      batch.rows = run.rows;
      outputs = run.outputs;
    } catch (error) {
      const rows = (error as { rows?: Float32Array }).rows;
      if (rows !== undefined) batch.rows = rows;
      // A model that fails on a batch fails on its events, not on the stream.
      const detail = `model ${modelLabel} failed on a batch of ${batch.size}: ${String(error)}`;
      log.error({ err: error, batchSize: batch.size }, 'inference failed; batch dead-lettered');
      deadLetter(
        batch.items.map(({ partition, record }) => ({
          partition,
          record,
          reason: 'INFERENCE_FAILED' as const,
          detail,
        })),
      );
      batcher.release(batch);
      return undefined;
    }
    const answered = performance.now();
    // Scoring starts as the batch is dispatched: the inference stage is the inference duration.
    const seconds = (answered - started) / 1000;
    inferenceSeconds.observe(seconds);
    stages.inference.observe(seconds);
    answeredAt.set(batch, answered);
    const { messages, failed } = (outputRecords as ScoredRecordBuilder)(batch, outputs);
    deadLetter(failed);
    return messages;
  }

  const outbox: OrderedOutbox<Batch<PendingEvent>, ScoredMessage> = createOrderedOutbox({
    send: sendScored,
    onSent: completeScored,
    recordBytes: (message) =>
      (message.value as Buffer).length + ((message.key as Buffer | null)?.length ?? 0),
    maxRequestBytes: MAX_SEND_BYTES,
    onHalt: (error) => {
      if (!stopping) fail(new Error(`output path halted: ${String(error)}`, { cause: error }));
    },
  });

  /** Sends until acknowledged; records too large for the output topic go to the DLQ instead. */
  async function sendScored(messages: ScoredMessage[]): Promise<void> {
    const sink = outputSink as KafkaSink;
    const refused = await sink.send(messages);
    if (refused.length === 0) return;
    log.warn(
      { records: refused.length, maxMessageBytes: sink.maxMessageBytes },
      'scored records too large for the output topic; dead-lettered',
    );
    deadLetter(
      refused.map(({ source: event, value }) => {
        event.deadLettered = true;
        return {
          partition: event.partition,
          record: event.record,
          reason: 'OUTPUT_TOO_LARGE' as const,
          detail: `scored record of ${(value as Buffer).length} bytes does not fit ${sink.topic}'s max.message.bytes (${sink.maxMessageBytes})`,
        };
      }),
    );
  }

  function completeScored(batches: Batch<PendingEvent>[]): void {
    const ackedAt = Date.now();
    const outputAckedAt = performance.now();
    for (const batch of batches) {
      let scored = 0;
      for (const { partition, record, deadLettered } of batch.items) {
        // A dead-lettered event is finished by the dead-letter writer.
        if (deadLettered) continue;
        source.complete(partition, record.offset);
        endToEndSeconds.observe((ackedAt - Number(record.timestamp)) / 1000);
        scored++;
      }
      eventsScored.inc(scored);
      const answered = answeredAt.get(batch);
      if (answered !== undefined) {
        stages.output.observe((outputAckedAt - answered) / 1000);
        answeredAt.delete(batch);
      }
      batcher.release(batch);
    }
    lastProgressAt = ackedAt;
    metrics.queueDepth.set(labels, batcher.queuedEvents());
  }

  /** Takes the leading records of a fetch while the batcher has room. */
  function takeRecords(partition: number, records: readonly SourceRecord[]): number {
    const letters: DeadLetter[] = [];
    let taken = 0;
    for (const record of records) {
      if (stopping) break;
      if (batcher.isFull()) {
        metrics.pausedPartitions.set(labels, 1);
        break;
      }
      taken++;
      const letter = intake(partition, record);
      if (letter !== undefined) letters.push(letter);
    }
    metrics.eventsConsumed.inc(labels, taken);
    metrics.queueDepth.set(labels, batcher.queuedEvents());
    deadLetter(letters);
    return taken;
  }

  /** Fails with the names of missing topics; reads the output's partitions and the limits. */
  async function prepareTopics(): Promise<{
    inputPartitions: number;
    outputPartitions: number;
    maxMessageBytes: Map<string, number>;
  }> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = [inputTopic, topology.output.topic, topology.deadLetter.topic];
      await requireTopics(admin, topics, topology.kafka.brokers, topology.sourceFile);
      const metadata = await admin.fetchTopicMetadata({
        topics: [inputTopic, topology.output.topic],
      });
      const partitions = (name: string) =>
        metadata.topics.find((topic) => topic.name === name)?.partitions.length ?? 1;
      return {
        inputPartitions: partitions(inputTopic),
        outputPartitions: partitions(topology.output.topic),
        maxMessageBytes: await readMaxMessageBytes(admin, topics.slice(1)),
      };
    } finally {
      await admin.disconnect();
    }
  }

  function sinkNotReady(sink: KafkaSink | undefined): NotReady | undefined {
    const failure = sink?.failure();
    if (failure === undefined) return undefined;
    const failingForMs = Date.now() - failure.sinceMs;
    if (failingForMs <= brokerTimeoutMs) return undefined;
    return {
      condition: 'broker-unreachable',
      detail: `sends to ${sink?.topic} failing for ${Math.round(failingForMs / 1000)} s: ${failure.error}`,
    };
  }

  /** Input is waiting (queued, in flight, or behind the high watermark) with nothing finished. */
  function stalled(): NotReady | undefined {
    let lag = 0;
    for (const partitionLag of lagByPartition.values()) lag += partitionLag;
    const waiting = batcher.queuedEvents() + (deadLetters?.inFlight() ?? 0) + lag;
    const now = Date.now();
    if (waiting === 0) {
      lastProgressAt = now;
      return undefined;
    }
    const idleForMs = now - lastProgressAt;
    if (idleForMs <= stallTimeoutMs) return undefined;
    return {
      condition: 'stalled',
      detail: `${waiting} events waiting and none finished for ${Math.round(idleForMs / 1000)} s`,
    };
  }

  let started = false;

  return {
    async prepare() {
      await producer.connect();
      const { inputPartitions, outputPartitions, maxMessageBytes: limits } = await prepareTopics();
      outputRecords = createScoredRecordBuilder({
        codec,
        model: options.model,
        outputs: topology.model.outputs,
        scoreField: topology.output.scoreField,
        inputTopic,
        outputPartitions,
      });
      const sinkOptions = { producer, maxRequestBytes: MAX_SEND_BYTES, logger: log };
      outputSink = createKafkaSink({
        ...sinkOptions,
        topic: topology.output.topic,
        maxMessageBytes: limits.get(topology.output.topic) as number,
      });
      deadLetterSink = createKafkaSink({
        ...sinkOptions,
        topic: topology.deadLetter.topic,
        maxMessageBytes: limits.get(topology.deadLetter.topic) as number,
      });
      deadLetters = createDeadLetterWriter({
        sink: deadLetterSink,
        sourceTopic: inputTopic,
        onWritten: finishDeadLettered,
        logger: log,
      });
      return { inputPartitions };
    },

    async join() {
      started = true;
      await source.start();
      log.info(
        {
          client: topology.kafka.client ?? 'platformatic',
          input: inputTopic,
          output: topology.output.topic,
          deadLetter: topology.deadLetter.topic,
          model: modelLabel,
          maxMessageBytes: Object.fromEntries(
            [outputSink, deadLetterSink].map((sink) => [sink?.topic, sink?.maxMessageBytes]),
          ),
        },
        'scoring pipeline started',
      );
    },

    async stop(deadlineMs = 30_000) {
      if (stopping) return { unfinished: 0 };
      stopping = true;
      const stopStarted = performance.now();
      const drainUntil = stopStarted + deadlineMs * (1 - STOP_RESERVE_SHARE);
      if (!started) {
        await producer.disconnect();
        return { unfinished: 0 };
      }
      log.info({ queued: batcher.queuedEvents() }, 'stopping: finishing in-flight events');
      source.pause();
      batcher.flush();
      const unfinishedNow = () => batcher.queuedEvents() + (deadLetters?.inFlight() ?? 0);
      // Drain: wait for every accepted event to be acknowledged, until the deadline.
      while (
        unfinishedNow() > 0 &&
        outbox.halted() === undefined &&
        performance.now() < drainUntil
      ) {
        await Promise.race([
          Promise.all([outbox.idle(), deadLetters?.idle()]),
          new Promise((resolve) => setTimeout(resolve, 50)),
        ]);
      }
      const unfinished = unfinishedNow();
      // Sends still retrying give up: their events stay uncommitted and are read again.
      outputSink?.abort();
      deadLetterSink?.abort();
      batcher.close();
      const left = () => Math.max(0, stopStarted + deadlineMs - performance.now());
      await source.stop(left());
      await Promise.race([
        producer.disconnect().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, left()).unref()),
      ]);
      if (unfinished > 0) {
        log.warn(
          { unfinished, deadlineMs },
          'stop deadline reached with events unfinished; they are read again after a restart',
        );
      }
      log.info({ unfinished }, 'scoring pipeline stopped');
      return { unfinished };
    },

    notReady() {
      if (stopping) return { condition: 'stopping', detail: 'scoring pipeline stopping' };
      if (halted !== undefined) return { condition: 'halted', detail: halted.message };
      if (!started) {
        const detail =
          deadLetters === undefined
            ? 'scoring pipeline starting'
            : 'prepared; waiting to join the input group';
        return { condition: 'starting', detail };
      }
      return (
        source.notReady() ?? sinkNotReady(outputSink) ?? sinkNotReady(deadLetterSink) ?? stalled()
      );
    },
  };
}
