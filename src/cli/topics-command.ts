import type { Command } from 'commander';
import { topologyTopics, type TopologyTopic } from '../engine/index.js';
import { connectTopicAdmin, type TopicState } from '../io/index.js';
import { createLogger } from '../observability/index.js';
import { loadTopology } from '../topology/index.js';
import { connectTimeoutOption, parsePositiveInteger } from './cli-options.js';

interface CreateOptions {
  partitions?: number;
  replicationFactor?: number;
  connectTimeoutMs: number;
}

export function registerTopicsCommand(program: Command): void {
  const topics = program.command('topics').description('The Kafka topics a topology uses');

  topics
    .command('create')
    .description(
      'Create the topology’s input, output and dead-letter topics (and drift topics when drift.enabled) ' +
        'where missing; prints one line per topic. Existing topics are left as they are',
    )
    .argument('<topology>', 'topology file (kafka.brokers says where)')
    .option(
      '--partitions <n>',
      'partitions of each topic created (default: the broker’s num.partitions)',
      parsePositiveInteger,
    )
    .option(
      '--replication-factor <r>',
      'replicas of each topic created (default: the broker’s default.replication.factor)',
      parsePositiveInteger,
    )
    .addOption(connectTimeoutOption())
    .action(async (file: string, options: CreateOptions) => {
      const topology = await loadTopology(file);
      // Failures end as one StreamscoreError line; kafkajs's own retries are noise here.
      const logger = createLogger({ level: 'error' }, process.stderr);
      const admin = await connectTopicAdmin({
        connection: topology.kafka,
        logger,
        connectTimeoutMs: options.connectTimeoutMs,
        configuredBy: `kafka.brokers in ${file}`,
      });
      try {
        const wanted = topologyTopics(topology, options);
        const states = await admin.ensureTopics(wanted);
        wanted.forEach((topic, i) => {
          console.log(topicStateLine(topic, states[i] as TopicState, options.partitions));
        });
      } finally {
        await admin.disconnect();
      }
    });
}

/**
 * `transactions: created (input, 6 partitions)`, or `… already exists (…)`, saying so when the
 * existing partition count is not the one asked for: partitions are never changed here, since
 * adding some moves keys to other partitions.
 */
export function topicStateLine(
  topic: TopologyTopic,
  state: TopicState,
  requestedPartitions?: number,
): string {
  const partitions = `${state.partitions} partition${state.partitions === 1 ? '' : 's'}`;
  const mismatch =
    !state.created && requestedPartitions !== undefined && requestedPartitions !== state.partitions
      ? `; not changed to ${requestedPartitions}`
      : '';
  return `${state.topic}: ${state.created ? 'created' : 'already exists'} (${topic.role}, ${partitions}${mismatch})`;
}
