import { describe, expect, it } from 'vitest';
import {
  REDIS_COMMAND_TIMEOUT_MS,
  redisClientOptions,
  redisReconnectDelayMs,
  redisUrlForLogs,
} from '../../../src/state/index.js';

describe('the redis client every part of streamscore uses', () => {
  it('bounds every command, queued ones included, and connects only when asked', () => {
    const options = redisClientOptions();
    expect(options).toMatchObject({
      lazyConnect: true,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
    });
    expect(options.connectTimeout).toBeGreaterThan(0);
    expect(options.socketTimeout).toBeGreaterThan(REDIS_COMMAND_TIMEOUT_MS);
  });

  it('reconnects from 100 ms, doubling to at most 2 s, with up to 10 % jitter, and never gives up', () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5, 6, 50].map((attempt) => redisReconnectDelayMs(attempt, none))).toEqual([
      100, 200, 400, 800, 1_600, 2_000, 2_000,
    ]);
    expect(redisReconnectDelayMs(1, () => 0.999)).toBe(110);
    expect(redisReconnectDelayMs(9, () => 0.999)).toBe(2_200);
    expect(redisClientOptions().retryStrategy?.(1_000)).toBeGreaterThanOrEqual(2_000);
  });

  it('writes a Redis URL for logs without its credentials', () => {
    expect(redisUrlForLogs('redis://user:s3cret@cache.internal:6380/2')).toBe(
      'redis://cache.internal:6380/2',
    );
    expect(redisUrlForLogs('rediss://:s3cret@cache.internal:6380?password=s3cret')).toBe(
      'rediss://cache.internal:6380',
    );
    expect(redisUrlForLogs('not a url :s3cret@')).toBe('[unparsable redis url]');
  });
});
