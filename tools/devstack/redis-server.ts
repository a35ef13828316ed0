import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StreamscoreError } from '../../src/errors.js';
import { assertPortFree, findFreePort } from './free-port.js';
import {
  isProcessAlive,
  processMatches,
  readFileTail,
  requestTermination,
  spawnLongRunningProcess,
  stopProcess,
  type StopOutcome,
} from './process-lifecycle.js';

export interface RedisServerOptions {
  readonly redisServerPath: string;
  /** An empty directory this server owns (working dir and log). */
  readonly dataDir: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** See {@link LongRunningProcessOptions.detached}. */
  readonly detached: boolean;
  /** How long redis-server may take to answer PING. Default 10 s. */
  readonly readyTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL on stop. Default 10 s. */
  readonly stopGraceMs?: number;
  readonly logger: Logger;
}

/** Everything needed to find, probe and stop the server later, from another process too. */
export interface RedisServerRecord {
  readonly pid: number;
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly dataDir: string;
}

export interface RedisServer {
  start(): Promise<RedisServerRecord>;
  /** Idempotent; bounded by the stop grace plus a few seconds. Leaves the data dir. */
  stop(): Promise<void>;
  /** SIGTERM without waiting, for exit paths that cannot await; see `requestTermination`. */
  terminate(): void;
}

const defaultReadyTimeoutMs = 10_000;
const defaultStopGraceMs = 10_000;

export function createRedisServer(options: RedisServerOptions): RedisServer {
  const readyTimeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
  const stopGraceMs = options.stopGraceMs ?? defaultStopGraceMs;
  const logger = options.logger.child({ component: 'redis-server' });
  let record: RedisServerRecord | undefined;
  let stopping: Promise<void> | undefined;

  async function start(): Promise<RedisServerRecord> {
    if (record !== undefined) throw new Error('redis-server already started');
    const startedAt = performance.now();
    if (options.port !== undefined) await assertPortFree(options.port, 'redis');
    const port = options.port ?? (await findFreePort());
    const logPath = join(options.dataDir, 'redis.log');
    const pid = await spawnLongRunningProcess({
      command: options.redisServerPath,
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        // A scratch store: no RDB snapshots, no AOF, nothing written but the log.
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        options.dataDir,
        '--daemonize',
        'no',
        // Empty means stdout, which is the log file.
        '--logfile',
        '',
      ],
      logFilePath: logPath,
      detached: options.detached,
      cwd: options.dataDir,
    });
    record = { pid, port, url: `redis://127.0.0.1:${port}`, dataDir: options.dataDir };

    try {
      await waitForRedis(record, readyTimeoutMs, logPath);
    } catch (error) {
      await stop();
      throw error;
    }
    logger.info(
      { url: record.url, redisPid: pid, readyMs: Math.round(performance.now() - startedAt) },
      'redis-server ready',
    );
    return record;
  }

  function stop(): Promise<void> {
    if (record === undefined) return Promise.resolve();
    const started = record;
    stopping ??= stopRedisServer(started, { graceMs: stopGraceMs }).then((outcome) => {
      logger.info({ redisPid: started.pid, outcome }, 'redis-server stopped');
    });
    return stopping;
  }

  function terminate(): void {
    if (record !== undefined) requestTermination(record.pid);
  }

  return { start, stop, terminate };
}

/**
 * Whether the recorded redis-server is still running. redis-server rewrites its process title
 * to `redis-server 127.0.0.1:<port>`, which is what identifies it.
 */
export function isRedisServerAlive(record: Pick<RedisServerRecord, 'pid' | 'port'>): boolean {
  return processMatches(record.pid, `127.0.0.1:${record.port}`);
}

/** Stops a redis-server started by this or an earlier process. */
export async function stopRedisServer(
  record: RedisServerRecord,
  options: { readonly graceMs: number },
): Promise<StopOutcome> {
  if (!isRedisServerAlive(record)) return 'not-running';
  return stopProcess(record.pid, { graceMs: options.graceMs });
}

/** Whether a Redis at `url` answers PING within `timeoutMs`; one attempt, no retries. */
export async function pingRedis(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors are the answer here, not something to log.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function waitForRedis(
  record: RedisServerRecord,
  timeoutMs: number,
  logPath: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await pingRedis(record.url, 1_000)) return;
    if (!isProcessAlive(record.pid)) {
      throw new StreamscoreError(
        'STACK_FAILED',
        `redis-server exited during start-up; last log lines:\n${(await readFileTail(logPath, 2048)).trim()}`,
        { context: { pid: record.pid, port: record.port, log: logPath } },
      );
    }
    if (performance.now() >= deadline) {
      throw new StreamscoreError(
        'STACK_FAILED',
        `redis-server at ${record.url} did not answer PING within ${timeoutMs / 1000} s`,
        { retriable: true, context: { pid: record.pid, port: record.port, log: logPath } },
      );
    }
    await sleep(100);
  }
}
