import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../../observability/index.js';
import type { KafkaConnection } from '../../topology/index.js';

// kafkajs logs retriable broker answers (coordinator loading, leader moving) at ERROR and
// retries them itself; failures that matter reach us as rejected calls, logged where handled.
const PINO_LEVEL: Record<logLevel, 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'debug',
  [logLevel.ERROR]: 'warn',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client for the topology's cluster, logging through pino. The only place that reveals the SASL password. */
export function createKafkaClient(connection: KafkaConnection, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const config: KafkaConfig = {
    brokers: [...connection.brokers],
    clientId: connection.clientId,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        kafkaLogger[PINO_LEVEL[level]](rest, message);
      },
  };
  if (connection.tls) {
    const { caFile, certFile, keyFile, rejectUnauthorized } = connection.tls;
    config.ssl = {
      rejectUnauthorized,
      ...(caFile ? { ca: [readFileSync(caFile, 'utf8')] } : {}),
      ...(certFile ? { cert: readFileSync(certFile, 'utf8') } : {}),
      ...(keyFile ? { key: readFileSync(keyFile, 'utf8') } : {}),
    };
  }
  if (connection.sasl) {
    const { mechanism, username, password } = connection.sasl;
    config.sasl = { mechanism, username, password: password.reveal() } as KafkaConfig['sasl'];
  }
  return new Kafka(config);
}
