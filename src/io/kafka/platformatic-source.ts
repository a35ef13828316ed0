/**
 * The @platformatic/kafka source: consumes one topic in a consumer group through one messages
 * stream and commits only what the caller has finished. It is the state machine between the
 * caller and the client, and it survives what the client does on its own:
 *
 * - The stream is destroyed when a fetch fails for good (a broker outage). The group member
 *   stays, and a new stream is opened with capped backoff; it starts again from the committed
 *   offsets, and records already handed out (in flight, or finished but not yet committed) are
 *   skipped, as after a rebalance. The source reports `consumer-restarting` meanwhile.
 * - The stream delivers records one by one, synchronously for one fetch; they are gathered and
 *   handed out per partition run once the fetch is delivered. Records the caller does not take
 *   wait, in order, while the stream is paused; the client buffers what it fetched meanwhile.
 * - When a rebalance begins, what is finished is committed before the client rejoins. A
 *   partition lost in it is forgotten (its records waiting here are dropped) and read again
 *   from its commit if it comes back (at-least-once: only what was in flight is read twice).
 * - Refused credentials are fatal: `onFatal` is called so that the process exits for its
 *   supervisor instead of idling while ready.
 */
import {
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  type ConsumerGroupJoinPayload,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import type { NotReady } from '../../observability/index.js';
import type { KafkaConnection } from '../../topology/index.js';
import { createConsumerProgress } from './consumer-progress.js';
import { isBrokerUnreachable, isKafkaErrorFinal, kafkaErrorSummary } from './kafka-errors.js';
import type { RecordHeaders, SourceRecord } from './kafka-records.js';
import type { KafkaSource, KafkaSourceOptions } from './kafka-source.js';
import { platformaticConnectionOptions } from './platformatic-client.js';
import { withinDeadline } from './within-deadline.js';

type WireMessage = Message<Buffer, Buffer, Buffer, Buffer>;
type WireStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/** A consumed record in the shape the pipeline reads; headers are converted only if read. */
class PlatformaticRecord implements SourceRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly timestamp: string;
  readonly #wireHeaders: Map<Buffer, Buffer>;
  #headers: RecordHeaders | undefined;

  constructor(message: WireMessage) {
    this.key = message.key ?? null;
    this.value = message.value ?? null;
    this.offset = message.offset.toString();
    this.timestamp = message.timestamp.toString();
    this.#wireHeaders = message.headers;
  }

  get headers(): RecordHeaders {
    if (this.#headers === undefined) {
      const headers: RecordHeaders = {};
      for (const [name, value] of this.#wireHeaders) headers[name.toString()] = value;
      this.#headers = headers;
    }
    return this.#headers;
  }
}

/** Backoff between attempts to open the stream again, doubling from 250 ms up to this. */
const MAX_REOPEN_DELAY_MS = 5_000;
/** How often the high watermarks are read for the lag. */
const LAG_INTERVAL_MS = 1_000;

export function createPlatformaticSource(
  connection: KafkaConnection,
  options: KafkaSourceOptions,
): KafkaSource {
  const { topic } = options;
  const log = options.logger.child({ stage: 'kafka-source', topic, groupId: options.groupId });
  /** Delivered by the stream and not yet taken, in delivery order. */
  let waiting: WireMessage[] = [];
  let waitingHead = 0;
  let drainScheduled = false;
  let assigned = new Set<number>();
  let stream: WireStream | undefined;
  let wantPaused = false;
  let stopping = false;
  let joinedOnce = false;
  let inGroup = false;
  let restartingSince: number | undefined;
  /** Why the stream last failed, while it is being opened again. */
  let restartCause: unknown;
  let reopenAttempts = 0;
  let reopenTimer: NodeJS.Timeout | undefined;
  let lagTimer: NodeJS.Timeout | undefined;

  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...platformaticConnectionOptions(connection),
    groupId: options.groupId,
    autocommit: false,
    maxBytesPerPartition: options.maxBytesPerPartition,
    // Fetches return as soon as data arrives; this only bounds an idle long poll, which a
    // graceful stop would otherwise wait out.
    maxWaitTime: 250,
    // As kafkajs: a member that stops heartbeating loses its partitions within 30 s.
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3_000,
  });

  const progress = createConsumerProgress({
    topic,
    groupId: options.groupId,
    brokerTimeoutMs: options.brokerTimeoutMs,
    commit: (offsets) =>
      consumer.commit({
        offsets: offsets.map(({ partition, offset }) => ({
          topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: -1,
        })),
      }),
    ...(options.onCommit === undefined ? {} : { onCommit: options.onCommit }),
    ...(options.onAssigned === undefined ? {} : { onAssigned: options.onAssigned }),
    log,
  });
  const brokerAnswered = progress.brokerAnswered;
  consumer.on('consumer:heartbeat:end', brokerAnswered);
  // Emitted just before the client rejoins, so this commit goes out ahead of the join.
  consumer.on('consumer:group:rebalance', () => {
    inGroup = false;
    progress.commitBeforeRebalance();
  });
  consumer.on('consumer:group:join', (payload: ConsumerGroupJoinPayload) => {
    const partitions = (payload.assignments ?? [])
      .filter((assignment) => assignment.topic === topic)
      .flatMap((assignment) => assignment.partitions);
    assigned = new Set(partitions);
    joinedOnce = true;
    inGroup = true;
    brokerAnswered();
    log.info({ partitions: [...assigned].sort((a, b) => a - b) }, 'joined consumer group');
    progress.retain(assigned);
    waiting = waiting.slice(waitingHead).filter((message) => assigned.has(message.partition));
    waitingHead = 0;
  });
  // The client emits errors it cannot hand to a call (a failed rejoin); without a listener
  // they would end the process.
  consumer.on('error', (error: Error) => {
    if (stopping) return;
    if (isKafkaErrorFinal(error)) {
      fatal(error);
      return;
    }
    inGroup = false;
    log.warn({ err: error }, 'consumer group error; the client rejoins');
  });

  function fatal(error: unknown): void {
    log.error({ err: error }, 'consumer stopped and will not restart');
    options.onFatal(
      new Error(`consumer of ${topic} stopped for good: ${kafkaErrorSummary(error)}`, {
        cause: error,
      }),
    );
  }

  function scheduleDrain(): void {
    if (drainScheduled) return;
    drainScheduled = true;
    // One fetch is delivered synchronously: hand it out once it is all here.
    queueMicrotask(drain);
  }

  /** Hands out waiting records, one run of one partition at a time, while the caller takes them. */
  function drain(): void {
    drainScheduled = false;
    while (waitingHead < waiting.length && !wantPaused && !stopping) {
      const partition = (waiting[waitingHead] as WireMessage).partition;
      const through = progress.handedOutThrough(partition);
      const run: SourceRecord[] = [];
      let end = waitingHead;
      while (end < waiting.length && (waiting[end] as WireMessage).partition === partition) {
        const message = waiting[end] as WireMessage;
        if (Number(message.offset) > through) run.push(new PlatformaticRecord(message));
        end++;
      }
      const taken = run.length === 0 ? 0 : options.onRecords(partition, run);
      progress.handedOut(partition, run, taken);
      if (taken < run.length) {
        // The rest waits here, in order, until the caller resumes.
        const firstLeft = Number((run[taken] as SourceRecord).offset);
        while ((waiting[waitingHead] as WireMessage).partition === partition) {
          if (Number((waiting[waitingHead] as WireMessage).offset) >= firstLeft) break;
          waitingHead++;
        }
        wantPaused = true;
        stream?.pause();
        break;
      }
      waitingHead = end;
    }
    if (waitingHead === waiting.length) {
      waiting = [];
      waitingHead = 0;
    }
  }

  const streamOptions = {
    topics: [topic],
    mode: MessagesStreamModes.COMMITTED,
    fallbackMode: options.fromBeginning
      ? MessagesStreamFallbackModes.EARLIEST
      : MessagesStreamFallbackModes.LATEST,
    autocommit: false,
    maxBytesPerPartition: options.maxBytesPerPartition,
    maxWaitTime: 250,
  };

  function attach(opened: WireStream): void {
    stream = opened;
    brokerAnswered();
    opened.on('data', (message: WireMessage) => {
      waiting.push(message);
      if (!wantPaused) scheduleDrain();
    });
    opened.on('error', (error: Error) => streamFailed(opened, error));
    if (wantPaused) opened.pause();
  }

  function openStream(): void {
    reopenTimer = undefined;
    if (stopping) return;
    consumer
      .consume(streamOptions)
      .then((opened) => {
        if (stopping) {
          void opened.close().catch(() => undefined);
          return;
        }
        attach(opened);
        if (restartingSince !== undefined) {
          log.info({ restartedAfterMs: Date.now() - restartingSince }, 'consumer restarted');
          restartingSince = undefined;
        }
        reopenAttempts = 0;
      })
      .catch((error: unknown) => streamFailed(undefined, error));
  }

  function streamFailed(failed: WireStream | undefined, error: unknown): void {
    if (stopping) return;
    if (failed !== undefined && failed !== stream) return;
    stream = undefined;
    if (isKafkaErrorFinal(error)) {
      fatal(error);
      return;
    }
    // What was delivered and not taken is fetched again from the committed offsets.
    waiting = [];
    waitingHead = 0;
    restartingSince ??= Date.now();
    restartCause = error;
    const delayMs = Math.min(MAX_REOPEN_DELAY_MS, 250 * 2 ** Math.min(reopenAttempts, 8));
    reopenAttempts++;
    if (reopenAttempts === 1 || reopenAttempts % 10 === 0) {
      log.warn(
        { err: error, attempts: reopenAttempts },
        'consumer stream failed; opening it again',
      );
    }
    reopenTimer = setTimeout(openStream, delayMs);
  }

  /** While the stream is opened again: why, for readiness. */
  function restarting(): NotReady | undefined {
    if (restartingSince === undefined) return undefined;
    // A fetch fails as soon as its broker is gone, before the silence is long enough.
    const down = isBrokerUnreachable(restartCause);
    return {
      condition: down ? 'broker-unreachable' : 'consumer-restarting',
      detail: `consumer of ${topic} ${down ? 'cannot reach a broker' : 'restarting after a failed fetch'}: ${kafkaErrorSummary(restartCause)}`,
    };
  }

  async function readLag(): Promise<void> {
    const current = stream;
    if (current === undefined || !inGroup) return;
    try {
      const highWatermarks = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
      brokerAnswered();
      const fetchPositions = current.offsetsToFetch;
      for (const partition of assigned) {
        const high = highWatermarks[partition];
        const position = fetchPositions.get(`${topic}:${partition}`);
        if (high === undefined || position === undefined) continue;
        options.onLag?.(partition, Math.max(0, Number(high - position)));
      }
    } catch {
      // Lag is reported again at the next round; readiness covers a broker that is gone.
    }
  }

  return {
    async start() {
      // The first stream is opened here so that a cluster that refuses us fails start-up.
      attach(await consumer.consume(streamOptions));
      progress.startCommitting(options.commitIntervalMs ?? 1_000);
      lagTimer = setInterval(() => void readLag(), LAG_INTERVAL_MS);
    },
    pause() {
      if (wantPaused) return;
      wantPaused = true;
      stream?.pause();
    },
    resume() {
      if (!wantPaused || stopping) return;
      wantPaused = false;
      stream?.resume();
      scheduleDrain();
    },
    isPaused() {
      return wantPaused;
    },
    complete: progress.complete,
    pending: progress.pending,
    notReady() {
      return progress.notReady({ stopping, joinedOnce, inGroup, restarting: restarting() });
    },
    async stop(deadlineMs) {
      if (stopping) return;
      stopping = true;
      const deadline = Date.now() + deadlineMs;
      clearInterval(lagTimer);
      clearTimeout(reopenTimer);
      wantPaused = true;
      stream?.pause();
      await progress.finalCommit(deadline);
      const left = await withinDeadline(
        (async () => {
          await stream?.close();
          await consumer.close();
        })(),
        deadline,
      );
      if (!left) {
        log.warn('consumer did not leave its group before the deadline');
        // Sockets still open would keep the process alive past its deadline.
        consumer.close(true, () => undefined);
      }
    },
  };
}
