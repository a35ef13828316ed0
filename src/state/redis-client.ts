/**
 * The one way streamscore builds an ioredis client, so that every command against a Redis that
 * is down, unreachable or frozen (SIGSTOP, a swap storm, a network that drops packets) fails
 * within a bounded time instead of hanging: the drift consumer keeps its counts and counts the
 * failure, and the evaluator lease runs out and steps down on time.
 *
 * - Every command, including one queued while the client reconnects, fails after
 *   `REDIS_COMMAND_TIMEOUT_MS` at the latest. A timed-out command may still run once Redis
 *   answers again; the window store's fences and the lease's term are built for that.
 * - A connection silent for `REDIS_SOCKET_TIMEOUT_MS` while answers are due is dropped and
 *   reconnected, so a half-open connection (a peer gone without a reset) does not linger.
 * - Reconnection backs off exponentially from 100 ms to at most 2 s (plus jitter, so a fleet does
 *   not reconnect in step), and never gives up: drift catches up once Redis is back.
 * - A password in the URL reaches no log line: errors of the handshake that carried it are
 *   scrubbed before anyone can log them, and `redisUrlForLogs` drops the credentials.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/index.js';

/** The longest any command waits for its answer. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;
/** The longest a TCP connect may take. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;
/** A connection that receives nothing this long while answers are due is dropped. */
export const REDIS_SOCKET_TIMEOUT_MS = 5_000;
const RECONNECT_FIRST_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 2_000;

/**
 * The delay before reconnection attempt `attempt` (1-based): doubling from 100 ms, capped at 2 s,
 * plus up to 10 % jitter. `random` in [0, 1).
 */
export function redisReconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(
    RECONNECT_FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1),
    RECONNECT_MAX_DELAY_MS,
  );
  return Math.round(base * (1 + 0.1 * random()));
}

/** The ioredis options behind `createRedisClient` (lazy: the caller connects). */
export function redisClientOptions(): RedisOptions {
  return {
    lazyConnect: true,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
    // Commands sent while reconnecting wait for the connection (a blip shorter than the command
    // timeout goes unnoticed), but never longer than the command timeout; one in flight when
    // the connection dropped is resent once.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => redisReconnectDelayMs(attempt),
  };
}

/**
 * A Redis client with `redisClientOptions()`, not yet connected (`await client.connect()`).
 * Connection errors are logged at debug only: they reach the callers through their commands.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, redisClientOptions());
  const log = logger.child({ redis: redisUrlForLogs(url) });
  redis.on('error', (error: unknown) => {
    scrubRedisError(error);
    log.debug({ err: error }, 'redis connection error');
  });
  return redis;
}

/** The URL without its credentials (`redis://host:port/db`), for logs and error messages. */
export function redisUrlForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '[unparsable redis url]';
  }
}

/** Commands whose arguments carry the password. */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello']);

/**
 * ioredis attaches the failed command and its arguments to a reply error, so a refused AUTH
 * (or HELLO … AUTH) would carry the password into any log line of it. The client emits such an
 * error as `error` synchronously, before the commands it fails can be handled, so scrubbing it
 * in place there covers every later holder of it too.
 */
function scrubRedisError(error: unknown): void {
  if (typeof error !== 'object' || error === null || !('command' in error)) return;
  const command = (error as { command?: { name?: unknown; args?: unknown } }).command;
  if (
    typeof command === 'object' &&
    command !== null &&
    typeof command.name === 'string' &&
    CREDENTIAL_COMMANDS.has(command.name.toLowerCase())
  ) {
    command.args = ['[redacted]'];
  }
}
