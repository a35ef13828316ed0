/**
 * The dynamic batcher: one per model session, fed by every assigned partition. Rows are written
 * straight into the open batch's float32 buffer (no per-event allocation); a batch closes when
 * it is full or when its first row has waited `maxDelayMs`. Closed batches are handed to
 * `onBatch` one at a time, in order.
 *
 * Memory is bounded by counting every event from `commitRow` until its batch is released (after
 * its outputs are acknowledged): when that count reaches `maxQueuedEvents` the batcher reports
 * itself full and the source pauses; `onDrain` fires once it is back to half.
 */

export interface Batch<T> {
  /**
   * Row-major features, `runSize × width`; rows past `size` are zero padding. A session that
   * takes the buffer (worker threads) hands it back, and it is put back here before release.
   */
  rows: Float32Array;
  /** Events in the batch. */
  readonly size: number;
  /** Rows handed to the model: the smallest preferred size ≥ `size`, else `size`. */
  readonly runSize: number;
  /** Per-event metadata, `size` entries, in the order rows were committed. */
  readonly items: readonly T[];
  /** `performance.now()` when the first row was committed. */
  readonly openedAtMs: number;
}

export interface DynamicBatcherOptions<T> {
  readonly width: number;
  readonly maxBatchSize: number;
  readonly maxDelayMs: number;
  readonly preferredBatchSizes: readonly number[];
  readonly maxQueuedEvents: number;
  /** Receives each closed batch; the batch must later be given back with `release`. */
  readonly onBatch: (batch: Batch<T>) => void;
  /** Called when a full batcher has drained to half of `maxQueuedEvents`. */
  readonly onDrain?: () => void;
  readonly now?: () => number;
}

export interface DynamicBatcher<T> {
  /** Where the next row goes: write `width` floats into `rows` starting at `offset`. */
  nextRow(): { readonly rows: Float32Array; readonly offset: number };
  /** Accepts the row last returned by `nextRow`; may close and dispatch the batch. */
  commitRow(item: T): void;
  /** True when no more events should be accepted until `onDrain`. */
  isFull(): boolean;
  /** Events accepted and not yet released. */
  queuedEvents(): number;
  /** Closes the open batch now (shutdown, revocation). */
  flush(): void;
  /** Gives a dispatched batch's buffer back once its events are finished. */
  release(batch: Batch<T>): void;
  /** Stops the delay timer; open rows are dropped. */
  close(): void;
}

class MutableBatch<T> implements Batch<T> {
  rows: Float32Array;
  size = 0;
  runSize = 0;
  items: T[] = [];
  openedAtMs = 0;

  constructor(capacity: number) {
    this.rows = new Float32Array(capacity);
  }
}

export function createDynamicBatcher<T>(options: DynamicBatcherOptions<T>): DynamicBatcher<T> {
  const { width, maxBatchSize, maxDelayMs, maxQueuedEvents, onBatch, onDrain } = options;
  const now = options.now ?? (() => performance.now());
  const preferred = [...options.preferredBatchSizes].sort((a, b) => a - b);
  const capacity = width * Math.max(maxBatchSize, preferred.at(-1) ?? 0);
  const spare: MutableBatch<T>[] = [];
  let open = new MutableBatch<T>(capacity);
  let timer: NodeJS.Timeout | undefined;
  let queued = 0;
  let full = false;

  const runSizeFor = (size: number) => preferred.find((candidate) => candidate >= size) ?? size;

  const dispatch = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (open.size === 0) return;
    const batch = open;
    batch.runSize = runSizeFor(batch.size);
    // Buffers are reused, so padding rows may hold an older batch's features: zero them.
    if (batch.runSize > batch.size) batch.rows.fill(0, batch.size * width, batch.runSize * width);
    open = spare.pop() ?? new MutableBatch<T>(capacity);
    onBatch(batch);
  };

  return {
    nextRow() {
      return { rows: open.rows, offset: open.size * width };
    },
    commitRow(item) {
      if (open.size === 0) {
        open.openedAtMs = now();
        timer = setTimeout(dispatch, maxDelayMs);
      }
      open.items[open.size] = item;
      open.size++;
      queued++;
      if (queued >= maxQueuedEvents) full = true;
      if (open.size >= maxBatchSize) dispatch();
    },
    isFull() {
      return full;
    },
    queuedEvents() {
      return queued;
    },
    flush: dispatch,
    release(batch) {
      const mutable = batch as MutableBatch<T>;
      queued -= mutable.size;
      mutable.items.length = 0;
      mutable.size = 0;
      mutable.runSize = 0;
      spare.push(mutable);
      if (full && queued <= maxQueuedEvents / 2) {
        full = false;
        onDrain?.();
      }
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      queued -= open.size;
      open.size = 0;
      open.items.length = 0;
    },
  };
}
