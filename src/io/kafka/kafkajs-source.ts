/**
 * The kafkajs source: consumes one topic in a consumer group and commits only what the caller
 * has finished (consumer-progress.ts keeps that part). It is the state machine between the
 * caller and kafkajs, and it survives what kafkajs does on its own: a consumer that crashes and
 * restarts (a broker outage), a rebalance, a re-fetch from the committed offsets.
 *
 * - Operations kafkajs cannot take now (pause/resume/commit while it restarts its crashed
 *   consumer throw "Consumer group was not initialized") are never thrown to the caller: the
 *   wanted pause state is applied again on every join and every fetch, and a failed commit is
 *   retried at the next round.
 * - Records are handed out once: after a restart kafkajs fetches again from the last commit,
 *   and records already handed out (in flight, or finished but not yet committed) are skipped.
 *   When a rebalance begins, what is finished is committed before kafkajs rejoins; a partition
 *   this member lost is forgotten, and read again from its commit if it comes back
 *   (at-least-once: only what was in flight is read twice).
 * - A consumer kafkajs will not restart (a non-retriable error) is fatal: `onFatal` is called
 *   so the process can exit for its supervisor instead of idling while ready.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { createGroupConsumer } from './kafka-client.js';
import { createConsumerProgress } from './consumer-progress.js';
import { kafkaErrorSummary } from './kafka-errors.js';
import type { KafkaSource, KafkaSourceOptions } from './kafka-source.js';
import { withinDeadline } from './within-deadline.js';

export function createKafkajsSource(kafka: Kafka, options: KafkaSourceOptions): KafkaSource {
  const { topic } = options;
  const log = options.logger.child({ stage: 'kafka-source', topic, groupId: options.groupId });
  let wantPaused = false;
  let stopping = false;
  let joinedOnce = false;
  let inGroup = false;
  let restartingSince: number | undefined;

  const consumer: Consumer = createGroupConsumer(kafka, {
    groupId: options.groupId,
    maxBytesPerPartition: options.maxBytesPerPartition,
    stopping: () => stopping,
  });
  const progress = createConsumerProgress({
    topic,
    groupId: options.groupId,
    brokerTimeoutMs: options.brokerTimeoutMs,
    commit: (offsets) => consumer.commitOffsets(offsets.map((entry) => ({ ...entry }))),
    ...(options.onCommit === undefined ? {} : { onCommit: options.onCommit }),
    ...(options.onAssigned === undefined ? {} : { onAssigned: options.onAssigned }),
    log,
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

  consumer.on(consumer.events.REQUEST, progress.brokerAnswered);
  // Emitted just before the client rejoins, so this commit goes out ahead of the join.
  consumer.on(consumer.events.REBALANCING, () => {
    inGroup = false;
    progress.commitBeforeRebalance();
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
    progress.retain(assigned);
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
    const through = progress.handedOutThrough(partition);
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
      progress.handedOut(partition, fresh, taken);
      if (taken > 0) resolveOffset((fresh[taken - 1] as KafkaMessage).offset);
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
      progress.startCommitting(options.commitIntervalMs ?? 1_000);
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
    complete: progress.complete,
    pending: progress.pending,
    notReady() {
      return progress.notReady({
        stopping,
        joinedOnce,
        inGroup,
        restarting:
          restartingSince === undefined
            ? undefined
            : {
                condition: 'consumer-restarting',
                detail: `consumer of ${topic} restarting after a crash`,
              },
      });
    },
    async stop(deadlineMs) {
      if (stopping) return;
      stopping = true;
      const deadline = Date.now() + deadlineMs;
      wantPaused = true;
      applyPauseState();
      await progress.finalCommit(deadline);
      const left = await withinDeadline(consumer.disconnect(), deadline);
      if (!left) log.warn('consumer did not leave its group before the deadline');
    },
  };
}
