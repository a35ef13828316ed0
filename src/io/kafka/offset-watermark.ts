/**
 * Which offset each partition may commit. An offset is committable only when every event at or
 * below it has been written to the output or the dead-letter topic and acknowledged, whatever
 * order the acknowledgements arrive in. This is what makes at-least-once hold across crashes.
 */

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume, as Kafka commits expect (last finished + 1). */
  readonly offset: string;
}

/** Pending offsets of one partition: a sorted deque with a done flag per entry. */
class PartitionProgress {
  private offsets: number[] = [];
  private done: boolean[] = [];
  private head = 0;
  /** Offset to commit when everything tracked so far is done; -1 before any event. */
  private nextAfterTracked = -1;
  private lastCommitted = -1;

  track(offset: number): void {
    if (this.offsets.length > this.head && offset <= (this.offsets.at(-1) as number)) {
      throw new Error(`offset ${offset} tracked out of order`);
    }
    // The first event shows where consumption started: committing that offset would change nothing.
    if (this.nextAfterTracked === -1) this.lastCommitted = offset;
    this.offsets.push(offset);
    this.done.push(false);
    this.nextAfterTracked = offset + 1;
  }

  complete(offset: number): boolean {
    const index = this.indexOf(offset);
    if (index === -1) return false;
    this.done[index] = true;
    while (this.head < this.offsets.length && this.done[this.head]) this.head++;
    // Compact now and then so the arrays do not grow with the partition's history.
    if (this.head > 1024 && this.head * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.done = this.done.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /** The offset to commit now, or undefined when it would not move past the last commit. */
  committable(): number | undefined {
    const next =
      this.head < this.offsets.length ? (this.offsets[this.head] as number) : this.nextAfterTracked;
    return next > this.lastCommitted ? next : undefined;
  }

  markCommitted(offset: number): void {
    if (offset > this.lastCommitted) this.lastCommitted = offset;
  }

  get pending(): number {
    return this.offsets.length - this.head;
  }

  private indexOf(offset: number): number {
    let low = this.head;
    let high = this.offsets.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.offsets[mid] as number;
      if (value === offset) return mid;
      if (value < offset) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }
}

export interface OffsetWatermark {
  /** Registers a consumed event; offsets of one partition must arrive in increasing order. */
  track(topic: string, partition: number, offset: number): void;
  /** Marks an event finished (output or DLQ acknowledged). Unknown offsets are ignored. */
  complete(topic: string, partition: number, offset: number): void;
  /** Offsets that can be committed now, one per partition that moved. */
  committable(): TopicPartitionOffset[];
  /** Records a successful commit so the same offsets are not committed again. */
  markCommitted(offsets: readonly TopicPartitionOffset[]): void;
  /** Forgets the topic's partitions outside `assigned` (after a rebalance). */
  retain(topic: string, assigned: ReadonlySet<number>): void;
  /** Events tracked but not yet finished, over all partitions. */
  pending(): number;
}

export function createOffsetWatermark(): OffsetWatermark {
  const partitions = new Map<string, PartitionProgress>();
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

  return {
    track(topic, partition, offset) {
      const id = key(topic, partition);
      let progress = partitions.get(id);
      if (progress === undefined) {
        progress = new PartitionProgress();
        partitions.set(id, progress);
      }
      progress.track(offset);
    },
    complete(topic, partition, offset) {
      partitions.get(key(topic, partition))?.complete(offset);
    },
    committable() {
      const result: TopicPartitionOffset[] = [];
      for (const [id, progress] of partitions) {
        const offset = progress.committable();
        if (offset === undefined) continue;
        const [topic, partition] = id.split('\u0000') as [string, string];
        result.push({ topic, partition: Number(partition), offset: String(offset) });
      }
      return result;
    },
    markCommitted(offsets) {
      for (const { topic, partition, offset } of offsets) {
        partitions.get(key(topic, partition))?.markCommitted(Number(offset));
      }
    },
    retain(topic, assigned) {
      for (const id of partitions.keys()) {
        const [idTopic, partition] = id.split('\u0000') as [string, string];
        if (idTopic === topic && !assigned.has(Number(partition))) partitions.delete(id);
      }
    },
    pending() {
      let total = 0;
      for (const progress of partitions.values()) total += progress.pending;
      return total;
    },
  };
}
