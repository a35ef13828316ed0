import type { Admin } from 'kafkajs';
import { StreamscoreError } from '../../errors.js';

/**
 * Fails with TOPIC_MISSING naming every one of `topics` the cluster lacks: streamscore never
 * creates them as a side effect (a consumer subscribed to a missing one would only wait, and an
 * auto-created one gets the broker's partitions, not the deployment's). `topologyFile` names
 * the topology in the fix, `streamscore topics create <topology>`.
 */
export async function requireTopics(
  admin: Admin,
  topics: readonly string[],
  brokers: readonly string[],
  topologyFile = '<topology>',
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  const several = missing.length > 1;
  throw new StreamscoreError(
    'TOPIC_MISSING',
    `topic${several ? 's' : ''} ${missing.join(', ')} not found on ${brokers.join(',')}: ` +
      `create ${several ? 'them' : 'it'} with \`streamscore topics create ${topologyFile}\``,
    { context: { topics: missing.join(',') } },
  );
}
