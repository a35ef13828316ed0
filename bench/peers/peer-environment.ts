/**
 * How the bench hands a contender process its topics: environment variables, the same way the
 * streamscore topology receives them, so every contender is started alike.
 */
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

export interface PeerEnvironment {
  readonly brokers: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly group: string;
}

export const PEER_ENV = {
  brokers: 'KAFKA_BROKERS',
  inputTopic: 'INPUT_TOPIC',
  outputTopic: 'OUTPUT_TOPIC',
  group: 'CONSUMER_GROUP',
} as const;

export function readPeerEnvironment(env: NodeJS.ProcessEnv): PeerEnvironment {
  const read = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${name} is not set`);
    return value;
  };
  return {
    brokers: read(PEER_ENV.brokers),
    inputTopic: read(PEER_ENV.inputTopic),
    outputTopic: read(PEER_ENV.outputTopic),
    group: read(PEER_ENV.group),
  };
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits. */
export function exitOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}

export interface PeerClients {
  readonly env: PeerEnvironment;
  readonly kafka: Kafka;
  readonly consumer: Consumer;
  readonly producer: Producer;
}

/**
 * The kafkajs clients every peer uses, configured alike (consumer `maxWaitTimeInMs` 250, no
 * topic auto-creation), connected, and disconnected on SIGTERM/SIGINT.
 */
export async function connectPeerClients(clientId: string): Promise<PeerClients> {
  const env = readPeerEnvironment(process.env);
  const kafka = new Kafka({ clientId, brokers: [env.brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: env.group, maxWaitTimeInMs: 250 });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  exitOnSignal(async () => {
    await consumer.disconnect();
    await producer.disconnect();
  });
  await producer.connect();
  await consumer.connect();
  return { env, kafka, consumer, producer };
}
