/**
 * Starts one throwaway Kafka + Redis stack for the integration project, with the same code as
 * `streamscore dev up` (not the CLI): fresh temp data dirs, free ports, no state file. Tests
 * read the addresses with `inject('kafkaBrokers')` and `inject('redisUrl')`.
 */
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import {
  createDevStack,
  createPathLookup,
  resolveCacheRootDir,
} from '../../tools/devstack/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap address of the harness broker, `127.0.0.1:<port>`. */
    kafkaBrokers: string;
    /** `redis://127.0.0.1:<port>` of the harness redis-server. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = pino(
    { name: 'streamscore-test-harness', level: 'info' },
    pino.destination({ fd: 2, sync: true }),
  );
  const dataRootDir = join(tmpdir(), `streamscore-it-${process.pid}-${Date.now().toString(36)}`);
  const stack = createDevStack({
    cacheRootDir: resolveCacheRootDir(process.env, homedir()),
    dataRootDir,
    // Attached: a Ctrl-C in the terminal reaches the broker and redis-server as well.
    detached: false,
    lookupExecutable: createPathLookup(process.env['PATH']),
    logger,
  });

  // Vitest exits about 1 ms after its own SIGINT/SIGTERM handler runs, too soon for the async
  // stop: signal the servers synchronously (they shut themselves down) and drop their data.
  // Registered before start, so an interrupt during start-up leaves nothing behind either.
  const stopOnSignal = (): void => {
    stack.terminate();
    rmSync(dataRootDir, { recursive: true, force: true });
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  let record;
  try {
    record = await stack.start();
  } catch (error) {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await rm(dataRootDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('kafkaBrokers', record.kafka.brokers);
  project.provide('redisUrl', record.redis.url);

  // Vitest runs this after the last test file, whether the tests passed or not.
  return async function teardown(): Promise<void> {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    try {
      await stack.stop();
    } finally {
      await rm(dataRootDir, { recursive: true, force: true });
    }
  };
}
