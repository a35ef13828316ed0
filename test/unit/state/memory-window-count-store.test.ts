import { describe, expect, it } from 'vitest';
import { createMemoryWindowCountStore, type CountUpdate } from '../../../src/state/index.js';

const update = (firstOffset: number, lastOffset: number, window: string): CountUpdate => ({
  source: { topic: 't', partition: 0, firstOffset, lastOffset },
  windows: new Map([[window, new Map([['a', 1]])]]),
});

describe('memory window count store', () => {
  it('expires a window a fixed time after its last update, as Redis does', async () => {
    let now = 0;
    const store = createMemoryWindowCountStore({ windowTtlSeconds: 60, now: () => now });
    await store.add(update(0, 0, 'w'));
    now = 50_000;
    await store.add(update(1, 1, 'w'));
    now = 100_000;
    expect(Object.fromEntries(await store.read('w'))).toEqual({ a: 2 });
    now = 110_000;
    expect(Object.fromEntries(await store.read('w'))).toEqual({});
    // An update after expiry starts the window afresh.
    await store.add(update(2, 2, 'w'));
    expect(Object.fromEntries(await store.read('w'))).toEqual({ a: 1 });
  });

  it('keeps windows forever with a ttl of 0', async () => {
    let now = 0;
    const store = createMemoryWindowCountStore({ windowTtlSeconds: 0, now: () => now });
    await store.add(update(0, 0, 'w'));
    now = 1e12;
    expect(Object.fromEntries(await store.read('w'))).toEqual({ a: 1 });
  });
});
