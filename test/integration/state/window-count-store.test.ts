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
  const store = createMemoryWindowCountStore();
  return () => store;
}

const update = (
  partition: number,
  lastOffset: number,
  windows: Record<string, Record<string, number>>,
): CountUpdate => ({
  source: { topic: 'scored', partition, lastOffset },
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
    expect(await store.add(update(0, 9, { w1: { a: 2, b: 1.5 }, w2: { a: 1 } }))).toBe(true);
    expect(await store.add(update(0, 19, { w1: { a: 3 } }))).toBe(true);
    expect(Object.fromEntries(await store.read('w1'))).toEqual({ a: 5, b: 1.5 });
    expect(Object.fromEntries(await store.read('w2'))).toEqual({ a: 1 });
    expect(Object.fromEntries(await store.read('none'))).toEqual({});
    expect(await store.appliedOffset('scored', 0)).toBe(19);
    expect(await store.appliedOffset('scored', 1)).toBe(-1);
  });

  it('ignores a replay of offsets already applied, per partition', async () => {
    const store = makeFactory()();
    await store.add(update(0, 9, { w: { a: 1 } }));
    expect(await store.add(update(0, 9, { w: { a: 1 } }))).toBe(false);
    expect(await store.add(update(0, 5, { w: { a: 1 } }))).toBe(false);
    expect(await store.add(update(1, 5, { w: { a: 1 } }))).toBe(true);
    expect(Object.fromEntries(await store.read('w'))).toEqual({ a: 2 });
  });

  it('gives the same counts whether one instance or three add them', async () => {
    const updates = [0, 1, 2].flatMap((partition) =>
      [9, 19, 29].map((lastOffset) =>
        update(partition, lastOffset, { w: { n: lastOffset + partition, [`p${partition}`]: 1 } }),
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
