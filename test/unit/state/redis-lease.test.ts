/**
 * The evaluator lease's timers against a Redis that stops answering, with fake timers: the
 * holder steps down at the end of its term whatever Redis does, also when its expiry timer
 * fires before the term has ended by the lease's own clock.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/observability/index.js';
import { createRedisLease, type RedisLease } from '../../../src/state/index.js';

const TTL_MS = 1_000;

/** A Redis whose `eval` answers the first call with a grant and then what `later` gives. */
function redisGrantingOnce(later: () => Promise<unknown>) {
  let calls = 0;
  const evalCalls: number[] = [];
  const redis = {
    eval: () => {
      evalCalls.push(Date.now());
      return calls++ === 0 ? Promise.resolve(1) : later();
    },
  } as unknown as Redis;
  return { redis, evalCalls };
}

const never = () => new Promise<never>(() => undefined);

describe('a lease holder whose Redis stops answering', () => {
  const changes: { held: boolean; atMs: number }[] = [];
  let lease: RedisLease | undefined;

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    changes.length = 0;
  });

  afterEach(async () => {
    const stopping = lease?.stop();
    await vi.runAllTimersAsync();
    await stopping;
    lease = undefined;
    vi.useRealTimers();
  });

  function startLease(redis: Redis, renewEveryMs: number, now: () => number = Date.now) {
    lease = createRedisLease({
      redis,
      key: 'evaluator',
      holder: 'a',
      ttlMs: TTL_MS,
      renewEveryMs,
      onChange: async (held) => {
        changes.push({ held, atMs: Date.now() });
      },
      logger: createLogger({ level: 'silent' }),
      now,
    });
    lease.start();
  }

  it('steps down at the end of its term, and keeps trying every renewal interval', async () => {
    const { redis, evalCalls } = redisGrantingOnce(never);
    startLease(redis, 200);
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([{ held: true, atMs: 0 }]);
    await vi.advanceTimersByTimeAsync(TTL_MS - 1);
    expect(changes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(changes).toEqual([
      { held: true, atMs: 0 },
      { held: false, atMs: TTL_MS },
    ]);
    // An unanswered attempt counts as failed after one interval, and the next goes out then
    // (1 ms later: a timer of 0 ms waits 1 ms).
    expect(evalCalls).toEqual([0, 200, 401, 602, 803]);
  });

  it('re-arms its expiry timer when it fires before the term has ended by the lease clock', async () => {
    let lagMs = 0;
    const { redis, evalCalls } = redisGrantingOnce(never);
    startLease(redis, 300, () => Date.now() - lagMs);
    await vi.advanceTimersByTimeAsync(950);
    // The last failed attempt (sent at 601, failed at 901) armed the expiry timer for 1 000.
    expect(evalCalls).toEqual([0, 300, 601, 902]);
    // From now the lease clock runs 1 ms behind the timers' clock, as performance.now can
    // against setTimeout's whole milliseconds: the timer fires when the lease clock says 999.
    lagMs = 1;
    await vi.advanceTimersByTimeAsync(50);
    expect(changes.map(({ held }) => held)).toEqual([true]);
    // Re-armed for the last millisecond, not left until the next failed attempt (1 202).
    await vi.advanceTimersByTimeAsync(1);
    expect(changes).toEqual([
      { held: true, atMs: 0 },
      { held: false, atMs: TTL_MS + 1 },
    ]);
  });

  it('ignores a grant that comes after the renewal interval: it never extends the term', async () => {
    const lateGrant = () => new Promise((resolve) => setTimeout(() => resolve(1), 250));
    const { redis } = redisGrantingOnce(lateGrant);
    startLease(redis, 200);
    await vi.advanceTimersByTimeAsync(TTL_MS);
    expect(changes).toEqual([
      { held: true, atMs: 0 },
      { held: false, atMs: TTL_MS },
    ]);
  });
});
