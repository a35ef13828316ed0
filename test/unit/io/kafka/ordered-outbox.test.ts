import { describe, expect, it } from 'vitest';
import { createOrderedOutbox } from '../../../../src/io/kafka/ordered-outbox.js';

/** A promise with its resolve/reject exposed, to settle inference in any order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function harness(maxRequestBytes = 1_000) {
  const requests: string[][] = [];
  const sent: number[][] = [];
  let ack = deferred<void>();
  const outbox = createOrderedOutbox<number, string>({
    send: async (records) => {
      requests.push(records);
      await ack.promise;
      ack = deferred<void>();
    },
    onSent: (items) => sent.push(items),
    recordBytes: (record) => record.length,
    maxRequestBytes,
  });
  return { outbox, requests, sent, acknowledge: () => ack.resolve() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ordered outbox', () => {
  it('sends in dispatch order even when later entries are ready first', async () => {
    const { outbox, requests, sent, acknowledge } = harness();
    const first = deferred<string[]>();
    outbox.push(1, first.promise);
    outbox.push(2, Promise.resolve(['b1', 'b2']));
    await tick();
    expect(requests).toEqual([]);
    first.resolve(['a1']);
    await tick();
    expect(requests).toEqual([['a1', 'b1', 'b2']]);
    acknowledge();
    await outbox.idle();
    expect(sent).toEqual([[1, 2]]);
    expect(outbox.pending()).toBe(0);
  });

  it('merges what became ready while a request was in flight into the next one', async () => {
    const { outbox, requests, sent, acknowledge } = harness();
    outbox.push(1, Promise.resolve(['a']));
    await tick();
    outbox.push(2, Promise.resolve(['b']));
    outbox.push(3, Promise.resolve(['c']));
    await tick();
    expect(requests).toEqual([['a']]);
    acknowledge();
    await tick();
    expect(requests).toEqual([['a'], ['b', 'c']]);
    acknowledge();
    await outbox.idle();
    expect(sent).toEqual([[1], [2, 3]]);
  });

  it('caps a request by bytes but always takes at least one entry', async () => {
    const { outbox, requests, acknowledge } = harness(5);
    const big = deferred<string[]>();
    outbox.push(1, big.promise);
    outbox.push(2, Promise.resolve(['xx']));
    outbox.push(3, Promise.resolve(['yyy']));
    big.resolve(['0123456789']);
    for (let i = 0; i < 3; i++) {
      await tick();
      acknowledge();
    }
    await outbox.idle();
    expect(requests).toEqual([['0123456789'], ['xx', 'yyy']]);
  });

  it('skips entries handled elsewhere and entries whose records failed', async () => {
    const { outbox, requests, sent, acknowledge } = harness();
    outbox.push(1, Promise.resolve(undefined));
    outbox.push(2, Promise.reject(new Error('inference failed')));
    outbox.push(3, Promise.resolve(['c']));
    await tick();
    acknowledge();
    await outbox.idle();
    expect(requests).toEqual([['c']]);
    expect(sent).toEqual([[3]]);
  });

  it('halts on a failed send: nothing later is sent, entries stay pending', async () => {
    const requests: string[][] = [];
    const outbox = createOrderedOutbox<number, string>({
      send: async (records) => {
        requests.push(records);
        throw new Error('broker gone');
      },
      onSent: () => expect.fail('nothing was acknowledged'),
      recordBytes: () => 1,
      maxRequestBytes: 1,
      onHalt: (error) => halts.push(error),
    });
    const halts: unknown[] = [];
    outbox.push(1, Promise.resolve(['a']));
    outbox.push(2, Promise.resolve(['b']));
    await tick();
    await outbox.idle();
    outbox.push(3, Promise.resolve(['c']));
    await tick();
    expect(requests).toEqual([['a']]);
    expect(outbox.pending()).toBe(3);
    expect(String(outbox.halted())).toContain('broker gone');
    expect(halts.map(String)).toEqual(['Error: broker gone']);
  });
});
