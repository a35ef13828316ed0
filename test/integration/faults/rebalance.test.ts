/**
 * Two scorer processes sharing a group through rebalances (one joins, one leaves mid-backlog):
 * every event id is counted in the output by an independent client.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { KafkaClientName } from '../../../src/io/index.js';
import { countRecords, missingKeys } from '../../harness/independent-count.js';
import { createTestKafka } from '../../harness/kafka-test-helpers.js';
import { startScorerProcess, type ScorerProcess } from '../../harness/scorer-process.js';
import {
  createScoringTopics,
  fraudTopologyEnv,
  generateTransactions,
  KAFKA_CLIENTS,
  produceRoundRobin,
  type ScoringTopics,
} from '../../harness/scoring-fixtures.js';
import { waitFor } from '../../harness/wait-for.js';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const processes: ScorerProcess[] = [];

afterEach(async () => {
  for (const scorer of processes.splice(0)) {
    scorer.child.kill('SIGKILL');
    await scorer.exited;
  }
});

async function startScorer(topics: ScoringTopics, client: KafkaClientName): Promise<ScorerProcess> {
  const scorer = await startScorerProcess(
    'topologies/fraud.yaml',
    fraudTopologyEnv(brokers, topics, client),
  );
  processes.push(scorer);
  await scorer.waitReady();
  return scorer;
}

async function produceKeyed(
  topics: ScoringTopics,
  partitions: number,
  count: number,
  seed: number,
) {
  const events = generateTransactions(count, seed);
  await produceRoundRobin(
    kafka,
    topics.input,
    partitions,
    events.map((event) => JSON.stringify(event)),
    (index) => events[index]?.transaction_id ?? null,
  );
  return events.map((event) => event.transaction_id);
}

const scored = async (scorer: ScorerProcess) =>
  (await scorer.metric('streamscore_events_scored_total')) ?? 0;

describe.each(KAFKA_CLIENTS)('rebalances with %s', (client) => {
  it('loses nothing while a second instance joins and the first leaves mid-stream', async () => {
    const partitions = 4;
    const topics = await createScoringTopics(brokers, 'rebalance', partitions);
    // A live stream over ~15 s, so both rebalances land while events keep coming.
    const rounds = 40;
    const producing = (async () => {
      const ids: string[] = [];
      for (let round = 0; round < rounds; round++) {
        ids.push(...(await produceKeyed(topics, partitions, 750, 4_100 + round)));
        await new Promise((resolve) => setTimeout(resolve, 350));
      }
      return ids;
    })();
    const first = await startScorer(topics, client);
    await waitFor(async () => (await scored(first)) >= 3_000, 'first scores', 60_000);
    const second = await startScorer(topics, client);
    await waitFor(async () => (await scored(second)) >= 1_000, 'the joiner scores', 60_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const ids = await producing;
    expect(await scored(second)).toBeLessThan(ids.length);

    let missing = ids;
    const deadline = Date.now() + 90_000;
    while (missing.length > 0 && Date.now() < deadline) {
      const count = await countRecords({ brokers, topics: [topics.output, topics.deadLetter] });
      missing = missingKeys(
        ids,
        count.topics[topics.output] as never,
        count.topics[topics.deadLetter] as never,
      );
      if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    expect(missing.slice(0, 10), `${missing.length} ids missing`).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
