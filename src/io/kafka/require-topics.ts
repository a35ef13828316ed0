import type { Admin } from 'kafkajs';
import { StreamscoreError } from '../../errors.js';

/**
 * Fails with TOPIC_MISSING naming every one of `topics` the cluster lacks: streamscore never
 * creates topics, and a consumer subscribed to a missing one would only wait.
 */
export async function requireTopics(
  admin: Admin,
  topics: readonly string[],
  brokers: readonly string[],
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  throw new StreamscoreError(
    'TOPIC_MISSING',
    `topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found on ${brokers.join(',')} (create ${missing.length > 1 ? 'them' : 'it'} first; streamscore does not auto-create topics)`,
    { context: { topics: missing.join(',') } },
  );
}
