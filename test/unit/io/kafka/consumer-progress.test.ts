import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsumerProgress } from '../../../../src/io/kafka/consumer-progress.js';
import type { TopicPartitionOffset } from '../../../../src/io/kafka/offset-watermark.js';

function progressWithCommits() {
  const commits: (readonly TopicPartitionOffset[])[] = [];
  const progress = createConsumerProgress({
    topic: 'in',
    groupId: 'g',
    brokerTimeoutMs: 10_000,
    commit: async (offsets) => {
      commits.push(offsets);
    },
    log: pino({ level: 'silent' }),
  });
  return { progress, commits };
}

const records = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({ offset: String(from + index) }));

describe('consumer progress at a rebalance', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('commits the finished prefix at once, without waiting for the commit interval', async () => {
    const { progress, commits } = progressWithCommits();
    progress.startCommitting(60_000);
    stop = () => progress.finalCommit(Date.now() + 1_000);
    progress.handedOut(0, records(0, 3), 3);
    progress.complete(0, '0');
    progress.complete(0, '1');

    progress.commitBeforeRebalance();
    await new Promise((resolve) => setImmediate(resolve));

    // Offset 2 is in flight: the commit stops before it.
    expect(commits).toEqual([[{ topic: 'in', partition: 0, offset: '2' }]]);
  });

  it('commits nothing before committing has started', async () => {
    const { progress, commits } = progressWithCommits();
    progress.handedOut(0, records(0, 1), 1);
    progress.complete(0, '0');

    progress.commitBeforeRebalance();
    await new Promise((resolve) => setImmediate(resolve));

    expect(commits).toEqual([]);
  });
});
