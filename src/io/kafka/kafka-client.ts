import {
  Kafka,
  logLevel,
  type Consumer,
  type KafkaConfig,
  type LogEntry,
  type RetryOptions,
} from 'kafkajs';
import type { Logger } from '../../observability/index.js';
import type { KafkaConnection } from '../../topology/index.js';
import { readTlsFiles } from './tls-files.js';

// kafkajs logs retriable broker answers (coordinator loading, leader moving) at ERROR and
// retries them itself; failures that matter reach us as rejected calls, logged where handled.
const PINO_LEVEL: Record<logLevel, 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'warn',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Client-wide settings for tools that need other than the defaults (dev probes, the bench). */
export interface KafkaClientTuning {
  readonly retry?: RetryOptions;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Log nothing of kafkajs's own (a probe expects refused connections). Default false. */
  readonly silent?: boolean;
}

/**
 * A kafkajs client for the topology's cluster, logging through pino: the one place in
 * streamscore that constructs one.
 */
export function createKafkaClient(
  connection: KafkaConnection,
  logger: Logger,
  tuning: KafkaClientTuning = {},
): Kafka {
  return new Kafka(kafkajsConfig(connection, logger, tuning));
}

/**
 * The kafkajs settings for `connection` (with platformaticConnectionOptions, the only places
 * that reveal the SASL password).
 */
export function kafkajsConfig(
  connection: KafkaConnection,
  logger: Logger,
  tuning: KafkaClientTuning = {},
): KafkaConfig {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const config: KafkaConfig = {
    brokers: [...connection.brokers],
    clientId: connection.clientId,
    logLevel: tuning.silent ? logLevel.NOTHING : logLevel.WARN,
    ...(tuning.retry ? { retry: tuning.retry } : {}),
    ...(tuning.connectionTimeoutMs ? { connectionTimeout: tuning.connectionTimeoutMs } : {}),
    ...(tuning.requestTimeoutMs ? { requestTimeout: tuning.requestTimeoutMs } : {}),
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        kafkaLogger[PINO_LEVEL[level]](rest, message);
      },
  };
  if (connection.tls) config.ssl = readTlsFiles(connection.tls);
  if (connection.sasl) {
    const { mechanism, username, password } = connection.sasl;
    config.sasl = { mechanism, username, password: password.reveal() } as KafkaConfig['sasl'];
  }
  return config;
}

export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly maxBytesPerPartition?: number;
  /** True once the owner is stopping: a consumer that fails then is not restarted. */
  readonly stopping: () => boolean;
}

/** A consumer in a group with the settings every streamscore consumer shares. */
export function createGroupConsumer(kafka: Kafka, options: GroupConsumerOptions): Consumer {
  return kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    // Fetches return as soon as data arrives; this only bounds an idle long poll, which a
    // graceful stop would otherwise wait out (kafkajs defaults to 5 s).
    maxWaitTimeInMs: 250,
    ...(options.maxBytesPerPartition === undefined
      ? {}
      : { maxBytesPerPartition: options.maxBytesPerPartition }),
    // kafkajs restarts a consumer whose run loop failed, even one failing because we are
    // disconnecting it mid-rebalance: that zombie would rejoin and hold partitions it never
    // reads. Once stopping, stay stopped.
    retry: { restartOnFailure: async () => !options.stopping() },
  });
}
