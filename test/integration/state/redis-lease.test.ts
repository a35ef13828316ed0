/**
 * The evaluator lease against the harness redis-server: of two holders on one key, one acts at
 * a time; a stopping holder hands over within one renewal, a holder cut off from Redis steps
 * down before the other can take the key, and a holder whose key was taken steps down. Against
 * a redis-server of its own that it freezes (SIGSTOP): the holder steps down within its term,
 * though no command is ever answered.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../../src/observability/index.js';
import { createRedisClient, createRedisLease, type RedisLease } from '../../../src/state/index.js';
import { startKillableRedis, type KillableRedis } from '../../harness/killable-redis.js';
import { uniqueName } from '../../harness/unique-name.js';
import { waitFor } from '../../harness/wait-for.js';

const redisUrl = inject('redisUrl');
const TTL_MS = 1_000;
const RENEW_MS = 200;

interface Change {
  readonly holder: string;
  readonly held: boolean;
  readonly atMs: number;
}

const clients: Redis[] = [];
const leases: RedisLease[] = [];

afterEach(async () => {
  await Promise.all(leases.splice(0).map((lease) => lease.stop()));
  await Promise.all(
    clients.splice(0).map((client) => (client.status === 'end' ? undefined : client.quit())),
  );
});

function client(): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  clients.push(redis);
  return redis;
}

/** Two or more holders of one fresh key, each telling `changes` when it starts and stops acting. */
function leaseKey() {
  const key = uniqueName('streamscore:test:lease');
  const changes: Change[] = [];
  const holder = (name: string, redis = client()) => {
    const lease = createRedisLease({
      redis,
      key,
      holder: name,
      ttlMs: TTL_MS,
      renewEveryMs: RENEW_MS,
      onChange: async (held) => {
        changes.push({ holder: name, held, atMs: performance.now() });
      },
      logger: createLogger({ level: 'silent' }),
    });
    leases.push(lease);
    return lease;
  };
  const acting = () => {
    const now = new Map<string, boolean>();
    for (const change of changes) now.set(change.holder, change.held);
    return [...now].filter(([, held]) => held).map(([name]) => name);
  };
  const changeOf = (name: string, held: boolean) =>
    changes.find((change) => change.holder === name && change.held === held);
  return { key, changes, holder, acting, changeOf };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('redis lease (real Redis)', () => {
  it('lets one of two holders act, and keeps it acting past its ttl by renewing', async () => {
    const { key, changes, holder, acting } = leaseKey();
    holder('a').start();
    await waitFor(async () => acting().includes('a'), 'a to take the lease', 5_000);
    holder('b').start();
    await sleep(3 * TTL_MS);
    expect(changes.map(({ holder, held }) => [holder, held])).toEqual([['a', true]]);
    const redis = client();
    expect(await redis.get(key)).toBe('a');
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('hands over within one renewal when the holder stops, and never to two at once', async () => {
    const { key, holder, acting, changeOf } = leaseKey();
    const a = holder('a');
    a.start();
    await waitFor(async () => acting().includes('a'), 'a to take the lease', 5_000);
    holder('b').start();
    await sleep(2 * RENEW_MS);
    await a.stop();
    const released = performance.now();
    // a has stepped down by the time stop resolves, and the key is no longer its (b may already
    // hold it: its renewal can land between the release and this line).
    expect(acting()).not.toContain('a');
    expect(await client().get(key)).not.toBe('a');
    await waitFor(async () => acting().includes('b'), 'b to take over', 5_000);
    const took = changeOf('b', true)!.atMs;
    expect(took).toBeGreaterThanOrEqual(changeOf('a', false)!.atMs);
    expect(took - released).toBeLessThan(RENEW_MS + 300);
  });

  it('steps a holder cut off from Redis down before the other can take the key', async () => {
    const { holder, acting, changeOf } = leaseKey();
    const cutOff = client();
    holder('a', cutOff).start();
    await waitFor(async () => acting().includes('a'), 'a to take the lease', 5_000);
    holder('b').start();
    await sleep(RENEW_MS);
    const lost = performance.now();
    cutOff.disconnect();
    await waitFor(async () => acting().includes('b'), 'b to take over', 10 * TTL_MS);
    const steppedDown = changeOf('a', false)!.atMs;
    // a's term ran out no later than ttl after its last renewal was sent, before lost.
    expect(steppedDown - lost).toBeLessThanOrEqual(TTL_MS);
    expect(changeOf('b', true)!.atMs).toBeGreaterThanOrEqual(steppedDown);
  });

  describe('against a redis-server that stops answering (SIGSTOP)', () => {
    let frozen: KillableRedis;

    beforeAll(async () => {
      frozen = await startKillableRedis();
    });

    afterAll(async () => {
      await frozen.stop();
    });

    it('steps the holder down within its term, and takes the lease again once Redis answers', async () => {
      const { holder, acting, changes, changeOf } = leaseKey();
      const redis = createRedisClient(frozen.url, createLogger({ level: 'silent' }));
      clients.push(redis);
      holder('a', redis).start();
      await waitFor(async () => acting().includes('a'), 'a to take the lease', 5_000);
      await sleep(RENEW_MS);
      frozen.freeze();
      const frozenAt = performance.now();
      try {
        await waitFor(async () => !acting().includes('a'), 'a to step down', 3 * TTL_MS);
        // Its last granted renewal was sent less than one renewal before the freeze.
        const steppedDownAfterMs = changeOf('a', false)!.atMs - frozenAt;
        expect(steppedDownAfterMs).toBeGreaterThan(TTL_MS - RENEW_MS - 50);
        expect(steppedDownAfterMs).toBeLessThanOrEqual(TTL_MS + 50);
      } finally {
        frozen.thaw();
      }
      await waitFor(
        async () => changes.filter((change) => change.held).length === 2,
        'a to take the lease again',
        5_000,
      );
      expect(changes.map(({ held }) => held)).toEqual([true, false, true]);
    });
  });

  it('steps a holder down at its next renewal when its key was taken', async () => {
    const { key, holder, acting, changeOf } = leaseKey();
    holder('a').start();
    await waitFor(async () => acting().includes('a'), 'a to take the lease', 5_000);
    const taken = performance.now();
    await client().set(key, 'intruder', 'PX', 10 * TTL_MS);
    await waitFor(async () => !acting().includes('a'), 'a to step down', 5_000);
    expect(changeOf('a', false)!.atMs - taken).toBeLessThan(RENEW_MS + 300);
  });
});
