/**
 * The kafkajs source: consumes one topic in a consumer group and commits only what the caller
 * has finished. It is the state machine between the caller and kafkajs, and it survives what kafkajs does on its
 * own: a consumer that crashes and restarts (a broker outage), a rebalance, a re-fetch from the
 * committed offsets.
 *
 * - Operations kafkajs cannot take now (pause/resume/commit while it restarts its crashed
 *   consumer throw "Consumer group was not initialized") are never thrown to the caller: the
 *   wanted pause state is applied again on every join and every fetch, and a failed commit is
 *   retried at the next round.
 * - Records are handed out once: after a restart kafkajs fetches again from the last commit,
 *   and records already handed out (in flight, or finished but not yet committed) are skipped.
 *   A partition this member lost in a rebalance is forgotten, and read again from its commit
 *   if it comes back (at-least-once).
 * - A consumer kafkajs will not restart (a non-retriable error) is fatal: `onFatal` is called
 *   so the process can exit for its supervisor instead of idling while ready.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { createGroupConsumer } from './kafka-client.js';
import { kafkaErrorSummary } from './kafka-errors.js';
import type { KafkaSource, KafkaSourceOptions } from './kafka-source.js';
import { createOffsetWatermark } from './offset-watermark.js';
import { withinDeadline } from './within-deadline.js';

export function createKafkajsSource(kafka: Kafka, options: KafkaSourceOptions): KafkaSource {
  const { topic, brokerTimeoutMs } = options;
  const log = options.logger.child({ stage: 'kafka-source', topic, groupId: options.groupId });
  const watermark = createOffsetWatermark();
  /** Per partition, the last offset handed out: re-fetched records at or below it are skipped. */
  const handedOutThrough = new Map<number, number>();
  let wantPaused = false;
  let stopping = false;
  let joinedOnce = false;
  let inGroup = false;
  let restartingSince: number | undefined;
  let lastBrokerAnswerAt = Date.now();
  let commitTimer: NodeJS.Timeout | undefined;
  let commitInFlight: Promise<void> | undefined;
  let commitFailing = false;

  const consumer: Consumer = createGroupConsumer(kafka, {
    groupId: options.groupId,
    maxBytesPerPartition: options.maxBytesPerPartition,
    stopping: () => stopping,
  });

  /** Brings kafkajs to the wanted pause state; false when it cannot take it now. */
  function applyPauseState(): boolean {
    try {
      if (wantPaused) consumer.pause([{ topic }]);
      else consumer.resume([{ topic }]);
      return true;
    } catch {
      // The consumer is between a crash and its restart; the next join applies it.
      return false;
    }
  }

  consumer.on(consumer.events.REQUEST, () => {
    lastBrokerAnswerAt = Date.now();
  });
  consumer.on(consumer.events.REBALANCING, () => {
    inGroup = false;
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assigned = new Set(payload.memberAssignment[topic] ?? []);
    joinedOnce = true;
    inGroup = true;
    if (restartingSince !== undefined) {
      log.info({ restartedAfterMs: Date.now() - restartingSince }, 'consumer restarted');
      restartingSince = undefined;
    }
    log.info({ partitions: [...assigned].sort((a, b) => a - b) }, 'joined consumer group');
    // Revoked partitions: their in-flight events still reach the output, but their offsets
    // are no longer ours to commit; the new owner re-reads them (at-least-once).
    watermark.retain(topic, assigned);
    for (const partition of handedOutThrough.keys()) {
      if (!assigned.has(partition)) handedOutThrough.delete(partition);
    }
    applyPauseState();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    inGroup = false;
    if (stopping) return;
    const error = payload.error;
    if (payload.restart) {
      restartingSince ??= Date.now();
      log.warn({ err: error }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    log.error({ err: error }, 'consumer crashed and will not restart');
    options.onFatal(
      new Error(`consumer of ${topic} stopped for good: ${kafkaErrorSummary(error)}`, {
        cause: error,
      }),
    );
  });

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale, heartbeat } = payload;
    const partition = batch.partition;
    if (stopping || !isRunning() || isStale()) return;
    // A resume or pause that could not be applied during a restart is applied now.
    if (wantPaused) {
      applyPauseState();
      return;
    }
    const through = handedOutThrough.get(partition) ?? -1;
    let first = 0;
    while (
      first < batch.messages.length &&
      Number((batch.messages[first] as KafkaMessage).offset) <= through
    ) {
      first++;
    }
    const fresh = first === 0 ? batch.messages : batch.messages.slice(first);
    if (first > 0) resolveOffset((batch.messages[first - 1] as KafkaMessage).offset);
    if (fresh.length > 0) {
      const taken = options.onRecords(partition, fresh);
      for (let i = 0; i < taken; i++) {
        watermark.track(topic, partition, Number((fresh[i] as KafkaMessage).offset));
      }
      if (taken > 0) {
        const last = (fresh[taken - 1] as KafkaMessage).offset;
        handedOutThrough.set(partition, Number(last));
        resolveOffset(last);
      }
      if (taken < fresh.length) {
        // Unresolved records are fetched again after resume: nothing is skipped.
        wantPaused = true;
        applyPauseState();
      }
    }
    options.onLag?.(
      partition,
      Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
    );
    await heartbeat();
  }

  async function commitFinished(): Promise<void> {
    if (commitInFlight) return commitInFlight;
    const offsets = watermark.committable();
    if (offsets.length === 0) return;
    commitInFlight = (async () => {
      try {
        await consumer.commitOffsets(offsets.map((entry) => ({ ...entry })));
        watermark.markCommitted(offsets);
        options.onCommit?.('ok');
        if (commitFailing) log.info({ offsets }, 'offset commit succeeded again');
        commitFailing = false;
      } catch (error) {
        // A rebalance or a restart in progress; the next round commits what this one could not.
        options.onCommit?.('failed');
        if (!commitFailing) log.warn({ err: error, offsets }, 'offset commit failed; will retry');
        commitFailing = true;
      } finally {
        commitInFlight = undefined;
      }
    })();
    return commitInFlight;
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        eachBatch,
      });
      lastBrokerAnswerAt = Date.now();
      commitTimer = setInterval(() => void commitFinished(), options.commitIntervalMs ?? 1_000);
    },
    pause() {
      if (wantPaused) return;
      wantPaused = true;
      applyPauseState();
    },
    resume() {
      if (!wantPaused || stopping) return;
      wantPaused = false;
      applyPauseState();
    },
    isPaused() {
      return wantPaused;
    },
    complete(partition, offset) {
      watermark.complete(topic, partition, Number(offset));
    },
    pending() {
      return watermark.pending();
    },
    notReady() {
      if (stopping) return { condition: 'stopping', detail: `consumer of ${topic} stopping` };
      if (!joinedOnce) {
        return { condition: 'starting', detail: `joining group ${options.groupId}` };
      }
      const silentForMs = Date.now() - lastBrokerAnswerAt;
      if (silentForMs > brokerTimeoutMs) {
        return {
          condition: 'broker-unreachable',
          detail: `no broker answered the consumer of ${topic} for ${Math.round(silentForMs / 1000)} s`,
        };
      }
      if (restartingSince !== undefined) {
        return {
          condition: 'consumer-restarting',
          detail: `consumer of ${topic} restarting after a crash`,
        };
      }
      if (!inGroup) {
        return {
          condition: 'not-in-group',
          detail: `consumer of ${topic} rejoining group ${options.groupId}`,
        };
      }
      return undefined;
    },
    async stop(deadlineMs) {
      if (stopping) return;
      stopping = true;
      const deadline = Date.now() + deadlineMs;
      clearInterval(commitTimer);
      wantPaused = true;
      applyPauseState();
      // A commit to a broker that is down would wait out kafkajs's retries: bounded too.
      await withinDeadline(commitInFlight ?? Promise.resolve(), deadline);
      await withinDeadline(commitFinished(), deadline);
      const left = await withinDeadline(consumer.disconnect(), deadline);
      if (!left) log.warn('consumer did not leave its group before the deadline');
    },
  };
}
