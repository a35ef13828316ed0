/**
 * The hot path: input topic → decode → features → dynamic batcher → model → output topic, with
 * the dead-letter topic beside it. Every consumed offset is tracked until its output or
 * dead-letter record is acknowledged, and only then can it be committed (at-least-once).
 *
 * Concurrency: a batch goes to the model as soon as it closes (a worker pool runs several at
 * once), but outputs are sent one send at a time in batch order, so each input partition's
 * outputs keep the input order (every event of input partition p goes to output partition
 * p mod N). Inference of later batches overlaps the send of earlier ones.
 */
import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import type { Registry } from 'prom-client';
import { createDynamicBatcher, type Batch, type DynamicBatcher } from '../batching/index.js';
import { createFeatureExtractor, type FeatureError } from '../features/index.js';
import type { ModelOutputs, ModelSession } from '../inference/index.js';
import {
  createJsonCodec,
  createKafkaClient,
  HEADERS,
  requireTopics,
  type DeadLetterReason,
  type EventCodec,
  createOffsetWatermark,
  createOrderedOutbox,
  type OrderedOutbox,
  type TopicPartitionOffset,
} from '../io/index.js';
import type { Logger } from '../observability/index.js';
import { createPipelineMetrics, type PipelineMetrics } from '../observability/index.js';
import type { Topology } from '../topology/index.js';

/** One accepted event on its way through the batcher. */
interface PendingEvent {
  readonly partition: number;
  readonly message: KafkaMessage;
  /**
   * The decoded event, kept only when it already has the score field (it is then encoded
   * whole); otherwise the score is appended to the input bytes, and holding thousands of
   * decoded events in the queue would only feed the garbage collector.
   */
  readonly eventWithScoreField: Record<string, unknown> | undefined;
}

interface DeadLetter {
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

export interface ScoringPipelineOptions {
  readonly topology: Topology;
  readonly session: ModelSession;
  readonly model: { readonly name: string; readonly version: number };
  readonly logger: Logger;
  readonly registry: Registry;
  /** How often finished offsets are committed. */
  readonly commitIntervalMs?: number;
}

export interface ScoringPipeline {
  start(): Promise<void>;
  /** Stops fetching, finishes what is in flight, commits, disconnects; bounded by the deadline. */
  stop(deadlineMs?: number): Promise<void>;
  /** Why the pipeline is not ready, or undefined once the group is joined and the model warm. */
  notReadyReason(): string | undefined;
}

const SEND_RETRY_MAX_MS = 5_000;
/**
 * Scored batches that are ready together go out in one produce request up to this size: below
 * the broker's default message.max.bytes (1 MiB), which bounds each partition's record batch,
 * and small enough that kafkajs's grouping of a request's records by partition, which costs
 * the square of the records per partition, stays negligible.
 */
const MAX_SEND_BYTES = 512 * 1024;
/** Per-record framing plus streamscore's provenance headers, as counted towards MAX_SEND_BYTES. */
const RECORD_OVERHEAD_BYTES = 160;

export function createScoringPipeline(options: ScoringPipelineOptions): ScoringPipeline {
  const { topology, session, logger, registry } = options;
  const log = logger.child({ topology: topology.name, stage: 'pipeline' });
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
  const codec: EventCodec = createJsonCodec();
  const extractor = createFeatureExtractor(topology.features);
  const watermark = createOffsetWatermark();
  const kafka = createKafkaClient(topology.kafka, logger);
  const consumer: Consumer = kafka.consumer({
    groupId: topology.input.groupId,
    allowAutoTopicCreation: false,
    // Fetches return as soon as data arrives; this only bounds an idle long poll, which a
    // graceful stop would otherwise wait out (kafkajs defaults to 5 s).
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: topology.input.fetchMaxBytesPerPartition,
    // kafkajs restarts a consumer whose run loop failed, even one failing because we are
    // disconnecting it mid-rebalance: that zombie would rejoin and hold partitions it never
    // reads. Once stopping, stay stopped.
    retry: { restartOnFailure: async () => !stopping },
  });
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    // Outputs name their partition; only dead letters are placed by key, with Kafka's murmur2.
    createPartitioner: Partitioners.DefaultPartitioner,
  });

  let outputPartitions = 1;
  let joined = false;
  let stopping = false;
  let paused = false;
  let deadLetterTail: Promise<void> = Promise.resolve();
  let deadLettersInFlight = 0;
  let commitTimer: NodeJS.Timeout | undefined;
  let commitInFlight: Promise<void> | undefined;

  const batcher: DynamicBatcher<PendingEvent> = createDynamicBatcher<PendingEvent>({
    width: extractor.width,
    maxBatchSize: topology.batching.maxBatchSize,
    maxDelayMs: topology.batching.maxDelayMs,
    preferredBatchSizes: topology.batching.preferredBatchSizes,
    maxQueuedEvents: topology.batching.maxQueuedEvents,
    onBatch: (batch) => {
      metrics.batchSize.observe(labels, batch.size);
      // Inference starts now (a worker pool runs several batches at once); the outbox sends in
      // dispatch order, which keeps each partition's outputs in input order.
      outbox.push(batch, scoreBatch(batch));
    },
    onDrain: () => {
      if (!paused || stopping) return;
      paused = false;
      metrics.pausedPartitions.set(labels, 0);
      consumer.resume([{ topic: inputTopic }]);
    },
  });

  /** Runs the model; resolves with the output records, or undefined when the batch failed. */
  async function scoreBatch(batch: Batch<PendingEvent>): Promise<Message[] | undefined> {
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
      deadLetterAll(
        batch.items.map(({ partition, message }) => ({
          partition,
          message,
          reason: 'INFERENCE_FAILED' as const,
          detail,
        })),
      );
      batcher.release(batch);
      return undefined;
    }
    metrics.inferenceSeconds.observe(
      { ...labels, model: options.model.name },
      (performance.now() - started) / 1000,
    );
    return scoredMessages(batch, outputs);
  }

  function scoredMessages(batch: Batch<PendingEvent>, outputs: ModelOutputs): Message[] {
    const scoredAt = new Date().toISOString();
    const messages: Message[] = new Array(batch.size);
    const { scoreField } = topology.output;
    for (let i = 0; i < batch.size; i++) {
      const { partition, message, eventWithScoreField } = batch.items[i] as PendingEvent;
      const score: Record<string, unknown> = {};
      for (const output of topology.model.outputs) {
        score[output.field] = outputValue(outputs[output.name], i, output.column);
      }
      score.model = options.model.name;
      score.version = options.model.version;
      score.scoredAt = scoredAt;
      messages[i] = {
        key: message.key,
        value: codec.encodeWithField(
          message.value as Buffer,
          eventWithScoreField,
          scoreField,
          score,
        ),
        partition: partition % outputPartitions,
        headers: {
          [HEADERS.sourceTopic]: inputTopic,
          [HEADERS.sourcePartition]: String(partition),
          [HEADERS.sourceOffset]: message.offset,
          [HEADERS.sourceTimestamp]: message.timestamp,
          [HEADERS.modelVersion]: modelLabel,
        },
      };
    }
    return messages;
  }

  const outbox: OrderedOutbox<Batch<PendingEvent>, Message> = createOrderedOutbox({
    send: (messages) => sendUntilAcknowledged(topology.output.topic, messages),
    onSent: completeScored,
    recordBytes: (message) =>
      (message.value as Buffer).length +
      ((message.key as Buffer | null)?.length ?? 0) +
      RECORD_OVERHEAD_BYTES,
    maxRequestBytes: MAX_SEND_BYTES,
  });

  function completeScored(batches: Batch<PendingEvent>[]): void {
    const ackedAt = Date.now();
    const endToEndSeconds = metrics.endToEndSeconds.labels(labels);
    for (const batch of batches) {
      for (const { partition, message } of batch.items) {
        watermark.complete(inputTopic, partition, Number(message.offset));
        // Observed per event through the labelled child: no label hashing per event.
        endToEndSeconds.observe((ackedAt - Number(message.timestamp)) / 1000);
      }
      metrics.eventsScored.inc({ ...labels, model: options.model.name }, batch.size);
      batcher.release(batch);
    }
    metrics.queueDepth.set(labels, batcher.queuedEvents());
  }

  /**
   * Retries until the records are acknowledged: dropping them would lose events, and while the
   * output is down the queue fills and the source pauses. Stop gives up (nothing is committed
   * for these events, so they are read again after a restart).
   */
  async function sendUntilAcknowledged(topic: string, messages: Message[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await producer.send({ topic, messages, acks: -1 });
        return;
      } catch (error) {
        if (stopping && stopDeadlinePassed()) throw error;
        const delay = Math.min(SEND_RETRY_MAX_MS, 100 * 2 ** attempt);
        log.error(
          { err: error, topic, records: messages.length, attempt, retryInMs: delay },
          'send failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  function deadLetterAll(letters: readonly DeadLetter[]): void {
    if (letters.length === 0) return;
    const time = new Date().toISOString();
    const messages = letters.map((letter) => deadLetterMessage(letter, time));
    deadLettersInFlight += letters.length;
    deadLetterTail = deadLetterTail.then(async () => {
      await sendDeadLetters(messages, letters);
      for (const { partition, message, reason } of letters) {
        watermark.complete(inputTopic, partition, Number(message.offset));
        metrics.eventsDeadLettered.inc({ ...labels, reason });
      }
      deadLettersInFlight -= letters.length;
    });
  }

  async function sendDeadLetters(messages: Message[], letters: readonly DeadLetter[]) {
    try {
      await producer.send({ topic: topology.deadLetter.topic, messages, acks: -1 });
    } catch (error) {
      // A record too large for the DLQ topic must still leave a trace: send it without its value.
      if (
        (error as { type?: string }).type !== 'MESSAGE_TOO_LARGE' &&
        !String(error).includes('too large')
      ) {
        await sendUntilAcknowledged(topology.deadLetter.topic, messages);
        return;
      }
      log.warn(
        { records: letters.length },
        'dead-letter records too large; sending them without values',
      );
      const trimmed = messages.map((message) => ({
        ...message,
        value: null,
        headers: { ...message.headers, [HEADERS.valueOmitted]: 'true' },
      }));
      await sendUntilAcknowledged(topology.deadLetter.topic, trimmed);
    }
  }

  function deadLetterMessage(letter: DeadLetter, time: string): Message {
    const { message, partition, reason, detail } = letter;
    return {
      key: message.key,
      value: message.value,
      headers: {
        ...(message.headers as IHeaders),
        [HEADERS.errorClass]: reason,
        [HEADERS.errorMessage]: detail,
        [HEADERS.errorTime]: time,
        [HEADERS.sourceTopic]: inputTopic,
        [HEADERS.sourcePartition]: String(partition),
        [HEADERS.sourceOffset]: message.offset,
      },
    };
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale, heartbeat } = payload;
    const partition = batch.partition;
    const letters: DeadLetter[] = [];
    const maxBytes = topology.input.maxRecordBytes;
    let accepted = 0;
    for (const message of batch.messages) {
      if (stopping || !isRunning() || isStale()) break;
      if (batcher.isFull()) {
        // Unresolved messages are fetched again after resume: nothing is skipped.
        if (!paused) {
          paused = true;
          metrics.pausedPartitions.set(labels, 1);
          consumer.pause([{ topic: inputTopic }]);
        }
        break;
      }
      watermark.track(inputTopic, partition, Number(message.offset));
      resolveOffset(message.offset);
      accepted++;
      const value = message.value;
      if (value === null) {
        letters.push({
          partition,
          message,
          reason: 'DECODE_FAILED',
          detail: 'record has no value (tombstone)',
        });
        continue;
      }
      if (value.length > maxBytes) {
        letters.push({
          partition,
          message,
          reason: 'RECORD_TOO_LARGE',
          detail: `record of ${value.length} bytes exceeds input.maxRecordBytes (${maxBytes})`,
        });
        continue;
      }
      let event: Record<string, unknown>;
      try {
        event = codec.decode(value) as Record<string, unknown>;
      } catch (error) {
        letters.push({
          partition,
          message,
          reason: 'DECODE_FAILED',
          detail: `not a valid ${codec.format} event: ${(error as Error).message}`,
        });
        continue;
      }
      const { rows, offset } = batcher.nextRow();
      const featureError: FeatureError | undefined = extractor.extract(event, rows, offset);
      if (featureError !== undefined) {
        letters.push({
          partition,
          message,
          reason: featureError.code,
          detail: featureError.message,
        });
        continue;
      }
      batcher.commitRow({
        partition,
        message,
        eventWithScoreField: Object.hasOwn(event, topology.output.scoreField) ? event : undefined,
      });
    }
    metrics.eventsConsumed.inc(labels, accepted);
    metrics.queueDepth.set(labels, batcher.queuedEvents());
    const lag = Number(batch.highWatermark) - Number(batch.lastOffset()) - 1;
    metrics.consumerLag.set(
      { ...labels, topic: inputTopic, partition: String(partition) },
      Math.max(0, lag),
    );
    deadLetterAll(letters);
    await heartbeat();
  }

  async function commitFinished(): Promise<void> {
    if (commitInFlight) return commitInFlight;
    const offsets: TopicPartitionOffset[] = watermark.committable();
    if (offsets.length === 0) return;
    commitInFlight = consumer
      .commitOffsets(offsets.map((entry) => ({ ...entry })))
      .then(
        () => {
          watermark.markCommitted(offsets);
          metrics.commits.inc({ ...labels, outcome: 'ok' });
        },
        (error: unknown) => {
          // Usually a rebalance in progress; the next round commits what this one could not.
          metrics.commits.inc({ ...labels, outcome: 'failed' });
          log.warn({ err: error, offsets }, 'offset commit failed; will retry');
        },
      )
      .finally(() => {
        commitInFlight = undefined;
      });
    return commitInFlight;
  }

  /** Fails with the names of missing topics; returns the output topic's partition count. */
  async function checkTopics(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await requireTopics(
        admin,
        [inputTopic, topology.output.topic, topology.deadLetter.topic],
        topology.kafka.brokers,
      );
      const metadata = await admin.fetchTopicMetadata({ topics: [topology.output.topic] });
      return metadata.topics[0]?.partitions.length ?? 1;
    } finally {
      await admin.disconnect();
    }
  }

  let started = false;
  let stopDeadline = Infinity;
  const stopDeadlinePassed = () => performance.now() > stopDeadline;

  return {
    async start() {
      await producer.connect();
      outputPartitions = await checkTopics();
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const assigned = new Set(payload.memberAssignment[inputTopic] ?? []);
        joined = true;
        log.info({ partitions: [...assigned].sort((a, b) => a - b) }, 'joined consumer group');
        // Revoked partitions: their in-flight events still reach the output, but their offsets
        // are no longer ours to commit; the new owner re-reads them (at-least-once).
        watermark.retain(inputTopic, assigned);
      });
      started = true;
      await consumer.connect();
      await consumer.subscribe({ topic: inputTopic, fromBeginning: topology.input.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: topology.input.partitionsConsumedConcurrently,
        eachBatch,
      });
      commitTimer = setInterval(() => void commitFinished(), options.commitIntervalMs ?? 1000);
      log.info(
        {
          input: inputTopic,
          output: topology.output.topic,
          deadLetter: topology.deadLetter.topic,
          model: modelLabel,
        },
        'scoring pipeline started',
      );
    },

    async stop(deadlineMs = 30_000) {
      if (stopping) return;
      stopping = true;
      stopDeadline = performance.now() + deadlineMs;
      if (!started) {
        await producer.disconnect();
        return;
      }
      log.info({ queued: batcher.queuedEvents() }, 'stopping: finishing in-flight events');
      consumer.pause([{ topic: inputTopic }]);
      batcher.flush();
      // Drain: wait for every accepted event to be acknowledged, until the deadline.
      while (
        (batcher.queuedEvents() > 0 || deadLettersInFlight > 0) &&
        outbox.halted() === undefined &&
        !stopDeadlinePassed()
      ) {
        await Promise.race([
          Promise.all([outbox.idle(), deadLetterTail]),
          new Promise((resolve) => setTimeout(resolve, 50)),
        ]);
      }
      if (commitTimer) clearInterval(commitTimer);
      await commitInFlight;
      await commitFinished();
      const unfinished = batcher.queuedEvents() + deadLettersInFlight;
      if (unfinished > 0)
        log.warn({ unfinished }, 'stop deadline reached; unfinished events will be re-read');
      batcher.close();
      await consumer.disconnect();
      await producer.disconnect();
      log.info({ unfinished }, 'scoring pipeline stopped');
    },

    notReadyReason() {
      if (stopping) return 'stopping';
      if (!joined) return 'consumer group not joined yet';
      return undefined;
    },
  };
}

function outputValue(
  tensor: ModelOutputs[string] | undefined,
  row: number,
  column: number | undefined,
): number | number[] | null {
  if (tensor === undefined) return null;
  const columns = tensor.dims.length > 1 ? (tensor.dims[1] as number) : 1;
  const read = (index: number) => Number(tensor.data[index]);
  if (column !== undefined) return read(row * columns + column);
  if (columns === 1) return read(row);
  const values: number[] = new Array(columns);
  for (let c = 0; c < columns; c++) values[c] = read(row * columns + c);
  return values;
}
