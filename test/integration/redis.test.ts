import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../harness/unique-name.js';

const redisUrl = inject('redisUrl');

describe('ioredis against the harness redis-server', () => {
  let redis: Redis;
  // Every key of this file starts with the prefix, so cleanup cannot touch anyone else's.
  const prefix = `${uniqueName('redis-test')}:`;

  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('runs the scratch configuration the harness asked for', async () => {
    expect(await redis.config('GET', 'save')).toEqual(['save', '']);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
  });

  it('sets and gets strings, with expiry', async () => {
    const key = `${prefix}string`;
    expect(await redis.set(key, 'hello', 'EX', 60)).toBe('OK');
    expect(await redis.get(key)).toBe('hello');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await redis.get(`${prefix}missing`)).toBeNull();
  });

  it('increments counters atomically', async () => {
    const key = `${prefix}counter`;
    expect(await redis.incrby(key, 5)).toBe(5);
    expect(await redis.incrby(key, -2)).toBe(3);
    await Promise.all(Array.from({ length: 50 }, () => redis.incrby(key, 1)));
    expect(await redis.get(key)).toBe('53');
  });

  it('executes MULTI transactions and pipelines', async () => {
    const key = `${prefix}multi`;
    const results = await redis.multi().set(key, '10').incrby(key, 5).get(key).exec();
    expect(results).toEqual([
      [null, 'OK'],
      [null, 15],
      [null, '15'],
    ]);

    const pipelined = await redis
      .pipeline()
      .rpush(`${prefix}list`, 'a', 'b', 'c')
      .lrange(`${prefix}list`, 0, -1)
      .llen(`${prefix}list`)
      .exec();
    expect(pipelined).toEqual([
      [null, 3],
      [null, ['a', 'b', 'c']],
      [null, 3],
    ]);
  });

  it('increments hash fields', async () => {
    const key = `${prefix}histogram`;
    await redis.hincrby(key, 'bucket-0', 2);
    await redis.hincrby(key, 'bucket-1', 7);
    expect(await redis.hincrby(key, 'bucket-0', 3)).toBe(5);
    expect(await redis.hgetall(key)).toEqual({ 'bucket-0': '5', 'bucket-1': '7' });
  });
});
