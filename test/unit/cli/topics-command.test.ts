import { describe, expect, it } from 'vitest';
import { topicStateLine } from '../../../src/cli/topics-command.js';

describe('topics create’s line per topic', () => {
  const input = { role: 'input', topic: 'transactions', partitions: 6 } as const;

  it('says created, with the role and partition count', () => {
    expect(topicStateLine(input, { topic: 'transactions', created: true, partitions: 6 }, 6)).toBe(
      'transactions: created (input, 6 partitions)',
    );
  });

  it('says already exists, and that an existing topic keeps its partitions', () => {
    const state = { topic: 'transactions', created: false, partitions: 1 };
    expect(topicStateLine(input, state)).toBe('transactions: already exists (input, 1 partition)');
    expect(topicStateLine(input, state, 1)).toBe(
      'transactions: already exists (input, 1 partition)',
    );
    expect(topicStateLine(input, state, 6)).toBe(
      'transactions: already exists (input, 1 partition; not changed to 6)',
    );
  });
});
