/**
 * The drift side stream's consumer: reads the scored output topic in its own consumer group,
 * counts every event's features and score into tumbling event-time windows, and adds the
 * counts to the shared `WindowCountStore` every `flushIntervalMs`, on a rebalance and on stop.
 *
 * Exactly once, across restarts, rebalances and any number of instances:
 *
 * - each flush sends, per partition, one update covering the contiguous offsets read since the
 *   last one; the store applies it only if the whole range lies above the partition's fence;
 * - offsets are committed only after the store applied the update, so the group's committed
 *   offset never passes the fence + 1, and a restart re-reads from at or below the fence;
 * - on (re)assignment a partition's position is raised to the fence: records at or below it are
 *   counted already and skipped;
 * - when the store answers that another consumer counted part of a range (a late flush after a
 *   rebalance, a member that was presumed dead), this consumer drops that partition's counts and
 *   re-reads from the fence.
 *
 * A bad record (no value, not JSON, no model header) never stops it: it is counted in a metric
 * and reported once per flush interval. Records scored by another model version are skipped:
 * the profile's bins are that model's.
 *
 * A store failure (Redis down, or frozen past its command timeout) keeps the update and retries
 * it with the next flush; consumption goes on and memory stays bounded by the number of windows.
 * Once the store answers again the kept counts land in one update per partition, and an update
 * that timed out here but was applied in Redis after all is caught by the fence (`overlap`), so
 * nothing is counted twice. Every failure is counted in a metric; the log says when a failing
 * stretch starts, every minute while it lasts, and when it ends; and the consumer reports
 * `store-unreachable` once the store has failed for two command timeouts.
 */
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { StreamscoreError } from '../../errors.js';
import {
  createGroupConsumer,
  createJsonCodec,
  createKafkaClient,
  HEADERS,
  kafkaErrorSummary,
  requireTopics,
} from '../../io/index.js';
import {
  createDriftConsumerMetrics,
  type Logger,
  type NotReady,
} from '../../observability/index.js';
import {
  REDIS_COMMAND_TIMEOUT_MS,
  type CountUpdate,
  type WindowCountStore,
} from '../../state/index.js';
import type { Topology } from '../../topology/index.js';
import {
  createDriftWindowAccumulator,
  driftWindowKey,
  mergeCountUpdates,
  referenceBinningId,
  windowsStartingIn,
  type DriftWindowing,
  type LiveReferenceProfile,
} from './drift-window-accumulator.js';
import type { FeatureHistogram } from '../statistics/index.js';
import {
  addCounters,
  createHistogramCounterLayout,
  histogramsFromCounters,
} from './histogram-counters.js';

export interface DriftConsumerOptions {
  readonly topology: Topology;
  /** The reference profile, already checked against the topology and its model. */
  readonly profile: LiveReferenceProfile;
  readonly store: WindowCountStore;
  readonly logger: Logger;
  readonly registry: Registry;
}

export interface DriftConsumer {
  /** How this consumer names its windows in the store. */
  readonly windowing: DriftWindowing;
  start(): Promise<void>;
  /** Stops fetching, flushes and commits what it counted, leaves the group; bounded by the deadline. */
  stop(deadlineMs?: number): Promise<void>;
  /**
   * The merged histograms, per profile subject, of the windows starting in [fromMs, toMs), as
   * every instance has flushed them (the last flush interval of each instance is not in yet).
   */
  readWindows(fromMs: number, toMs: number): Promise<Map<string, FeatureHistogram>>;
  /** Why it cannot count now (starting, stopping, its store unreachable); undefined when it can. */
  notReady(): NotReady | undefined;
}

/** The drift consumer group: the scoring group's id with `-drift` appended. */
export function driftGroupId(topology: Topology): string {
  return `${topology.input.groupId}-drift`;
}

/** Windows read from the store at once by `readWindows`. */
const READ_CONCURRENCY = 32;
/** While the store keeps failing, one warning per this many milliseconds. */
const STORE_FAILURE_LOG_INTERVAL_MS = 60_000;
/**
 * A store failing this long is reported unreachable: a blip (a Redis restart, a failover, one
 * slow command) is not, a store that let two whole command timeouts pass is.
 */
const STORE_UNREACHABLE_AFTER_MS = 2 * REDIS_COMMAND_TIMEOUT_MS;

/** What the consumer asks of its store (the `operation` label of the failure metric). */
type StoreOperation = 'read-fence' | 'add-counts' | 'read-windows';

/** A stretch of store failures with no success between them. */
interface StoreOutage {
  /** Monotonic time the first failed call was sent. */
  readonly sinceMs: number;
  readonly sinceIso: string;
  /** The first failure and its cause, for readiness to report. */
  readonly first: string;
  loggedAtMs: number;
}

export function createDriftConsumer(options: DriftConsumerOptions): DriftConsumer {
  const { topology, profile, store, logger, registry } = options;
  const topic = topology.output.topic;
  const groupId = driftGroupId(topology);
  const log = logger.child({ stage: 'drift-consumer' });
  const labels = { topology: topology.name };
  const metrics = createDriftConsumerMetrics(registry);
  const model = profile.model;
  const windowing: DriftWindowing = {
    model: `${model.name}@${model.version}`,
    binningId: referenceBinningId(profile.subjects),
    windowMs: topology.drift.windowMs,
  };
  const modelHeader = Buffer.from(windowing.model);
  const layout = createHistogramCounterLayout(profile.subjects);
  const accumulator = createDriftWindowAccumulator({
    topic,
    features: topology.features,
    model,
    subjects: profile.subjects,
    windowing,
  });
  const codec = createJsonCodec();
  const kafka = createKafkaClient(topology.kafka, logger);
  let stopping = false;
  const consumer: Consumer = createGroupConsumer(kafka, { groupId, stopping: () => stopping });
  /** Set while kafkajs restarts the crashed consumer, or for good when it will not. */
  let crashed: { readonly restart: boolean; readonly error: string } | undefined;

  /** Per partition: the highest offset accounted for (counted, in flight, or applied by anyone). */
  const positions = new Map<number, number>();
  /** Partitions whose position was raised to the store's fence since the last assignment. */
  const fenced = new Set<number>();
  let assigned = new Set<number>();
  /** Updates the store could not take, carried into the next flush. */
  const unsent = new Map<number, CountUpdate>();
  /** Bumped whenever a partition's counts are dropped, so a late failure cannot carry them back. */
  const epochs = new Map<number, number>();
  let joined = false;
  let connected = false;
  let running = false;
  let flushChain: Promise<void> = Promise.resolve();
  let flushTimer: NodeJS.Timeout | undefined;
  let batchInFlight: Promise<void> = Promise.resolve();
  let invalidRecords = 0;
  let lastInvalid: { partition: number; offset: string; reason: string } | undefined;
  let storeOutage: StoreOutage | undefined;

  /** Drops what this consumer holds of a partition (revoked, or to be re-read from the fence). */
  function forget(partition: number): void {
    accumulator.discard(partition);
    unsent.delete(partition);
    positions.delete(partition);
    fenced.delete(partition);
    epochs.set(partition, (epochs.get(partition) ?? 0) + 1);
  }

  /**
   * Counts a failed store call sent at `sentAtMs` (monotonic) and logs it if it starts a failing
   * stretch or the last warning is a minute old; returns the failure, with its context.
   */
  function noteStoreFailure(
    error: unknown,
    operation: StoreOperation,
    action: string,
    sentAtMs: number,
  ): StreamscoreError {
    metrics.storeFailures.inc({ ...labels, operation });
    const now = performance.now();
    const failingForMs = Math.round(now - (storeOutage?.sinceMs ?? sentAtMs));
    const failure = new StreamscoreError(
      'STATE_UNAVAILABLE',
      `drift state store failed to ${action}`,
      { retriable: true, cause: error, context: { topic, operation, failingForMs } },
    );
    storeOutage ??= {
      sinceMs: sentAtMs,
      sinceIso: new Date(Date.now() - (now - sentAtMs)).toISOString(),
      first: `failed to ${action}: ${error instanceof Error ? error.message : String(error)}`,
      loggedAtMs: -Infinity,
    };
    if (now - storeOutage.loggedAtMs >= STORE_FAILURE_LOG_INTERVAL_MS) {
      storeOutage.loggedAtMs = now;
      log.warn({ err: failure }, 'drift state store failing; counts are kept and retried');
    }
    return failure;
  }

  function noteStoreSuccess(): void {
    if (storeOutage === undefined) return;
    const failedForMs = Math.round(performance.now() - storeOutage.sinceMs);
    storeOutage = undefined;
    log.info({ failedForMs }, 'drift state store reachable again');
  }

  function invalid(partition: number, message: KafkaMessage, reason: string): void {
    invalidRecords++;
    lastInvalid = { partition, offset: message.offset, reason };
    accumulator.skip(partition, Number(message.offset));
  }

  /** Counts, skips or rejects one record above the partition's position. */
  function take(partition: number, message: KafkaMessage): 'counted' | 'other-model' | 'invalid' {
    const offset = Number(message.offset);
    const value = message.value;
    if (value === null) {
      invalid(partition, message, 'record has no value (tombstone)');
      return 'invalid';
    }
    const headers: IHeaders = message.headers ?? {};
    const modelValue = headers[HEADERS.modelVersion];
    if (modelValue === undefined) {
      invalid(partition, message, `no ${HEADERS.modelVersion} header: not written by streamscore`);
      return 'invalid';
    }
    if (!Buffer.isBuffer(modelValue) || !modelValue.equals(modelHeader)) {
      accumulator.skip(partition, offset);
      return 'other-model';
    }
    let event: unknown;
    try {
      event = codec.decode(value);
    } catch (error) {
      invalid(partition, message, `not a valid ${codec.format} event: ${(error as Error).message}`);
      return 'invalid';
    }
    const inputTime = decimalHeader(headers[HEADERS.sourceTimestamp]);
    const eventTimeMs = Number.isNaN(inputTime) ? Number(message.timestamp) : inputTime;
    accumulator.add(partition, offset, eventTimeMs, event);
    return 'counted';
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isStale, heartbeat } = payload;
    const partition = batch.partition;
    if (!fenced.has(partition)) {
      const sentAtMs = performance.now();
      let applied: number;
      try {
        applied = await store.appliedOffset(topic, partition);
        noteStoreSuccess();
      } catch (error) {
        noteStoreFailure(error, 'read-fence', `read the fence of partition ${partition}`, sentAtMs);
        // Unresolved: the batch is fetched again after the pause.
        await new Promise((resolve) => setTimeout(resolve, topology.drift.flushIntervalMs));
        return;
      }
      positions.set(partition, Math.max(positions.get(partition) ?? -1, applied));
      fenced.add(partition);
    }
    // A re-read from the fence was requested meanwhile: this batch is from before it.
    if (isStale() || !assigned.has(partition)) return;
    let position = positions.get(partition) as number;
    let counted = 0;
    let otherModel = 0;
    let invalidHere = 0;
    let alreadyCounted = 0;
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      if (offset <= position) {
        alreadyCounted++;
        continue;
      }
      position = offset;
      const outcome = take(partition, message);
      if (outcome === 'counted') counted++;
      else if (outcome === 'other-model') otherModel++;
      else invalidHere++;
    }
    positions.set(partition, position);
    resolveOffset(batch.lastOffset());
    metrics.eventsCounted.inc(labels, counted);
    if (otherModel > 0)
      metrics.recordsSkipped.inc({ ...labels, reason: 'other-model' }, otherModel);
    if (invalidHere > 0) metrics.recordsSkipped.inc({ ...labels, reason: 'invalid' }, invalidHere);
    if (alreadyCounted > 0) {
      metrics.recordsSkipped.inc({ ...labels, reason: 'already-counted' }, alreadyCounted);
    }
    await heartbeat();
  }

  function reportInvalid(): void {
    if (invalidRecords === 0 || lastInvalid === undefined) return;
    const { partition, offset, reason } = lastInvalid;
    const error = new StreamscoreError('SCORED_RECORD_INVALID', reason, {
      context: { topic, partition, offset },
    });
    log.warn({ err: error, records: invalidRecords }, 'unreadable scored records skipped by drift');
    invalidRecords = 0;
    lastInvalid = undefined;
  }

  /** Another consumer counted part of this partition's range: drop ours, re-read from the fence. */
  function resync(partition: number, appliedOffset: number, outcome: string): void {
    forget(partition);
    log.info(
      { partition, appliedOffset, outcome },
      'another drift consumer counted part of this range; re-reading from the fence',
    );
    if (!assigned.has(partition)) return;
    positions.set(partition, appliedOffset);
    fenced.add(partition);
    try {
      consumer.seek({ topic, partition, offset: String(appliedOffset + 1) });
    } catch (error) {
      // Not running any more: the next owner starts from the committed offset and the fence.
      log.debug({ err: error, partition }, 'seek after resync refused');
    }
  }

  async function sendUpdate(update: CountUpdate, commits: { partition: number; offset: string }[]) {
    const { partition, lastOffset } = update.source;
    const epoch = epochs.get(partition);
    const sentAtMs = performance.now();
    let result;
    try {
      result = await store.add(update);
      noteStoreSuccess();
    } catch (error) {
      metrics.updates.inc({ ...labels, outcome: 'failed' });
      noteStoreFailure(
        error,
        'add-counts',
        `add the counts of partition ${partition} up to offset ${lastOffset}`,
        sentAtMs,
      );
      // Carried into the next flush, unless the partition's counts were dropped meanwhile (then
      // its records are read again from the committed offset, which this range never reached).
      if (epochs.get(partition) === epoch) unsent.set(partition, update);
      return;
    }
    metrics.updates.inc({ ...labels, outcome: result.outcome });
    if (result.outcome !== 'applied') resync(partition, result.appliedOffset, result.outcome);
    else if (assigned.has(partition)) commits.push({ partition, offset: String(lastOffset + 1) });
  }

  async function flushOnce(): Promise<void> {
    reportInvalid();
    const updates = accumulator.flush().map((update) => {
      const carried = unsent.get(update.source.partition);
      unsent.delete(update.source.partition);
      return carried === undefined ? update : mergeCountUpdates(carried, update);
    });
    updates.push(...unsent.values());
    unsent.clear();
    if (updates.length === 0) {
      if (storeOutage !== undefined) await probeStore();
      return;
    }
    const commits: { partition: number; offset: string }[] = [];
    await Promise.all(updates.map((update) => sendUpdate(update, commits)));
    if (commits.length === 0) return;
    try {
      await consumer.commitOffsets(commits.map((commit) => ({ topic, ...commit })));
    } catch (error) {
      // Usually a rebalance in progress. Harmless: a restart re-reads from the older commit and
      // skips what the fence says is counted.
      log.info({ err: error, commits }, 'drift offset commit failed; the fence covers it');
    }
  }

  /**
   * While the store fails and nothing waits to be sent, one fence read per flush finds out when
   * it is back: the call that failed may have no retry of its own (a partition revoked since).
   */
  async function probeStore(): Promise<void> {
    const partition = assigned.values().next().value ?? 0;
    const sentAtMs = performance.now();
    try {
      await store.appliedOffset(topic, partition);
      noteStoreSuccess();
    } catch (error) {
      noteStoreFailure(error, 'read-fence', `read the fence of partition ${partition}`, sentAtMs);
    }
  }

  /** Flushes are serialised: a partition's updates must reach the store in offset order. */
  function flush(): Promise<void> {
    flushChain = flushChain.then(flushOnce).catch((error: unknown) => {
      log.error({ err: error }, 'drift flush failed');
    });
    return flushChain;
  }

  return {
    windowing,

    async start() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await requireTopics(admin, [topic], topology.kafka.brokers, topology.sourceFile);
      } finally {
        await admin.disconnect();
      }
      consumer.on(consumer.events.REBALANCING, () => void flush());
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const now = new Set(payload.memberAssignment[topic] ?? []);
        for (const partition of assigned) if (!now.has(partition)) forget(partition);
        // Kept partitions restart from the committed offset; others may have moved the fence.
        fenced.clear();
        assigned = now;
        joined = true;
        crashed = undefined;
        log.info({ partitions: [...now].sort((a, b) => a - b), groupId }, 'drift consumer joined');
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (stopping) return;
        crashed = { restart: payload.restart, error: kafkaErrorSummary(payload.error) };
        if (payload.restart)
          log.warn({ err: payload.error, groupId }, 'drift consumer crashed; kafkajs restarts it');
        else
          log.error({ err: payload.error, groupId }, 'drift consumer crashed and will not restart');
      });
      connected = true;
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: topology.input.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => {
          const batch = eachBatch(payload);
          batchInFlight = batch.catch(() => undefined);
          return batch;
        },
      });
      running = true;
      flushTimer = setInterval(() => void flush(), topology.drift.flushIntervalMs);
      log.info(
        { topic, groupId, windowing, store: topology.drift.redisUrl ? 'redis' : 'memory' },
        'drift consumer started',
      );
    },

    async stop(deadlineMs = 30_000) {
      if (stopping) return;
      stopping = true;
      if (flushTimer) clearInterval(flushTimer);
      if (!connected) return;
      const deadline = new Promise((resolve) => setTimeout(resolve, deadlineMs).unref());
      if (running) {
        try {
          consumer.pause([{ topic }]);
        } catch {
          // Restarting after a crash: no batch is in flight, and disconnect stops the restart.
        }
        await Promise.race([batchInFlight.then(flush), deadline]);
      }
      // A broker that does not answer cannot hold the process past its deadline.
      await Promise.race([consumer.disconnect().catch(() => undefined), deadline]);
      log.info({ groupId }, 'drift consumer stopped');
    },

    async readWindows(fromMs, toMs) {
      const keys = windowsStartingIn(windowing.windowMs, fromMs, toMs).map((window) =>
        driftWindowKey(windowing, window),
      );
      const range = `${windowing.model} windows from ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()}`;
      const counters = new Map<string, number>();
      const sentAtMs = performance.now();
      try {
        for (let start = 0; start < keys.length; start += READ_CONCURRENCY) {
          const read = await Promise.all(
            keys.slice(start, start + READ_CONCURRENCY).map((key) => store.read(key)),
          );
          for (const window of read) addCounters(counters, window);
        }
      } catch (error) {
        throw noteStoreFailure(error, 'read-windows', `read the ${range}`, sentAtMs);
      }
      noteStoreSuccess();
      return histogramsFromCounters(layout, counters, range);
    },

    notReady() {
      if (stopping) return { condition: 'stopping', detail: 'drift consumer stopping' };
      if (crashed !== undefined) {
        return crashed.restart
          ? {
              condition: 'consumer-restarting',
              detail: `drift consumer restarting: ${crashed.error}`,
            }
          : { condition: 'failed', detail: `drift consumer stopped for good: ${crashed.error}` };
      }
      if (!joined) {
        return { condition: 'starting', detail: `drift consumer joining group ${groupId}` };
      }
      if (
        storeOutage !== undefined &&
        performance.now() - storeOutage.sinceMs >= STORE_UNREACHABLE_AFTER_MS
      ) {
        return {
          condition: 'store-unreachable',
          detail: `drift state store failing since ${storeOutage.sinceIso}; first ${storeOutage.first}`,
        };
      }
      return undefined;
    },
  };
}

/**
 * A header holding a non-negative decimal integer (as the scoring pipeline writes the input
 * timestamp), read without allocating; NaN when absent or not such a number.
 */
function decimalHeader(value: IHeaders[string]): number {
  if (!Buffer.isBuffer(value) || value.length === 0 || value.length > 15) return Number.NaN;
  let number = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = (value[i] as number) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    number = number * 10 + digit;
  }
  return number;
}
