/**
 * Sends scored batches in the order they were dispatched, merging the ones that are ready into
 * one request. One request is in flight at a time, so a partition's records can never overtake
 * each other (a retried request is resent whole before anything later goes); while it is in
 * flight, later batches finish inference and queue up, and the next request carries all of
 * them. Under load this turns many small round trips into few large ones; when idle, a batch is
 * sent the moment it is scored.
 */

export interface OrderedOutboxOptions<T, R> {
  /**
   * Sends records of one or more consecutive entries; resolves once they are acknowledged. It
   * retries on its own; when it rejects, the outbox halts: nothing later is sent, so nothing
   * is sent out of order, and the unsent entries stay pending (never acknowledged).
   */
  readonly send: (records: R[]) => Promise<void>;
  /** Called with the entries of a request once it is acknowledged, in dispatch order. */
  readonly onSent: (items: T[]) => void;
  /** Bytes a record adds to a request, to keep requests under the broker's limits. */
  readonly recordBytes: (record: R) => number;
  /** A request stops taking entries past this many bytes (a single entry may exceed it). */
  readonly maxRequestBytes: number;
  /** Called once when the outbox halts (`send` or `onSent` threw), with why. */
  readonly onHalt?: (error: unknown) => void;
}

export interface OrderedOutbox<T, R> {
  /**
   * Queues an entry behind the ones already queued. `records` resolves with what to send, or
   * with undefined when the entry was handled elsewhere (e.g. dead-lettered): it is skipped.
   */
  push(item: T, records: Promise<R[] | undefined>): void;
  /** Resolves when every entry queued so far has been sent (or skipped). */
  idle(): Promise<void>;
  /** Entries queued and not yet acknowledged. */
  pending(): number;
  /** Why the outbox halted, or undefined while it works. */
  halted(): unknown;
}

interface Entry<T, R> {
  readonly item: T;
  readonly ready: Promise<void>;
  settled: boolean;
  records: R[] | undefined;
  bytes: number;
}

export function createOrderedOutbox<T, R>(
  options: OrderedOutboxOptions<T, R>,
): OrderedOutbox<T, R> {
  const queue: Entry<T, R>[] = [];
  let sending: Promise<void> | undefined;
  let failure: { readonly error: unknown } | undefined;

  function pump(): void {
    if (sending !== undefined || failure !== undefined || queue.length === 0) return;
    sending = sendHead().then(
      () => {
        sending = undefined;
        pump();
      },
      (error: unknown) => {
        sending = undefined;
        failure = { error };
        options.onHalt?.(error);
      },
    );
  }

  /** Waits for the head entry, then sends it with every settled entry behind it that fits. */
  async function sendHead(): Promise<void> {
    await (queue[0] as Entry<T, R>).ready;
    const taken: Entry<T, R>[] = [];
    const records: R[] = [];
    let bytes = 0;
    for (const entry of queue) {
      if (!entry.settled) break;
      if (taken.length > 0 && bytes + entry.bytes > options.maxRequestBytes) break;
      taken.push(entry);
      bytes += entry.bytes;
      if (entry.records !== undefined) for (const record of entry.records) records.push(record);
    }
    if (records.length > 0) await options.send(records);
    queue.splice(0, taken.length);
    const sent = taken.filter((entry) => entry.records !== undefined).map((entry) => entry.item);
    if (sent.length > 0) options.onSent(sent);
  }

  return {
    push(item, records) {
      const entry: Entry<T, R> = {
        item,
        settled: false,
        records: undefined,
        bytes: 0,
        ready: records.then(
          (value) => {
            entry.records = value;
            if (value !== undefined) {
              for (const record of value) entry.bytes += options.recordBytes(record);
            }
            entry.settled = true;
          },
          () => {
            // The producer of `records` handles its own failure; nothing to send.
            entry.settled = true;
          },
        ),
      };
      queue.push(entry);
      pump();
    },
    async idle() {
      while (sending !== undefined) await sending;
    },
    pending() {
      return queue.length;
    },
    halted() {
      return failure?.error;
    },
  };
}
