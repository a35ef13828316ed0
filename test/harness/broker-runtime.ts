/**
 * What a test file's own Kafka broker runs on: the machine's java (and any other tools it
 * needs) and the cached Kafka jars, as the shared harness broker gets them.
 */
import { homedir } from 'node:os';
import type { Logger } from 'pino';
import {
  createPathLookup,
  defaultKafkaVersion,
  locateTools,
  resolveCacheRootDir,
  resolveKafkaJars,
  type KafkaDistribution,
  type RequiredTool,
} from '../../tools/devstack/index.js';

export async function resolveBrokerRuntime<T extends RequiredTool>(
  logger: Logger,
  extraTools: readonly T[] = [],
): Promise<{ tools: Record<'java' | T, string>; distribution: KafkaDistribution }> {
  const lookupExecutable = createPathLookup(process.env['PATH']);
  const tools = locateTools<'java' | T>(['java', ...extraTools], lookupExecutable);
  const distribution = await resolveKafkaJars({
    kafkaVersion: defaultKafkaVersion,
    cacheRootDir: resolveCacheRootDir(process.env, homedir()),
    lookupExecutable,
    logger,
  });
  return { tools, distribution };
}
