import { createHash, randomUUID } from 'node:crypto';
import { access, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { StreamscoreError } from '../../src/errors.js';
import { createKafkaClient } from '../../src/io/index.js';
import { assertPortFree, findFreePorts } from './free-port.js';
import type { KafkaDistribution } from './kafka-jars.js';
import {
  createClusterId,
  kafkaJvmFlags,
  renderLog4j2Properties,
  renderServerProperties,
  scramFormatArguments,
  type SecuredListenerSettings,
} from './kafka-properties.js';
import {
  isProcessAlive,
  processMatches,
  readFileTail,
  requestTermination,
  runCommand,
  spawnLongRunningProcess,
  stopProcess,
  type StopOutcome,
} from './process-lifecycle.js';

export interface KafkaBrokerOptions {
  readonly javaPath: string;
  readonly distribution: Pick<KafkaDistribution, 'kafkaVersion' | 'versionDir' | 'libsDir'>;
  /**
   * The directory this broker owns (empty for `storage: 'format'`): configs, metadata log,
   * partitions, logs.
   */
  readonly dataDir: string;
  /**
   * `format` (default): a new cluster in an empty data dir. `reuse`: start the broker that last
   * ran in this data dir again, with its cluster id, topics and records, after a crash or a
   * stop; pass the ports it had, since clients and its metadata log know those.
   */
  readonly storage?: KafkaBrokerStorage;
  /** Client port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** KRaft controller port on 127.0.0.1; a free one when omitted. */
  readonly controllerPort?: number;
  /** See {@link LongRunningProcessOptions.detached}. */
  readonly detached: boolean;
  /**
   * Use (or, the first time, record) a class-data-sharing archive of the broker's classes
   * next to the jars. Measured on a 2-core box: format + start until `describeCluster` answers
   * in 2.1–2.4 s instead of 3.5–4.0 s (JVM to ready ~1.05 s instead of ~1.85 s, storage
   * format ~0.6 s instead of ~0.9 s). Recording costs ~3 s once, at the first clean stop.
   * Default true.
   */
  readonly classDataSharing?: boolean;
  /**
   * A SASL_SSL listener beside PLAINTEXT (test brokers of the clients' TLS and SASL settings),
   * on a free port unless `port` is given. None when absent.
   */
  readonly secured?: Omit<SecuredListenerSettings, 'port'> & { readonly port?: number };
  /** How long the broker may take to answer `describeCluster`. Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL on stop. Default 10 s. */
  readonly stopGraceMs?: number;
  readonly logger: Logger;
}

export type KafkaBrokerStorage = 'format' | 'reuse';

/** Everything needed to find, probe and stop a broker later, from another process too. */
export interface KafkaBrokerRecord {
  readonly pid: number;
  readonly kafkaVersion: string;
  /** `127.0.0.1:<port>`, the bootstrap address clients use. */
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly clusterId: string;
  readonly dataDir: string;
  /** `127.0.0.1:<port>` of the SASL_SSL listener, when the broker has one. */
  readonly securedBrokers?: string;
  /** Set while this broker records the class-data archive, which is kept on a clean stop. */
  readonly classDataRecording?: { readonly partialPath: string; readonly archivePath: string };
}

export interface KafkaBroker {
  start(): Promise<KafkaBrokerRecord>;
  /** Idempotent; bounded by the stop grace plus a few seconds. Leaves the data dir. */
  stop(): Promise<void>;
  /** SIGTERM without waiting, for exit paths that cannot await; see `requestTermination`. */
  terminate(): void;
}

const formatTimeoutMs = 60_000;
const defaultReadyTimeoutMs = 60_000;
const defaultStopGraceMs = 10_000;
const portReleaseTimeoutMs = 5_000;

/**
 * A restarted node's controller replays the registration of the broker that ran before and
 * grants it a fresh heartbeat session, refusing the new broker's registration as a duplicate
 * until that session expires: 9 s by default, most of a restart (measured: 11 s from spawn to
 * answering, 4 s with these). Heartbeats every 500 ms keep a live broker well inside 3 s.
 */
const reusedStorageOverrides: readonly string[] = [
  '--override',
  'broker.session.timeout.ms=3000',
  '--override',
  'broker.heartbeat.interval.ms=500',
];

export function createKafkaBroker(options: KafkaBrokerOptions): KafkaBroker {
  const readyTimeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
  const stopGraceMs = options.stopGraceMs ?? defaultStopGraceMs;
  const logger = options.logger.child({ component: 'kafka-broker' });
  let record: KafkaBrokerRecord | undefined;
  let stopping: Promise<void> | undefined;

  async function start(): Promise<KafkaBrokerRecord> {
    if (record !== undefined) throw new Error('kafka broker already started');
    const startedAt = performance.now();
    if (options.storage === 'reuse') {
      await waitForPortsReleased([options.port, options.controllerPort], portReleaseTimeoutMs);
    }
    const { port, controllerPort, sparePort } = await choosePorts(
      options.port,
      options.controllerPort,
    );
    const { dataDir, distribution, javaPath } = options;
    const serverPropertiesPath = join(dataDir, 'server.properties');
    const log4jConfigPath = join(dataDir, 'log4j2.properties');
    const serverLogPath = join(dataDir, 'server.log');
    const stdoutLogPath = join(dataDir, 'kafka.out');
    const secured =
      options.secured === undefined
        ? undefined
        : { ...options.secured, port: options.secured.port ?? sparePort };
    await writeFile(
      serverPropertiesPath,
      renderServerProperties({
        brokerPort: port,
        controllerPort,
        logDir: kraftLogDir(dataDir),
        ...(secured === undefined ? {} : { secured }),
      }),
    );
    await writeFile(log4jConfigPath, renderLog4j2Properties(serverLogPath));

    const archivePath = await classDataArchivePath(distribution.versionDir, javaPath);
    const archiveExists = await fileExists(archivePath);
    const useClassData = options.classDataSharing !== false;
    const classpathFlags = [
      ...kafkaJvmFlags,
      `-Dlog4j2.configurationFile=${log4jConfigPath}`,
      `-Dkafka.logs.dir=${dataDir}`,
      '-cp',
      join(distribution.libsDir, '*'),
    ];
    const sharedArchiveFlags =
      useClassData && archiveExists ? [`-XX:SharedArchiveFile=${archivePath}`] : [];

    const clusterId =
      options.storage === 'reuse'
        ? await readFormattedClusterId(dataDir)
        : await formatStorage({
            javaPath,
            serverPropertiesPath,
            kafkaVersion: distribution.kafkaVersion,
            dataDir,
            jvmFlags: [...sharedArchiveFlags, ...classpathFlags],
            extraArguments: scramFormatArguments(secured),
          });

    // Record the archive once, from a real broker run; it is written when the JVM exits.
    const classDataRecording =
      useClassData && !archiveExists
        ? {
            partialPath: `${archivePath}.${randomUUID().slice(0, 8)}.partial`,
            archivePath,
          }
        : undefined;
    const recordingFlags =
      classDataRecording === undefined
        ? []
        : [`-XX:ArchiveClassesAtExit=${classDataRecording.partialPath}`];

    const pid = await spawnLongRunningProcess({
      command: javaPath,
      args: [
        ...sharedArchiveFlags,
        ...recordingFlags,
        ...classpathFlags,
        'kafka.Kafka',
        serverPropertiesPath,
        ...(options.storage === 'reuse' ? reusedStorageOverrides : []),
      ],
      logFilePath: stdoutLogPath,
      detached: options.detached,
      cwd: dataDir,
    });
    record = {
      pid,
      kafkaVersion: distribution.kafkaVersion,
      brokers: `127.0.0.1:${port}`,
      port,
      controllerPort,
      clusterId,
      dataDir,
      ...(secured === undefined ? {} : { securedBrokers: `127.0.0.1:${secured.port}` }),
      ...(classDataRecording === undefined ? {} : { classDataRecording }),
    };

    try {
      await waitForKafka(record, readyTimeoutMs, [stdoutLogPath, serverLogPath]);
    } catch (error) {
      await stop();
      throw error;
    }
    logger.info(
      {
        brokers: record.brokers,
        // Not `pid`: pino's base bindings already carry this process's own pid.
        brokerPid: pid,
        kafkaVersion: record.kafkaVersion,
        readyMs: Math.round(performance.now() - startedAt),
        storage: options.storage ?? 'format',
        classDataSharing:
          archiveExists && useClassData ? 'used' : useClassData ? 'recording' : 'off',
      },
      'kafka broker ready',
    );
    return record;
  }

  function stop(): Promise<void> {
    if (record === undefined) return Promise.resolve();
    const started = record;
    stopping ??= stopKafkaBroker(started, { graceMs: stopGraceMs }).then((outcome) => {
      logger.info({ brokerPid: started.pid, outcome }, 'kafka broker stopped');
    });
    return stopping;
  }

  function terminate(): void {
    if (record !== undefined) requestTermination(record.pid);
  }

  return { start, stop, terminate };
}

async function choosePorts(
  port: number | undefined,
  controllerPort: number | undefined,
): Promise<{ port: number; controllerPort: number; sparePort: number }> {
  if (port !== undefined && port === controllerPort) {
    throw new StreamscoreError('STACK_FAILED', `kafka port and controller port are both ${port}`, {
      context: { port },
    });
  }
  if (port !== undefined) await assertPortFree(port, 'kafka');
  if (controllerPort !== undefined) await assertPortFree(controllerPort, 'kafka controller');
  // A configured port was free a moment ago, so the kernel may offer it again: skip it.
  const free = (await findFreePorts(3)).filter((p) => p !== port && p !== controllerPort);
  return {
    port: port ?? (free.shift() as number),
    controllerPort: controllerPort ?? (free.shift() as number),
    // For a third listener (see KafkaBrokerOptions.secured).
    sparePort: free.shift() as number,
  };
}

/**
 * Waits, up to `timeoutMs`, until nothing listens on `ports` any more. A broker stopped or
 * killed a moment ago may still hold them: its pid reads as dead (a zombie) as soon as its main
 * thread is gone, while the JVM's other threads, which share the sockets, are still exiting.
 * Ports still taken after that are reported by {@link choosePorts}.
 */
async function waitForPortsReleased(
  ports: ReadonlyArray<number | undefined>,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (const port of ports) {
    if (port === undefined) continue;
    while (!(await isPortFree(port)) && performance.now() < deadline) await sleep(50);
  }
}

async function isPortFree(port: number): Promise<boolean> {
  try {
    await assertPortFree(port, 'kafka');
    return true;
  } catch {
    return false;
  }
}

/** Where the metadata log and the partitions live; `meta.properties` there names the cluster. */
function kraftLogDir(dataDir: string): string {
  return join(dataDir, 'kraft-logs');
}

/** Formats the storage of a new single-node cluster and returns its fresh cluster id. */
async function formatStorage(settings: {
  readonly javaPath: string;
  readonly jvmFlags: readonly string[];
  readonly serverPropertiesPath: string;
  readonly dataDir: string;
  readonly kafkaVersion: string;
  readonly extraArguments: readonly string[];
}): Promise<string> {
  const clusterId = createClusterId();
  const format = await runCommand(
    settings.javaPath,
    [
      ...settings.jvmFlags,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${clusterId}`,
      `--config=${settings.serverPropertiesPath}`,
      ...settings.extraArguments,
    ],
    { timeoutMs: formatTimeoutMs },
  );
  if (format.exitCode !== 0) {
    throw new StreamscoreError(
      'STACK_FAILED',
      `kafka storage format failed (exit ${format.exitCode ?? format.signal}):\n${format.outputTail.trim()}`,
      { context: { dataDir: settings.dataDir, kafkaVersion: settings.kafkaVersion } },
    );
  }
  return clusterId;
}

/** The cluster id an earlier `storage format` wrote into this data dir. */
async function readFormattedClusterId(dataDir: string): Promise<string> {
  const metaPropertiesPath = join(kraftLogDir(dataDir), 'meta.properties');
  let text: string;
  try {
    text = await readFile(metaPropertiesPath, 'utf8');
  } catch (error) {
    throw new StreamscoreError(
      'STACK_FAILED',
      `no formatted kafka storage to reuse in ${dataDir} (${metaPropertiesPath} is unreadable)`,
      { cause: error, context: { dataDir } },
    );
  }
  const clusterId = /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
  if (clusterId === undefined || clusterId === '') {
    throw new StreamscoreError('STACK_FAILED', `${metaPropertiesPath} names no cluster.id`, {
      context: { dataDir },
    });
  }
  return clusterId;
}

/** The command-line argument that identifies this broker's JVM among all processes. */
function kafkaCommandLineMarker(record: Pick<KafkaBrokerRecord, 'dataDir'>): string {
  return join(record.dataDir, 'server.properties');
}

/** Whether the recorded broker process is still running (and is still the one we started). */
export function isKafkaBrokerAlive(record: Pick<KafkaBrokerRecord, 'pid' | 'dataDir'>): boolean {
  return processMatches(record.pid, kafkaCommandLineMarker(record));
}

/**
 * Stops a broker started by this or an earlier process. Promotes the class-data archive it
 * recorded only after a clean exit: the JVM writes the archive on its way out, so a SIGKILL
 * leaves a torn file.
 */
export async function stopKafkaBroker(
  record: KafkaBrokerRecord,
  options: { readonly graceMs: number },
): Promise<StopOutcome> {
  const outcome = isKafkaBrokerAlive(record)
    ? await stopProcess(record.pid, { graceMs: options.graceMs })
    : 'not-running';
  await settleClassDataRecording(record, outcome);
  return outcome;
}

const killTimeoutMs = 5_000;

/**
 * SIGKILL, no SIGTERM first: the crash a fault test needs, with nothing flushed or closed on
 * the way out. Resolves once the process is gone, so the broker can start again on its ports.
 */
export async function killKafkaBroker(record: KafkaBrokerRecord): Promise<StopOutcome> {
  if (!isKafkaBrokerAlive(record)) {
    await settleClassDataRecording(record, 'not-running');
    return 'not-running';
  }
  process.kill(record.pid, 'SIGKILL');
  const deadline = performance.now() + killTimeoutMs;
  while (isProcessAlive(record.pid)) {
    if (performance.now() >= deadline) {
      throw new StreamscoreError(
        'STACK_FAILED',
        `kafka broker ${record.pid} is alive after SIGKILL`,
        {
          context: { pid: record.pid, dataDir: record.dataDir },
        },
      );
    }
    await sleep(50);
  }
  await settleClassDataRecording(record, 'killed');
  return 'killed';
}

async function settleClassDataRecording(
  record: KafkaBrokerRecord,
  outcome: StopOutcome,
): Promise<void> {
  const recording = record.classDataRecording;
  if (recording === undefined) return;
  const complete = outcome === 'terminated' && (await fileSize(recording.partialPath)) > 0;
  if (complete && !(await fileExists(recording.archivePath))) {
    await rename(recording.partialPath, recording.archivePath);
  } else {
    await rm(recording.partialPath, { force: true });
  }
}

/**
 * The cluster id of the broker answering at `brokers`, or undefined when none answers within
 * `timeoutMs`. One attempt, no retries: callers decide how long to keep asking.
 */
export async function probeKafkaClusterId(
  brokers: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const admin = createKafkaClient(
    { brokers: [brokers], clientId: 'streamscore-dev-probe' },
    pino({ level: 'silent' }),
    {
      // Refused connections are the expected answer while the broker boots.
      silent: true,
      connectionTimeoutMs: Math.min(timeoutMs, 3_000),
      requestTimeoutMs: timeoutMs,
      retry: { retries: 0 },
    },
  ).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).clusterId;
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function waitForKafka(
  record: KafkaBrokerRecord,
  timeoutMs: number,
  logPaths: readonly string[],
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const clusterId = await probeKafkaClusterId(record.brokers, 2_000);
    if (clusterId === record.clusterId) return;
    if (!isProcessAlive(record.pid)) {
      throw new StreamscoreError(
        'STACK_FAILED',
        `kafka broker exited during start-up; last log lines:\n${await logTails(logPaths)}`,
        { context: { pid: record.pid, dataDir: record.dataDir } },
      );
    }
    if (performance.now() >= deadline) {
      throw new StreamscoreError(
        'STACK_FAILED',
        `kafka broker at ${record.brokers} did not answer within ${timeoutMs / 1000} s; last log lines:\n${await logTails(logPaths)}`,
        { retriable: true, context: { pid: record.pid, dataDir: record.dataDir } },
      );
    }
    await sleep(200);
  }
}

async function logTails(paths: readonly string[]): Promise<string> {
  const tails = await Promise.all(paths.map((path) => readFileTail(path, 2048)));
  return tails.map((tail, i) => `--- ${paths[i]}\n${tail.trim() || '(empty)'}`).join('\n');
}

/**
 * A dynamic class-data archive only fits the JVM that wrote it (a different one ignores it
 * with a warning and would never record a fresh one), so the name carries the identity of the
 * java binary: its real path, size and mtime, which change when the JDK is upgraded.
 */
async function classDataArchivePath(versionDir: string, javaPath: string): Promise<string> {
  const javaBinary = await realpath(javaPath);
  const { size, mtimeMs } = await stat(javaBinary);
  const jvmIdentity = createHash('sha256')
    .update(`${javaBinary}\0${size}\0${mtimeMs}`)
    .digest('hex')
    .slice(0, 12);
  return join(versionDir, `kafka-broker-${jvmIdentity}.jsa`);
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
