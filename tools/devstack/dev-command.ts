import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { pino, type Logger } from 'pino';
import {
  devBrokerRestart,
  devBrokerStart,
  devBrokerStop,
  devStackAddresses,
  devStackDown,
  devStackStatus,
  devStackUp,
  type DevBrokerStartOptions,
  type DevStackStatus,
} from './dev-stack.js';
import {
  defaultKafkaVersion,
  isSupportedKafkaVersion,
  resolveCacheRootDir,
  resolveKafkaJars,
} from './kafka-jars.js';
import { type StopOutcome } from './process-lifecycle.js';
import { createPathLookup } from './required-tools.js';
import { defaultStateFilePath, type DevStackRecord } from './state-file.js';

interface StateFileOption {
  stateFile?: string;
}
interface JsonOption {
  json?: boolean;
}
interface UpOptions extends StateFileOption, JsonOption {
  kafkaPort?: number;
  redisPort?: number;
  kafkaVersion?: string;
}
interface BrokerStopOptions extends StateFileOption, JsonOption {
  kill?: boolean;
}
interface FetchOptions extends JsonOption {
  kafkaVersion?: string;
}

const stateFileHelp =
  'where the running stack is recorded (default: $STREAMSCORE_STATE, else .streamscore/dev-stack.json)';

export function registerDevCommand(program: Command): void {
  const dev = program
    .command('dev')
    .description(
      'Local Apache Kafka (KRaft, single node) and redis-server on 127.0.0.1, without Docker. ' +
        'Kafka jars are cached in $STREAMSCORE_CACHE_DIR (default ~/.cache/streamscore).',
    );

  dev
    .command('up')
    .description('Start the stack (or reuse the running one) and print its addresses')
    .option('--kafka-port <port>', 'Kafka client port (default: a free port)', parsePort)
    .option('--redis-port <port>', 'redis-server port (default: a free port)', parsePort)
    .option(
      '--kafka-version <version>',
      `Apache Kafka 4.x release (default: ${defaultKafkaVersion})`,
      parseKafkaVersion,
    )
    .option('--state-file <path>', stateFileHelp)
    .option('--json', 'print only {"kafka":"127.0.0.1:PORT","redis":"redis://127.0.0.1:PORT"}')
    .action(async (options: UpOptions) => {
      const logger = createCliLogger();
      const stateFilePath = stateFileFrom(options);
      const { result, interrupted } = await deferInterrupts(logger, 'the stack', () =>
        devStackUp({
          stateFilePath,
          cacheRootDir: cacheRootDirFromEnvironment(),
          kafkaVersion: options.kafkaVersion,
          kafkaPort: options.kafkaPort,
          redisPort: options.redisPort,
          lookupExecutable: createPathLookup(process.env['PATH']),
          logger,
        }),
      );
      if (interrupted && !result.reused) {
        await devStackDown({ stateFilePath });
        process.exitCode = 130;
        return;
      }

      const addresses = devStackAddresses(result.record);
      if (options.json) {
        console.log(JSON.stringify(addresses));
        return;
      }
      const { kafka, redis } = result.record;
      console.log(result.reused ? 'dev stack already running; reusing it' : 'dev stack started');
      console.log(
        `  kafka  ${addresses.kafka}  (Apache Kafka ${kafka.kafkaVersion}, pid ${kafka.pid})`,
      );
      console.log(`  redis  ${addresses.redis}  (pid ${redis.pid})`);
      // Topologies read their brokers from $KAFKA_BROKERS (topologies/fraud.yaml defaults to
      // 127.0.0.1:9092), and the stack's port is free-picked: a line to paste or eval.
      console.log(`export KAFKA_BROKERS=${addresses.kafka}`);
      console.log(`state in ${stateFilePath}; stop with: streamscore dev down`);
    });

  dev
    .command('status')
    .description(
      'Show the recorded stack and whether each process is alive and answering; exits 1 unless healthy',
    )
    .option('--state-file <path>', stateFileHelp)
    .option('--json', 'print the status as one JSON object')
    .action(async (options: StateFileOption & JsonOption) => {
      const status = await devStackStatus({ stateFilePath: stateFileFrom(options) });
      const healthy = status.health?.healthy ?? false;
      if (!healthy) process.exitCode = 1;
      if (options.json) console.log(JSON.stringify(statusJson(status)));
      else printStatus(status);
    });

  dev
    .command('down')
    .description(
      'Stop the recorded stack (SIGTERM, SIGKILL after 10 s) and remove its data and state file',
    )
    .option('--state-file <path>', stateFileHelp)
    .option('--json', 'print the outcome as one JSON object')
    .action(async (options: StateFileOption & JsonOption) => {
      const stateFilePath = stateFileFrom(options);
      const result = await devStackDown({ stateFilePath });
      if (options.json) {
        console.log(
          JSON.stringify({
            stopped: result.record !== undefined,
            stateFile: stateFilePath,
            kafka: result.kafka ?? null,
            redis: result.redis ?? null,
          }),
        );
      } else if (result.record === undefined) {
        console.log(`no dev stack recorded in ${stateFilePath}; nothing to stop`);
      } else {
        console.log(
          `stopped kafka (pid ${result.record.kafka.pid}: ${result.kafka}) and ` +
            `redis (pid ${result.record.redis.pid}: ${result.redis}); removed their data and ${stateFilePath}`,
        );
      }
    });

  registerBrokerCommands(dev);

  dev
    .command('fetch')
    .description(
      'Download the Kafka jars into the cache with Maven (no-op when cached); for CI images',
    )
    .option(
      '--kafka-version <version>',
      `Apache Kafka 4.x release (default: ${defaultKafkaVersion})`,
      parseKafkaVersion,
    )
    .option('--json', 'print the result as one JSON object')
    .action(async (options: FetchOptions) => {
      const distribution = await resolveKafkaJars({
        kafkaVersion: options.kafkaVersion ?? defaultKafkaVersion,
        cacheRootDir: cacheRootDirFromEnvironment(),
        lookupExecutable: createPathLookup(process.env['PATH']),
        logger: createCliLogger(),
      });
      const { kafkaVersion, libsDir, jarCount, totalBytes, cacheHit } = distribution;
      const resolveMs = Math.round(distribution.resolveMs);
      if (options.json) {
        console.log(
          JSON.stringify({ kafkaVersion, libsDir, jarCount, totalBytes, cacheHit, resolveMs }),
        );
        return;
      }
      const size = `${(totalBytes / 1024 / 1024).toFixed(1)} MiB`;
      const how = cacheHit ? 'already cached' : `downloaded in ${(resolveMs / 1000).toFixed(1)} s`;
      console.log(`kafka ${kafkaVersion}: ${jarCount} jars, ${size} in ${libsDir} (${how})`);
    });
}

/**
 * `dev broker stop|start|restart`: the recorded stack's broker alone, for fault drills. Its
 * data dir and the state file stay, so the same cluster comes back on the same port.
 */
function registerBrokerCommands(dev: Command): void {
  const broker = dev
    .command('broker')
    .description(
      "Stop, start or restart the recorded stack's Kafka broker alone, keeping its port, " +
        'topics and records (redis-server keeps running)',
    );
  const killHelp = 'SIGKILL at once, a crash (default: SIGTERM, SIGKILL after 10 s)';

  broker
    .command('stop')
    .description('Stop the broker; `dev broker start` brings it back')
    .option('--kill', killHelp)
    .option('--state-file <path>', stateFileHelp)
    .option('--json', 'print the outcome as one JSON object')
    .action(async (options: BrokerStopOptions) => {
      const { record, kafka } = await devBrokerStop({
        stateFilePath: stateFileFrom(options),
        kill: options.kill,
      });
      printBrokerOutcome(options, record, { stopped: kafka });
    });

  broker
    .command('start')
    .description('Start the stopped broker again on its port, over its data dir (no-op when up)')
    .option('--state-file <path>', stateFileHelp)
    .option('--json', 'print the outcome as one JSON object')
    .action(async (options: StateFileOption & JsonOption) => {
      const started = await startBroker(options, (startOptions) => devBrokerStart(startOptions));
      if (started === undefined) return;
      printBrokerOutcome(options, started.record, { started: !started.reused });
    });

  broker
    .command('restart')
    .description('Stop the broker, then start it again on its port, over its data dir')
    .option('--kill', killHelp)
    .option('--state-file <path>', stateFileHelp)
    .option('--json', 'print the outcome as one JSON object')
    .action(async (options: BrokerStopOptions) => {
      const restarted = await startBroker(options, (startOptions) =>
        devBrokerRestart({ ...startOptions, kill: options.kill }),
      );
      if (restarted === undefined) return;
      printBrokerOutcome(options, restarted.record, {
        stopped: restarted.stopped,
        started: true,
      });
    });
}

/**
 * Runs a broker start with Ctrl-C deferred like `dev up`; after an interrupt the broker is
 * stopped again, the exit code is 130 and the result undefined.
 */
async function startBroker<
  T extends { readonly record: DevStackRecord; readonly reused?: boolean },
>(
  options: StateFileOption,
  start: (startOptions: DevBrokerStartOptions) => Promise<T>,
): Promise<T | undefined> {
  const logger = createCliLogger();
  const stateFilePath = stateFileFrom(options);
  const { result, interrupted } = await deferInterrupts(logger, 'the broker', () =>
    start({
      stateFilePath,
      cacheRootDir: cacheRootDirFromEnvironment(),
      lookupExecutable: createPathLookup(process.env['PATH']),
      logger,
    }),
  );
  if (!interrupted || result.reused === true) return result;
  await devBrokerStop({ stateFilePath });
  process.exitCode = 130;
  return undefined;
}

/**
 * Runs `start` with Ctrl-C held back until it settles: detached processes nobody recorded
 * could never be stopped by `dev down`. The caller takes them down after an interrupt; a
 * second Ctrl-C exits at once.
 */
async function deferInterrupts<T>(
  logger: Logger,
  what: string,
  start: () => Promise<T>,
): Promise<{ readonly result: T; readonly interrupted: boolean }> {
  let interrupted = false;
  const onInterrupt = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    logger.warn(`interrupted: ${what} is stopped as soon as its start settles`);
  };
  process.on('SIGINT', onInterrupt);
  try {
    const result = await start();
    return { result, interrupted };
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

function printBrokerOutcome(
  options: JsonOption,
  record: DevStackRecord,
  outcome: { readonly stopped?: StopOutcome; readonly started?: boolean },
): void {
  const { brokers, pid } = record.kafka;
  if (options.json) {
    console.log(JSON.stringify({ kafka: brokers, pid, ...outcome }));
    return;
  }
  if (outcome.stopped !== undefined) {
    const next =
      outcome.started === undefined ? '; start it again with: streamscore dev broker start' : '';
    console.log(`kafka ${brokers}: ${outcome.stopped}${next}`);
  }
  if (outcome.started === true) console.log(`kafka ${brokers}: started (pid ${pid})`);
  if (outcome.started === false) console.log(`kafka ${brokers}: already running (pid ${pid})`);
}

/** Progress and warnings as pino JSON on stderr, keeping stdout for the answer. */
function createCliLogger(): Logger {
  return pino({ name: 'streamscore-dev', level: 'info' }, pino.destination({ fd: 2, sync: true }));
}

function stateFileFrom(options: StateFileOption): string {
  const fromEnvironment = process.env['STREAMSCORE_STATE'];
  const path =
    options.stateFile ??
    (fromEnvironment !== undefined && fromEnvironment !== ''
      ? fromEnvironment
      : defaultStateFilePath(process.cwd()));
  return resolve(path);
}

function cacheRootDirFromEnvironment(): string {
  return resolve(resolveCacheRootDir(process.env, homedir()));
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError('expected a TCP port between 1 and 65535');
  }
  return port;
}

function parseKafkaVersion(value: string): string {
  if (!isSupportedKafkaVersion(value)) {
    throw new InvalidArgumentError(
      `expected an Apache Kafka 4.x release such as ${defaultKafkaVersion}`,
    );
  }
  return value;
}

function statusJson(status: DevStackStatus): Record<string, unknown> {
  const { record, health } = status;
  if (record === undefined || health === undefined) {
    return { stateFile: status.stateFilePath, recorded: false, healthy: false };
  }
  return {
    stateFile: status.stateFilePath,
    recorded: true,
    healthy: health.healthy,
    startedAt: record.startedAt,
    kafka: {
      address: record.kafka.brokers,
      kafkaVersion: record.kafka.kafkaVersion,
      pid: record.kafka.pid,
      port: record.kafka.port,
      controllerPort: record.kafka.controllerPort,
      dataDir: record.kafka.dataDir,
      ...health.kafka,
    },
    redis: {
      address: record.redis.url,
      pid: record.redis.pid,
      port: record.redis.port,
      dataDir: record.redis.dataDir,
      ...health.redis,
    },
  };
}

function printStatus(status: DevStackStatus): void {
  const { record, health } = status;
  if (record === undefined || health === undefined) {
    console.log(
      `no dev stack recorded in ${status.stateFilePath}; start one with: streamscore dev up`,
    );
    return;
  }
  const describe = (state: { alive: boolean; answering: boolean }): string =>
    `${state.alive ? 'alive' : 'not running'}, ${state.answering ? 'answering' : 'not answering'}`;
  console.log(
    `dev stack recorded in ${status.stateFilePath}, started ${record.startedAt}: ` +
      (health.healthy
        ? 'healthy'
        : 'NOT healthy (`streamscore dev broker start` brings a stopped broker back; `streamscore dev up` replaces the stack)'),
  );
  console.log(
    `  kafka  ${record.kafka.brokers}  pid ${record.kafka.pid}  ${describe(health.kafka)}  data ${record.kafka.dataDir}`,
  );
  console.log(
    `  redis  ${record.redis.url}  pid ${record.redis.pid}  ${describe(health.redis)}  data ${record.redis.dataDir}`,
  );
}
