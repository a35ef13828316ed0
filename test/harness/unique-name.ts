import { randomBytes } from 'node:crypto';

/**
 * A name no other test (in this run or an earlier one against the same broker or Redis) uses:
 * the label, a timestamp and random bytes, in characters legal for Kafka topics and group ids.
 */
export function uniqueName(label: string): string {
  const safeLabel = label.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100);
  return `${safeLabel}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
