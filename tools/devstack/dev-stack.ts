import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { StreamscoreError } from '../../src/errors.js';
import { assertPortFree, findFreePorts } from './free-port.js';
import {
  createKafkaBroker,
  isKafkaBrokerAlive,
  killKafkaBroker,
  probeKafkaClusterId,
  stopKafkaBroker,
} from './kafka-broker.js';
import {
  defaultKafkaVersion,
  kafkaVersionDir,
  readCachedKafkaJars,
  resolveKafkaJars,
} from './kafka-jars.js';
import type { StopOutcome } from './process-lifecycle.js';
import {
  createRedisServer,
  isRedisServerAlive,
  pingRedis,
  stopRedisServer,
} from './redis-server.js';
import { locateTools, type ExecutableLookup, type RequiredTool } from './required-tools.js';
import {
  readStateFile,
  removeStateFile,
  writeStateFile,
  type DevStackRecord,
} from './state-file.js';

export interface DevStackOptions {
  /** Default {@link defaultKafkaVersion}. */
  readonly kafkaVersion?: string;
  /** Root of the jar cache, e.g. from `resolveCacheRootDir`. */
  readonly cacheRootDir: string;
  /** Parent of the fresh `kafka-*` and `redis-*` data dirs this stack creates and removes. */
  readonly dataRootDir: string;
  /** Free ports are chosen for those left out. */
  readonly kafkaPort?: number;
  readonly redisPort?: number;
  /** True for `dev up` (the processes outlive the CLI), false for the test harness. */
  readonly detached: boolean;
  readonly lookupExecutable: ExecutableLookup;
  /** See `KafkaBrokerOptions.classDataSharing`. Default true. */
  readonly classDataSharing?: boolean;
  /** SIGTERM grace before SIGKILL on stop. Default 10 s. */
  readonly stopGraceMs?: number;
  readonly logger: Logger;
}

/** The addresses clients use; what `dev up --json` prints. */
export interface DevStackAddresses {
  /** Kafka bootstrap address, `127.0.0.1:<port>`. */
  readonly kafka: string;
  /** `redis://127.0.0.1:<port>`. */
  readonly redis: string;
}

export interface DevStack {
  /** Resolves the jars (cached), then starts Kafka and Redis side by side until both answer. */
  start(): Promise<DevStackRecord>;
  /** Stops both and removes their data dirs. Idempotent and bounded by the stop grace. */
  stop(): Promise<void>;
  /**
   * Synchronous last resort for exit paths that cannot await (a SIGINT handler racing
   * `process.exit`), also mid-start: SIGTERM to whatever has started, data dirs removed.
   */
  terminate(): void;
}

const defaultStopGraceMs = 10_000;

export function devStackAddresses(record: DevStackRecord): DevStackAddresses {
  return { kafka: record.kafka.brokers, redis: record.redis.url };
}

/** A single-node Kafka and a redis-server on loopback, with throwaway data dirs. */
export function createDevStack(options: DevStackOptions): DevStack {
  const kafkaVersion = options.kafkaVersion ?? defaultKafkaVersion;
  const stopGraceMs = options.stopGraceMs ?? defaultStopGraceMs;
  const { logger } = options;
  const stoppers: Array<() => Promise<void>> = [];
  const terminators: Array<() => void> = [];
  const dataDirs: string[] = [];
  let createdDataRoot = false;
  let stopping: Promise<void> | undefined;

  async function start(): Promise<DevStackRecord> {
    if (stoppers.length > 0 || dataDirs.length > 0) throw new Error('dev stack already started');
    // Name every missing program in one error, before anything is downloaded or started.
    const cached = await readCachedKafkaJars(
      kafkaVersionDir(options.cacheRootDir, kafkaVersion),
      kafkaVersion,
    );
    const needed: RequiredTool[] = ['java', 'redis-server'];
    if (cached === undefined) needed.push('mvn');
    const tools = locateTools(needed, options.lookupExecutable);
    const ports = await chooseStackPorts(options.kafkaPort, options.redisPort);

    const distribution = await resolveKafkaJars({
      kafkaVersion,
      cacheRootDir: options.cacheRootDir,
      lookupExecutable: options.lookupExecutable,
      logger,
    });

    // Remembered so that stop removes the root too, but only if this stack created it.
    createdDataRoot = (await mkdir(options.dataRootDir, { recursive: true })) !== undefined;
    const kafkaDataDir = await mkdtemp(join(options.dataRootDir, 'kafka-'));
    dataDirs.push(kafkaDataDir);
    const redisDataDir = await mkdtemp(join(options.dataRootDir, 'redis-'));
    dataDirs.push(redisDataDir);

    const broker = createKafkaBroker({
      javaPath: tools.java,
      distribution,
      dataDir: kafkaDataDir,
      port: ports.kafka,
      controllerPort: ports.kafkaController,
      detached: options.detached,
      classDataSharing: options.classDataSharing,
      stopGraceMs,
      logger,
    });
    const redis = createRedisServer({
      redisServerPath: tools['redis-server'],
      dataDir: redisDataDir,
      port: ports.redis,
      detached: options.detached,
      stopGraceMs,
      logger,
    });
    stoppers.push(broker.stop, redis.stop);
    terminators.push(broker.terminate, redis.terminate);

    // Neither depends on the other, and the JVM start dominates: run them side by side.
    const [kafkaStarted, redisStarted] = await Promise.allSettled([broker.start(), redis.start()]);
    if (kafkaStarted.status === 'rejected' || redisStarted.status === 'rejected') {
      await stop();
      throw kafkaStarted.status === 'rejected'
        ? kafkaStarted.reason
        : (redisStarted as PromiseRejectedResult).reason;
    }
    return {
      formatVersion: 1,
      startedAt: new Date().toISOString(),
      kafka: kafkaStarted.value,
      redis: redisStarted.value,
    };
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      // Kafka and Redis do not talk to each other, so they stop side by side too.
      const results = await Promise.allSettled(stoppers.map((stopOne) => stopOne()));
      await removeDataDirs(dataDirs);
      if (createdDataRoot) await removeIfEmpty(options.dataRootDir);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    })();
    return stopping;
  }

  function terminate(): void {
    for (const terminateOne of terminators) terminateOne();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }

  return { start, stop, terminate };
}

/**
 * All three ports at once, from one set of simultaneously held listeners: chosen separately,
 * the kernel could hand redis the port it had just offered for the Kafka controller, which
 * binds seconds later. A taken configured port fails here, before anything starts.
 */
async function chooseStackPorts(
  kafkaPort: number | undefined,
  redisPort: number | undefined,
): Promise<{ kafka: number; kafkaController: number; redis: number }> {
  if (kafkaPort !== undefined && kafkaPort === redisPort) {
    throw new StreamscoreError('STACK_FAILED', `kafka and redis cannot share port ${kafkaPort}`, {
      context: { port: kafkaPort },
    });
  }
  if (kafkaPort !== undefined) await assertPortFree(kafkaPort, 'kafka');
  if (redisPort !== undefined) await assertPortFree(redisPort, 'redis');
  // A configured port was free a moment ago, so the kernel may offer it again: skip it.
  const free = (await findFreePorts(3)).filter((port) => port !== kafkaPort && port !== redisPort);
  return {
    kafka: kafkaPort ?? (free.shift() as number),
    kafkaController: free.shift() as number,
    redis: redisPort ?? (free.shift() as number),
  };
}

export interface DevStackHealth {
  readonly kafka: { readonly alive: boolean; readonly answering: boolean };
  readonly redis: { readonly alive: boolean; readonly answering: boolean };
  /** Both processes alive and answering. */
  readonly healthy: boolean;
}

/**
 * Probes a recorded stack. Kafka counts as answering only with the recorded cluster id, so a
 * different broker that took over the port after a crash is not mistaken for ours.
 */
export async function checkDevStackHealth(record: DevStackRecord): Promise<DevStackHealth> {
  const kafkaAlive = isKafkaBrokerAlive(record.kafka);
  const redisAlive = isRedisServerAlive(record.redis);
  const [clusterId, redisAnswering] = await Promise.all([
    kafkaAlive ? probeKafkaClusterId(record.kafka.brokers, 3_000) : undefined,
    redisAlive ? pingRedis(record.redis.url, 2_000) : false,
  ]);
  const kafkaAnswering = clusterId === record.kafka.clusterId;
  return {
    kafka: { alive: kafkaAlive, answering: kafkaAnswering },
    redis: { alive: redisAlive, answering: redisAnswering },
    healthy: kafkaAlive && kafkaAnswering && redisAlive && redisAnswering,
  };
}

/** Stops a stack recorded by an earlier process and removes its data dirs. */
export async function stopRecordedDevStack(
  record: DevStackRecord,
  options: { readonly graceMs?: number } = {},
): Promise<{ readonly kafka: StopOutcome; readonly redis: StopOutcome }> {
  const graceMs = options.graceMs ?? defaultStopGraceMs;
  const [kafka, redis] = await Promise.all([
    stopKafkaBroker(record.kafka, { graceMs }),
    stopRedisServer(record.redis, { graceMs }),
  ]);
  await removeDataDirs([record.kafka.dataDir, record.redis.dataDir]);
  return { kafka, redis };
}

async function removeDataDirs(dirs: readonly string[]): Promise<void> {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

async function removeIfEmpty(dir: string): Promise<void> {
  await rmdir(dir).catch(() => undefined);
}

/** Where `dev up` puts the data dirs of the stack recorded in `stateFilePath`. */
function dataRootBeside(stateFilePath: string): string {
  return join(dirname(stateFilePath), 'dev-stack');
}

export interface DevStackUpOptions extends Omit<DevStackOptions, 'detached' | 'dataRootDir'> {
  /** The record of the running stack; its data dirs are created beside it. */
  readonly stateFilePath: string;
}

export interface DevStackUpResult {
  readonly record: DevStackRecord;
  /** True when a healthy recorded stack was found and nothing was started. */
  readonly reused: boolean;
}

/**
 * `dev up`: reuses the recorded stack when it is healthy, otherwise clears what is left of it
 * and starts a detached one whose record goes to the state file.
 */
export async function devStackUp(options: DevStackUpOptions): Promise<DevStackUpResult> {
  const { logger, stateFilePath } = options;
  const recorded = await readStateFile(stateFilePath);
  if (recorded !== undefined) {
    const health = await checkDevStackHealth(recorded);
    if (health.healthy) {
      assertCompatible(recorded, options, stateFilePath);
      logger.info(
        { stateFile: stateFilePath, ...devStackAddresses(recorded) },
        'dev stack already running; reusing it',
      );
      return { record: recorded, reused: true };
    }
    logger.warn(
      { stateFile: stateFilePath, health },
      'recorded dev stack is not healthy; replacing it',
    );
    await stopRecordedDevStack(recorded, { graceMs: options.stopGraceMs });
    await removeStateFile(stateFilePath);
  }

  const stack = createDevStack({
    ...options,
    detached: true,
    dataRootDir: dataRootBeside(stateFilePath),
  });
  const record = await stack.start();
  try {
    await writeStateFile(stateFilePath, record);
  } catch (error) {
    // Unrecorded processes could never be stopped by `dev down`.
    await stack.stop();
    throw error;
  }
  return { record, reused: false };
}

function assertCompatible(
  recorded: DevStackRecord,
  wanted: Pick<DevStackUpOptions, 'kafkaPort' | 'redisPort' | 'kafkaVersion'>,
  stateFilePath: string,
): void {
  const conflicts: string[] = [];
  if (wanted.kafkaPort !== undefined && wanted.kafkaPort !== recorded.kafka.port) {
    conflicts.push(`kafka port ${recorded.kafka.port}, not ${wanted.kafkaPort}`);
  }
  if (wanted.redisPort !== undefined && wanted.redisPort !== recorded.redis.port) {
    conflicts.push(`redis port ${recorded.redis.port}, not ${wanted.redisPort}`);
  }
  if (wanted.kafkaVersion !== undefined && wanted.kafkaVersion !== recorded.kafka.kafkaVersion) {
    conflicts.push(`kafka ${recorded.kafka.kafkaVersion}, not ${wanted.kafkaVersion}`);
  }
  if (conflicts.length > 0) {
    throw new StreamscoreError(
      'STACK_FAILED',
      `a dev stack is already running with ${conflicts.join(' and ')}; run \`streamscore dev down\` first to change it`,
      { context: { stateFile: stateFilePath } },
    );
  }
}

export interface DevStackStatus {
  readonly stateFilePath: string;
  /** Undefined when no stack is recorded. */
  readonly record?: DevStackRecord;
  readonly health?: DevStackHealth;
}

/** `dev status`: the recorded stack, if any, and whether each process is alive and answering. */
export async function devStackStatus(options: {
  readonly stateFilePath: string;
}): Promise<DevStackStatus> {
  const record = await readStateFile(options.stateFilePath);
  if (record === undefined) return { stateFilePath: options.stateFilePath };
  return {
    stateFilePath: options.stateFilePath,
    record,
    health: await checkDevStackHealth(record),
  };
}

export interface DevStackDownResult {
  /** The stack that was recorded, or undefined when there was none. */
  readonly record?: DevStackRecord;
  readonly kafka?: StopOutcome;
  readonly redis?: StopOutcome;
}

/** `dev down`: stops the recorded stack, removes its data dirs and then the state file. */
export async function devStackDown(options: {
  readonly stateFilePath: string;
  readonly stopGraceMs?: number;
}): Promise<DevStackDownResult> {
  const record = await readStateFile(options.stateFilePath);
  if (record === undefined) return {};
  const outcomes = await stopRecordedDevStack(record, { graceMs: options.stopGraceMs });
  await removeIfEmpty(dataRootBeside(options.stateFilePath));
  // Last, so a failed stop leaves the record for another attempt.
  await removeStateFile(options.stateFilePath);
  return { record, ...outcomes };
}

/** The stack recorded in `stateFilePath`; an error when there is none to act on. */
async function readRecordedStack(stateFilePath: string): Promise<DevStackRecord> {
  const record = await readStateFile(stateFilePath);
  if (record === undefined) {
    throw new StreamscoreError(
      'STACK_FAILED',
      `no dev stack recorded in ${stateFilePath}; start one with \`streamscore dev up\``,
      { context: { stateFile: stateFilePath } },
    );
  }
  return record;
}

export interface DevBrokerStopOptions {
  readonly stateFilePath: string;
  /** SIGKILL at once, the crash a fault drill wants; otherwise SIGTERM, SIGKILL after the grace. */
  readonly kill?: boolean;
  /** SIGTERM grace before SIGKILL. Default 10 s. */
  readonly stopGraceMs?: number;
}

export interface DevBrokerStopResult {
  readonly record: DevStackRecord;
  readonly kafka: StopOutcome;
}

/**
 * `dev broker stop`: stops the recorded stack's broker alone and keeps its data dir and the
 * state file, so `dev broker start` brings the same cluster back. Redis is left running.
 */
export async function devBrokerStop(options: DevBrokerStopOptions): Promise<DevBrokerStopResult> {
  const record = await readRecordedStack(options.stateFilePath);
  const kafka = options.kill
    ? await killKafkaBroker(record.kafka)
    : await stopKafkaBroker(record.kafka, { graceMs: options.stopGraceMs ?? defaultStopGraceMs });
  return { record, kafka };
}

export interface DevBrokerStartOptions extends Pick<
  DevStackOptions,
  'cacheRootDir' | 'lookupExecutable' | 'classDataSharing' | 'logger'
> {
  readonly stateFilePath: string;
  readonly stopGraceMs?: number;
}

export interface DevBrokerStartResult {
  /** The stack as recorded now: the broker's new pid, its same ports, data dir and cluster id. */
  readonly record: DevStackRecord;
  /** True when the recorded broker was already answering and nothing was started. */
  readonly reused: boolean;
}

/**
 * `dev broker start`: starts the recorded stack's broker again on its ports, over its data dir
 * (no new storage format, so topics, records and committed offsets survive), and records its
 * new pid in the state file.
 */
export async function devBrokerStart(
  options: DevBrokerStartOptions,
): Promise<DevBrokerStartResult> {
  const { logger, stateFilePath } = options;
  const recorded = await readRecordedStack(stateFilePath);
  if (isKafkaBrokerAlive(recorded.kafka)) {
    const clusterId = await probeKafkaClusterId(recorded.kafka.brokers, 3_000);
    if (clusterId === recorded.kafka.clusterId) return { record: recorded, reused: true };
    throw new StreamscoreError(
      'STACK_FAILED',
      `kafka broker pid ${recorded.kafka.pid} is running but does not answer at ${recorded.kafka.brokers}; \`streamscore dev broker restart\` replaces it`,
      { context: { pid: recorded.kafka.pid, stateFile: stateFilePath } },
    );
  }
  const { java } = locateTools(['java'], options.lookupExecutable);
  const distribution = await resolveKafkaJars({
    kafkaVersion: recorded.kafka.kafkaVersion,
    cacheRootDir: options.cacheRootDir,
    lookupExecutable: options.lookupExecutable,
    logger,
  });
  const broker = createKafkaBroker({
    javaPath: java,
    distribution,
    dataDir: recorded.kafka.dataDir,
    storage: 'reuse',
    port: recorded.kafka.port,
    controllerPort: recorded.kafka.controllerPort,
    detached: true,
    classDataSharing: options.classDataSharing,
    stopGraceMs: options.stopGraceMs,
    logger,
  });
  const record: DevStackRecord = { ...recorded, kafka: await broker.start() };
  try {
    await writeStateFile(stateFilePath, record);
  } catch (error) {
    // An unrecorded broker could never be stopped by `dev down`.
    await broker.stop();
    throw error;
  }
  return { record, reused: false };
}

export interface DevBrokerRestartResult {
  /** The stack as recorded now, as after {@link devBrokerStart}. */
  readonly record: DevStackRecord;
  /** How the broker that ran before was stopped. */
  readonly stopped: StopOutcome;
}

/** `dev broker restart`: {@link devBrokerStop}, then {@link devBrokerStart}. */
export async function devBrokerRestart(
  options: DevBrokerStopOptions & DevBrokerStartOptions,
): Promise<DevBrokerRestartResult> {
  const { kafka: stopped } = await devBrokerStop(options);
  const { record } = await devBrokerStart(options);
  return { record, stopped };
}
