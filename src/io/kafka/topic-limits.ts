import type { Admin } from 'kafkajs';

/** The broker's default `message.max.bytes`, for a topic whose config cannot be read. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Each topic's `max.message.bytes`: the largest record batch the broker accepts for it. Read
 * from the topic's config (which falls back to the broker's `message.max.bytes`) rather than
 * assumed, so a record too large for its topic is dead-lettered instead of retried forever.
 */
export async function readMaxMessageBytes(
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const limits = new Map<string, number>();
  const unique = [...new Set(topics)];
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    // 2 = TOPIC in the DescribeConfigs protocol (kafkajs's ConfigResourceTypes.TOPIC).
    resources: unique.map((name) => ({ type: 2, name, configNames: ['max.message.bytes'] })),
  });
  for (const resource of described.resources) {
    const entry = resource.configEntries.find(
      (config) => config.configName === 'max.message.bytes',
    );
    const bytes = Number(entry?.configValue);
    limits.set(
      resource.resourceName,
      Number.isFinite(bytes) && bytes > 0 ? bytes : DEFAULT_MAX_MESSAGE_BYTES,
    );
  }
  for (const topic of unique) if (!limits.has(topic)) limits.set(topic, DEFAULT_MAX_MESSAGE_BYTES);
  return limits;
}
