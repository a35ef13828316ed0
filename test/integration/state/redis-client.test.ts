/**
 * createRedisClient against a redis-server of this file's own: a frozen Redis (SIGSTOP) fails
 * commands within the command timeout, not never, and the client carries on once it answers;
 * a refused password reaches neither a log line nor the error the caller gets.
 */
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/index.js';
import { createRedisClient, REDIS_COMMAND_TIMEOUT_MS } from '../../../src/state/index.js';
import { startKillableRedis, type KillableRedis } from '../../harness/killable-redis.js';

const SECRET = 'never-in-a-log-7f3a';
let server: KillableRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startKillableRedis();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  await server.stop();
});

/** A debug-level logger and everything it wrote. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug' }, destination), lines };
}

function client(url: string, logger = createLogger({ level: 'silent' })): Redis {
  const redis = createRedisClient(url, logger);
  clients.push(redis);
  return redis;
}

describe('createRedisClient (real redis-server)', () => {
  it('fails a command to a frozen Redis within the command timeout, and works again after', async () => {
    const redis = client(server.url);
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    server.freeze();
    const sentAt = performance.now();
    try {
      await expect(redis.get('streamscore:test:frozen')).rejects.toThrow(/timed out/i);
    } finally {
      server.thaw();
    }
    const waitedMs = performance.now() - sentAt;
    expect(waitedMs).toBeGreaterThanOrEqual(REDIS_COMMAND_TIMEOUT_MS - 50);
    expect(waitedMs).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 500);
    expect(await redis.ping()).toBe('PONG');
  });

  it('keeps a refused password out of its log lines and out of the error', async () => {
    const admin = client(server.url);
    await admin.config('SET', 'requirepass', 'the-right-one');
    try {
      const { logger, lines } = capturedLogger();
      const url = `redis://:${SECRET}@127.0.0.1:${server.port}`;
      const refused = client(url, logger);
      const error = await refused.connect().then(
        () => refused.ping(),
        (failure: unknown) => failure,
      );
      refused.disconnect();
      expect(inspect(error, { depth: 5 }) + JSON.stringify(error)).not.toContain(SECRET);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('')).not.toContain(SECRET);
      expect(lines.join('')).toContain(`redis://127.0.0.1:${server.port}`);
    } finally {
      await admin.auth('the-right-one');
      await admin.config('SET', 'requirepass', '');
    }
  });
});
