/** One contract for both stores; the Redis one runs against the harness redis-server. */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createMemoryWindowCountStore,
  createRedisWindowCountStore,
  type CountUpdate,
  type WindowCountStore,
} from '../../../src/state/index.js';
import { uniqueName } from '../../harness/unique-name.js';

const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
});

function redisStoreFactory() {
  const prefix = uniqueName('streamscore:test');
  return () => {
    const redis = new Redis(inject('redisUrl'));
    clients.push(redis);
    return createRedisWindowCountStore({ redis, keyPrefix: prefix, windowTtlSeconds: 3600 });
  };
}

function memoryStoreFactory() {
  const store = createMemoryWindowCountStore({ windowTtlSeconds: 3600 });
  return () => store;
}

const update = (
  partition: number,
  offsets: readonly [first: number, last: number],
  windows: Record<string, Record<string, number>>,
): CountUpdate => ({
  source: { topic: 'scored', partition, firstOffset: offsets[0], lastOffset: offsets[1] },
  windows: new Map(
    Object.entries(windows).map(([window, counts]) => [window, new Map(Object.entries(counts))]),
  ),
});

describe.each([
  ['memory', memoryStoreFactory],
  ['redis', redisStoreFactory],
])('%s window count store', (_name, makeFactory) => {
  it('adds counters per window', async () => {
    const store: WindowCountStore = makeFactory()();
    expect(await store.add(update(0, [0, 9], { w1: { a: 2, b: 1.5 }, w2: { a: 1 } }))).toEqual({
      outcome: 'applied',
      appliedOffset: 9,
    });
    expect((await store.add(update(0, [10, 19], { w1: { a: 3 } }))).outcome).toBe('applied');
    expect(Object.fromEntries(await store.read('w1'))).toEqual({ a: 5, b: 1.5 });
    expect(Object.fromEntries(await store.read('w2'))).toEqual({ a: 1 });
    expect(Object.fromEntries(await store.read('none'))).toEqual({});
    expect(await store.appliedOffset('scored', 0)).toBe(19);
    expect(await store.appliedOffset('scored', 1)).toBe(-1);
  });

  it('ignores a replay of offsets already applied, per partition', async () => {
    const store = makeFactory()();
    await store.add(update(0, [0, 9], { w: { a: 1 } }));
    expect(await store.add(update(0, [0, 9], { w: { a: 1 } }))).toEqual({
      outcome: 'replayed',
      appliedOffset: 9,
    });
    expect((await store.add(update(0, [3, 5], { w: { a: 1 } }))).outcome).toBe('replayed');
    expect((await store.add(update(1, [0, 5], { w: { a: 1 } }))).outcome).toBe('applied');
    expect(Object.fromEntries(await store.read('w'))).toEqual({ a: 2 });
  });

  it('refuses a range that overlaps the fence, so a late flush never counts a record twice', async () => {
    const store = makeFactory()();
    // The new owner of partition 0 applied [0, 9]; the old one flushes its [5, 14] late.
    await store.add(update(0, [0, 9], { w: { a: 10 } }));
    expect(await store.add(update(0, [5, 14], { w: { a: 10 } }))).toEqual({
      outcome: 'overlap',
      appliedOffset: 9,
    });
    expect(Object.fromEntries(await store.read('w'))).toEqual({ a: 10 });
    expect(await store.appliedOffset('scored', 0)).toBe(9);
    // The range above the fence (offset gaps are fine) is applied.
    expect((await store.add(update(0, [12, 14], { w: { a: 3 } }))).outcome).toBe('applied');
    expect(Object.fromEntries(await store.read('w'))).toEqual({ a: 13 });
  });

  it('moves the fence for a range without counters (only bad records)', async () => {
    const store = makeFactory()();
    expect((await store.add(update(2, [0, 4], {}))).outcome).toBe('applied');
    expect(await store.appliedOffset('scored', 2)).toBe(4);
  });

  it('gives the same counts whether one instance or three add them', async () => {
    const updates = [0, 1, 2].flatMap((partition) =>
      [9, 19, 29].map((lastOffset) =>
        update(partition, [lastOffset - 9, lastOffset], {
          w: { n: lastOffset + partition, [`p${partition}`]: 1 },
        }),
      ),
    );
    const single = makeFactory()();
    for (const one of updates) await single.add(one);

    const factory = makeFactory();
    const instances = [factory(), factory(), factory()];
    // Each instance owns one partition, and a restarted instance replays its last update.
    await Promise.all(
      instances.map(async (instance, partition) => {
        for (const one of updates.filter((u) => u.source.partition === partition)) {
          await instance.add(one);
        }
        await instance.add(
          updates.filter((u) => u.source.partition === partition).at(-1) as CountUpdate,
        );
      }),
    );
    expect(Object.fromEntries(await instances[0]!.read('w'))).toEqual(
      Object.fromEntries(await single.read('w')),
    );
  });
});

describe('redis window count store', () => {
  it('expires a window a fixed time after its last update', async () => {
    const redis = new Redis(inject('redisUrl'));
    clients.push(redis);
    const keyPrefix = uniqueName('streamscore:test');
    const store = createRedisWindowCountStore({ redis, keyPrefix, windowTtlSeconds: 120 });
    await store.add(update(0, [0, 0], { w: { a: 1 } }));
    const ttl = await redis.ttl(`${keyPrefix}:window:w`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(await redis.ttl(`${keyPrefix}:offsets`)).toBe(-1);
  });
});
