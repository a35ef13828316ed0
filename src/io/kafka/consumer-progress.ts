/**
 * What both sources keep the same way, whichever client fetches: which records were handed out
 * (so that a re-fetch from the commit hands none out twice), which are finished, the periodic
 * commit of the finished prefix, the partitions kept across a rebalance, and what readiness
 * says of the consumer. The client-specific state machines (kafkajs-source.ts,
 * platformatic-source.ts) feed it their events.
 */
import type { Logger, NotReady } from '../../observability/index.js';
import { createOffsetWatermark, type TopicPartitionOffset } from './offset-watermark.js';
import { withinDeadline } from './within-deadline.js';

export interface ConsumerProgressOptions {
  readonly topic: string;
  readonly groupId: string;
  /** No broker answer for this long reports `broker-unreachable`. */
  readonly brokerTimeoutMs: number;
  /** Commits these offsets with the client; rejects when the commit failed. */
  readonly commit: (offsets: readonly TopicPartitionOffset[]) => Promise<void>;
  readonly onCommit?: (outcome: 'ok' | 'failed') => void;
  /** After each join, with the partitions this member now owns. */
  readonly onAssigned?: (partitions: ReadonlySet<number>) => void;
  readonly log: Logger;
}

/** The client's side of readiness, checked in this order after stopping and starting. */
export interface ConsumerState {
  readonly stopping: boolean;
  readonly joinedOnce: boolean;
  readonly inGroup: boolean;
  /** Set while the client restarts its consumer (after a crash, a failed fetch). */
  readonly restarting: NotReady | undefined;
}

export interface ConsumerProgress {
  /** A handed-out record is finished: its offset may be committed once all before it are. */
  complete(partition: number, offset: string): void;
  /** Records handed out and not finished. */
  pending(): number;
  /** The last offset handed out of a partition, -1 before any. */
  handedOutThrough(partition: number): number;
  /** The caller took these leading records of a fetch: track them until finished. */
  handedOut(
    partition: number,
    records: readonly { readonly offset: string }[],
    taken: number,
  ): void;
  /** A join assigned these partitions: forget the others (their new owner re-reads them). */
  retain(assigned: ReadonlySet<number>): void;
  brokerAnswered(): void;
  /** Starts committing the finished prefix every `intervalMs`. */
  startCommitting(intervalMs: number): void;
  /**
   * A rebalance begins: commits the finished prefix now, while this member's generation is
   * still accepted, so that a revoked partition's new owner starts after it (not from the
   * last periodic commit, up to an interval behind).
   */
  commitBeforeRebalance(): void;
  /** Stops the timer; waits for the commit in flight, then commits once more, by `deadline`. */
  finalCommit(deadline: number): Promise<void>;
  notReady(state: ConsumerState): NotReady | undefined;
}

export function createConsumerProgress(options: ConsumerProgressOptions): ConsumerProgress {
  const { topic, groupId, brokerTimeoutMs, log } = options;
  const watermark = createOffsetWatermark();
  const handedOutThrough = new Map<number, number>();
  let lastBrokerAnswerAt = Date.now();
  let commitTimer: NodeJS.Timeout | undefined;
  let commitInFlight: Promise<void> | undefined;
  let commitFailing = false;

  async function commitFinished(): Promise<void> {
    if (commitInFlight) return commitInFlight;
    const offsets = watermark.committable();
    if (offsets.length === 0) return;
    commitInFlight = (async () => {
      try {
        await options.commit(offsets);
        watermark.markCommitted(offsets);
        lastBrokerAnswerAt = Date.now();
        options.onCommit?.('ok');
        if (commitFailing) log.info({ offsets }, 'offset commit succeeded again');
        commitFailing = false;
      } catch (error) {
        // A rebalance or an outage in progress; the next round commits what this one could not.
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
    complete: (partition, offset) => watermark.complete(topic, partition, Number(offset)),
    pending: () => watermark.pending(),
    handedOutThrough: (partition) => handedOutThrough.get(partition) ?? -1,
    handedOut(partition, records, taken) {
      for (let i = 0; i < taken; i++) {
        watermark.track(topic, partition, Number((records[i] as { offset: string }).offset));
      }
      if (taken > 0) {
        handedOutThrough.set(partition, Number((records[taken - 1] as { offset: string }).offset));
      }
    },
    retain(assigned) {
      // Revoked partitions: their in-flight events still reach the output, but their offsets
      // are no longer ours to commit; the new owner re-reads them (at-least-once).
      watermark.retain(topic, assigned);
      for (const partition of handedOutThrough.keys()) {
        if (!assigned.has(partition)) handedOutThrough.delete(partition);
      }
      options.onAssigned?.(assigned);
    },
    brokerAnswered() {
      lastBrokerAnswerAt = Date.now();
    },
    startCommitting(intervalMs) {
      lastBrokerAnswerAt = Date.now();
      commitTimer = setInterval(() => void commitFinished(), intervalMs);
    },
    commitBeforeRebalance() {
      if (commitTimer !== undefined) void commitFinished();
    },
    async finalCommit(deadline) {
      clearInterval(commitTimer);
      // A commit to a broker that is down would wait out the client's retries: bounded too.
      await withinDeadline(commitInFlight ?? Promise.resolve(), deadline);
      await withinDeadline(commitFinished(), deadline);
    },
    notReady({ stopping, joinedOnce, inGroup, restarting }) {
      if (stopping) return { condition: 'stopping', detail: `consumer of ${topic} stopping` };
      if (!joinedOnce) return { condition: 'starting', detail: `joining group ${groupId}` };
      const silentForMs = Date.now() - lastBrokerAnswerAt;
      if (silentForMs > brokerTimeoutMs) {
        return {
          condition: 'broker-unreachable',
          detail: `no broker answered the consumer of ${topic} for ${Math.round(silentForMs / 1000)} s`,
        };
      }
      if (restarting !== undefined) return restarting;
      if (!inGroup) {
        return {
          condition: 'not-in-group',
          detail: `consumer of ${topic} rejoining group ${groupId}`,
        };
      }
      return undefined;
    },
  };
}
