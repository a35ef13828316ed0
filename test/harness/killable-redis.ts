/**
 * A redis-server of one test file's own, to crash and to freeze: SIGKILL it and start it again
 * on the same port, or SIGSTOP it and SIGCONT it later. The shared harness redis-server
 * (global-setup.ts) is never the one signalled.
 *
 * Unlike the dev stack's scratch redis-server, this one keeps every acknowledged write across a
 * SIGKILL (append-only file, fsync on every write), as a production Redis with persistence does:
 * a test can then tell "drift caught up" from "Redis forgot".
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  createPathLookup,
  createRedisServer,
  locateTools,
  type RedisServer,
  type RedisServerRecord,
} from '../../tools/devstack/index.js';
import { quietLogger } from './scoring-fixtures.js';

export interface KillableRedis {
  /** `redis://127.0.0.1:<port>`; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** SIGKILL; resolves once its port is free. A no-op while it is down. */
  kill(): Promise<void>;
  /** Starts it again on the same port over the same data, once killed (kills it first if not). */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers. */
  freeze(): void;
  /** SIGCONT: it answers what was sent meanwhile. */
  thaw(): void;
  /** Thaws and stops it, and removes its files. Idempotent. */
  stop(): Promise<void>;
}

export async function startKillableRedis(
  options: { readonly logger?: Logger } = {},
): Promise<KillableRedis> {
  const logger = options.logger ?? quietLogger();
  const { 'redis-server': redisServerPath } = locateTools(
    ['redis-server'],
    createPathLookup(process.env['PATH']),
  );
  const rootDir = await mkdtemp(join(tmpdir(), 'streamscore-killable-redis-'));
  const dataDir = join(rootDir, 'data');
  await mkdir(dataDir);
  // The dev stack's own start-up code, with persistence switched on: redis-server takes the
  // last of repeated options, so these override its `--appendonly no`.
  const persistentServer = join(rootDir, 'redis-server');
  await writeFile(
    persistentServer,
    `#!/bin/sh\nexec '${redisServerPath}' "$@" --appendonly yes --appendfsync always\n`,
  );
  await chmod(persistentServer, 0o755);

  const launch = (port?: number): RedisServer =>
    createRedisServer({
      redisServerPath: persistentServer,
      dataDir,
      ...(port === undefined ? {} : { port }),
      detached: false,
      stopGraceMs: 2_000,
      logger,
    });

  let server = launch();
  let record: RedisServerRecord;
  try {
    record = await server.start();
  } catch (error) {
    await rm(rootDir, { recursive: true, force: true });
    throw error;
  }
  const { port, url } = record;
  let running = true;
  let stopping: Promise<void> | undefined;

  async function kill(): Promise<void> {
    if (!running) return;
    process.kill(record.pid, 'SIGKILL');
    running = false;
    // The port is free once the process is gone (a zombie holds no sockets).
    while (!(await portIsFree(port))) await sleep(20);
  }

  return {
    url,
    port,
    kill,
    async restart() {
      await kill();
      server = launch(port);
      record = await server.start();
      running = true;
    },
    freeze() {
      if (running) process.kill(record.pid, 'SIGSTOP');
    },
    thaw() {
      if (running) process.kill(record.pid, 'SIGCONT');
    },
    stop() {
      stopping ??= (async () => {
        try {
          if (running) {
            process.kill(record.pid, 'SIGCONT');
            await server.stop();
          }
          running = false;
        } finally {
          await rm(rootDir, { recursive: true, force: true });
        }
      })();
      return stopping;
    },
  };
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
