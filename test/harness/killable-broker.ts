/**
 * A Kafka broker of one test file's own, to crash: SIGKILL it mid-stream, start it again on the
 * same ports over the same data dir, and see what the clients and the scorer make of it. The
 * shared harness broker (global-setup.ts) is never the one killed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  createKafkaBroker,
  killKafkaBroker,
  type KafkaBroker,
  type KafkaBrokerRecord,
  type KafkaBrokerStorage,
} from '../../tools/devstack/index.js';
import { resolveBrokerRuntime } from './broker-runtime.js';
import { quietLogger } from './scoring-fixtures.js';

export interface KillableBroker {
  /** Bootstrap address `127.0.0.1:<port>`; the same across restarts. */
  readonly brokers: string;
  readonly port: number;
  readonly dataDir: string;
  /** The running broker's pid, which changes on every restart; undefined while it is down. */
  pid(): number | undefined;
  /** SIGKILL, no SIGTERM first; resolves once the process is gone. A no-op while it is down. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same ports over the same data dir (no storage format: topics and
   * records survive) and resolves once it answers with the same cluster id. Kills it first
   * when it is still running, so a lone `restart()` is a crash and a recovery.
   */
  restart(): Promise<void>;
  /** Stops it (SIGTERM) and removes the data dir. Idempotent. */
  stop(): Promise<void>;
}

export interface KillableBrokerOptions {
  /** Default: {@link quietLogger}. */
  readonly logger?: Logger;
}

/**
 * Formats and starts a single-node KRaft broker on free ports with a fresh data dir under the
 * temp dir. Attached to this process, so a Ctrl-C of the test run reaches it too.
 */
export async function startKillableBroker(
  options: KillableBrokerOptions = {},
): Promise<KillableBroker> {
  const logger = options.logger ?? quietLogger();
  const {
    tools: { java },
    distribution,
  } = await resolveBrokerRuntime(logger);
  const dataDir = await mkdtemp(join(tmpdir(), 'streamscore-killable-kafka-'));

  const launch = (
    storage: KafkaBrokerStorage,
    ports: Partial<Pick<KafkaBrokerRecord, 'port' | 'controllerPort'>>,
  ): KafkaBroker =>
    createKafkaBroker({
      javaPath: java,
      distribution,
      dataDir,
      storage,
      ...ports,
      detached: false,
      logger,
    });

  let broker = launch('format', {});
  let record: KafkaBrokerRecord;
  try {
    record = await broker.start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const first = record;
  let running = true;
  let stopping: Promise<void> | undefined;

  async function kill(): Promise<void> {
    if (!running) return;
    await killKafkaBroker(record);
    running = false;
  }

  async function restart(): Promise<void> {
    await kill();
    broker = launch('reuse', { port: first.port, controllerPort: first.controllerPort });
    record = await broker.start();
    running = true;
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      try {
        if (running) await broker.stop();
        running = false;
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  }

  return {
    brokers: first.brokers,
    port: first.port,
    dataDir,
    pid: () => (running ? record.pid : undefined),
    kill,
    restart,
    stop,
  };
}
