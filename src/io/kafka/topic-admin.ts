/**
 * The cluster as the command-line tools and the start of `run` see it: connected within a
 * deadline (a cluster that is down, elsewhere or refusing the credentials is one
 * BROKER_UNREACHABLE that says how to fix it, not a kafkajs stack trace after its retries), the
 * topics a topology needs checked or created.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { StreamscoreError } from '../../errors.js';
import type { Logger } from '../../observability/index.js';
import type { KafkaConnection } from '../../topology/index.js';
import { createKafkaClient } from './kafka-client.js';
import { isKafkaErrorFinal, kafkaErrorSummary } from './kafka-errors.js';
import { requireTopics } from './require-topics.js';
import { readMaxMessageBytes } from './topic-limits.js';

export interface TopicSpec {
  readonly topic: string;
  /** Default: the broker's `num.partitions`. */
  readonly partitions?: number;
  /** Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  readonly configEntries?: readonly { readonly name: string; readonly value: string }[];
}

/** A topic after `ensureTopics`: created now, or found, with its partition count either way. */
export interface TopicState {
  readonly topic: string;
  readonly created: boolean;
  readonly partitions: number;
}

export interface TopicAdmin {
  /** Creates those of `specs` the cluster lacks; existing ones are left as they are. */
  ensureTopics(specs: readonly TopicSpec[]): Promise<TopicState[]>;
  /** TOPIC_MISSING naming every missing one and the `topics create` that makes them. */
  requireTopics(topics: readonly string[], topologyFile?: string): Promise<void>;
  /** The topic's `max.message.bytes`. */
  maxMessageBytes(topic: string): Promise<number>;
  disconnect(): Promise<void>;
}

export interface TopicAdminOptions {
  readonly connection: KafkaConnection;
  readonly logger: Logger;
  /** How long to wait for a broker to answer before BROKER_UNREACHABLE. */
  readonly connectTimeoutMs: number;
  /** Where the brokers were configured, for the fix: `kafka.brokers in fraud.yaml`, `--brokers`. */
  readonly configuredBy: string;
}

/** Connects an admin client, or fails with BROKER_UNREACHABLE after `connectTimeoutMs`. */
export async function connectTopicAdmin(options: TopicAdminOptions): Promise<TopicAdmin> {
  const { connection } = options;
  const kafka = createKafkaClient(connection, options.logger, {
    // The failure is reported once, as BROKER_UNREACHABLE with the last try's error in it.
    silent: true,
    // One try per connect (each seed broker once, each bounded by kafkajs's connection
    // timeout): connectWithin tries again until the deadline, keeping every try's error.
    retry: { retries: 0 },
  });
  // Admin requests keep kafkajs's usual retries (a controller moving, leaders being elected).
  const admin = kafka.admin({ retry: { retries: ADMIN_RETRIES } });
  await connectWithin(admin, options);
  const brokers = connection.brokers;

  return {
    async ensureTopics(specs) {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter(({ topic }) => !existing.has(topic));
      if (missing.length > 0) await createTopics(admin, missing, brokers);
      const metadata = await admin.fetchTopicMetadata({ topics: specs.map(({ topic }) => topic) });
      const partitions = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions]));
      return specs.map(({ topic }) => ({
        topic,
        created: !existing.has(topic),
        partitions: partitions.get(topic)?.length ?? 0,
      }));
    },
    requireTopics: (topics, topologyFile) => requireTopics(admin, topics, brokers, topologyFile),
    async maxMessageBytes(topic) {
      return (await readMaxMessageBytes(admin, [topic])).get(topic) as number;
    },
    disconnect: () => admin.disconnect(),
  };
}

const ADMIN_RETRIES = 5;
/** Pauses between connection tries: doubling from 250 ms up to 1 s, cut short by the deadline. */
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 1_000;

/**
 * Tries to connect until `connectTimeoutMs` has passed, so that the error names what the last
 * try met (refused, timed out, TLS, SASL) rather than only that time ran out. Credentials that
 * the cluster refused are not tried again.
 */
async function connectWithin(admin: Admin, options: TopicAdminOptions): Promise<void> {
  const { connection, connectTimeoutMs } = options;
  const deadline = performance.now() + connectTimeoutMs;
  let failure: unknown;
  let pauseMs = FIRST_PAUSE_MS;
  for (let left = connectTimeoutMs; left > 0; left = deadline - performance.now()) {
    const outcome = await settledWithin(admin.connect(), left);
    if (outcome === 'done') return;
    if (outcome === 'timed-out') break;
    failure = outcome.error;
    if (isKafkaErrorFinal(failure)) break;
    await sleep(Math.min(pauseMs, deadline - performance.now()));
    pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
  }
  await admin.disconnect().catch(() => undefined);
  const why = failure === undefined ? 'no answer' : kafkaErrorSummary(failure);
  throw new StreamscoreError(
    'BROKER_UNREACHABLE',
    `cannot connect to Kafka at ${connection.brokers.join(',')} within ${connectTimeoutMs} ms (${why}): ` +
      `start the cluster or fix ${options.configuredBy} (\`streamscore dev up\` starts a local one)`,
    {
      retriable: true,
      cause: failure,
      context: { brokers: connection.brokers.join(','), connectTimeoutMs },
    },
  );
}

async function createTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  brokers: readonly string[],
): Promise<void> {
  const topics: ITopicConfig[] = specs.map((spec) => ({
    topic: spec.topic,
    ...(spec.partitions === undefined ? {} : { numPartitions: spec.partitions }),
    ...(spec.replicationFactor === undefined ? {} : { replicationFactor: spec.replicationFactor }),
    ...(spec.configEntries === undefined ? {} : { configEntries: [...spec.configEntries] }),
  }));
  try {
    // Topics another client created meanwhile count as found: kafkajs ignores TOPIC_ALREADY_EXISTS.
    await admin.createTopics({ topics, waitForLeaders: true });
  } catch (error) {
    throw new StreamscoreError(
      'TOPIC_CREATE_FAILED',
      `cannot create ${specs.map(({ topic }) => topic).join(', ')} on ${brokers.join(',')}: ${createErrorSummary(error)}`,
      { cause: error, context: { topics: specs.map(({ topic }) => topic).join(',') } },
    );
  }
}

/** kafkajs reports one error per topic in an aggregate (`errors`); each names its topic. */
function createErrorSummary(error: unknown): string {
  const errors = (error as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return kafkaErrorSummary(error);
  return errors
    .map((each: unknown) => {
      const topic = (each as { topic?: unknown }).topic;
      const message = each instanceof Error ? each.message : String(each);
      return typeof topic === 'string' ? `${topic}: ${message}` : message;
    })
    .join('; ');
}

async function settledWithin(
  work: Promise<unknown>,
  ms: number,
): Promise<'done' | 'timed-out' | { readonly error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => 'done' as const,
        (error: unknown) => ({ error }),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
