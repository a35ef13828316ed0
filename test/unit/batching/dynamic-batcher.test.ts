import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createDynamicBatcher,
  type Batch,
  type DynamicBatcherOptions,
} from '../../../src/batching/dynamic-batcher.js';

function setup(overrides: Partial<DynamicBatcherOptions<number>> = {}) {
  const batches: Batch<number>[] = [];
  const snapshots: { size: number; runSize: number; items: number[]; rows: number[] }[] = [];
  let drained = 0;
  const batcher = createDynamicBatcher<number>({
    width: 2,
    maxBatchSize: 4,
    maxDelayMs: 10,
    preferredBatchSizes: [],
    maxQueuedEvents: 100,
    onBatch: (batch) => {
      batches.push(batch);
      snapshots.push({
        size: batch.size,
        runSize: batch.runSize,
        items: [...batch.items],
        rows: Array.from(batch.rows.subarray(0, batch.runSize * 2)),
      });
    },
    onDrain: () => drained++,
    ...overrides,
  });
  const add = (value: number) => {
    const { rows, offset } = batcher.nextRow();
    rows[offset] = value;
    rows[offset + 1] = -value;
    batcher.commitRow(value);
  };
  return { batcher, batches, snapshots, add, drained: () => drained };
}

describe('createDynamicBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('closes a batch as soon as it reaches maxBatchSize', () => {
    const { snapshots, add } = setup();
    for (let i = 1; i <= 5; i++) add(i);
    expect(snapshots).toEqual([
      { size: 4, runSize: 4, items: [1, 2, 3, 4], rows: [1, -1, 2, -2, 3, -3, 4, -4] },
    ]);
  });

  it('closes a batch when its first event has waited maxDelayMs, not later events', () => {
    const { snapshots, add } = setup();
    add(1);
    vi.advanceTimersByTime(6);
    add(2);
    vi.advanceTimersByTime(3);
    expect(snapshots).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(snapshots.map((batch) => batch.items)).toEqual([[1, 2]]);
    add(3);
    vi.advanceTimersByTime(10);
    expect(snapshots.map((batch) => batch.items)).toEqual([[1, 2], [3]]);
  });

  it('pads a batch with zero rows up to the smallest preferred size that holds it', () => {
    const { batcher, snapshots, add, batches } = setup({
      maxBatchSize: 8,
      preferredBatchSizes: [4, 2],
    });
    for (let i = 1; i <= 3; i++) add(i);
    batcher.flush();
    add(9);
    batcher.flush();
    // Reused buffer: the padding must not leak the previous batch's rows.
    batcher.release(batches[0] as Batch<number>);
    for (let i = 1; i <= 5; i++) add(i * 10);
    batcher.flush();
    expect(snapshots).toEqual([
      { size: 3, runSize: 4, items: [1, 2, 3], rows: [1, -1, 2, -2, 3, -3, 0, 0] },
      { size: 1, runSize: 2, items: [9], rows: [9, -9, 0, 0] },
      {
        size: 5,
        runSize: 5,
        items: [10, 20, 30, 40, 50],
        rows: [10, -10, 20, -20, 30, -30, 40, -40, 50, -50],
      },
    ]);
  });

  it('is full at maxQueuedEvents until released batches bring it back to half', () => {
    const { batcher, batches, add, drained } = setup({ maxQueuedEvents: 8 });
    for (let i = 0; i < 7; i++) add(i);
    expect(batcher.isFull()).toBe(false);
    add(7);
    expect(batcher.isFull()).toBe(true);
    expect(batcher.queuedEvents()).toBe(8);
    batcher.release(batches[0] as Batch<number>);
    expect(batcher.isFull()).toBe(false);
    expect(drained()).toBe(1);
    expect(batcher.queuedEvents()).toBe(4);
  });

  it('flush on an empty batcher dispatches nothing; close drops open rows and the timer', () => {
    const { batcher, snapshots, add } = setup();
    batcher.flush();
    add(1);
    batcher.close();
    vi.advanceTimersByTime(100);
    expect(snapshots).toEqual([]);
    expect(batcher.queuedEvents()).toBe(0);
  });
});
