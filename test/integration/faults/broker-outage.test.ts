/**
 * The broker SIGKILLed under a running scorer (a real `streamscore run` process) and restarted
 * on the same ports: during a backlog and during a live stream. The scorer must report the
 * outage on /readyz, recover on its own within a bounded time, and lose nothing, as counted by
 * an independent client.
 */
import { Partitioners, type Producer } from 'kafkajs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, type KafkaClientName } from '../../../src/io/index.js';
import { countRecords, missingKeys } from '../../harness/independent-count.js';
import { uniqueName } from '../../harness/kafka-test-helpers.js';
import { startKillableBroker, type KillableBroker } from '../../harness/killable-broker.js';
import { startScorerProcess, type ScorerProcess } from '../../harness/scorer-process.js';
import {
  createScoringTopics,
  fraudTopologyEnv,
  generateTransactions,
  KAFKA_CLIENTS,
  quietLogger,
  type ScoringTopics,
} from '../../harness/scoring-fixtures.js';
import { waitFor } from '../../harness/wait-for.js';

const partitions = 3;
/** Short, so the outage shows on /readyz within the test's patience. */
const brokerTimeoutMs = 3_000;

let broker: KillableBroker;
let topologyFile: string;
const processes: ScorerProcess[] = [];

beforeAll(async () => {
  broker = await startKillableBroker();
  const fraud = await readFile('topologies/fraud.yaml', 'utf8');
  topologyFile = join(tmpdir(), `${uniqueName('outage')}.yaml`);
  await writeFile(
    topologyFile,
    fraud
      // The copy lives in the temp dir: point it at the repository's model registry.
      .replace(/^( *registry: ).*$/m, `$1${resolve('models')}`)
      .replace(
        /^observability:\n/m,
        `observability:\n  readiness:\n    brokerTimeoutMs: ${brokerTimeoutMs}\n    stallTimeoutMs: 10000\n`,
      ),
  );
});

afterEach(async () => {
  for (const scorer of processes.splice(0)) {
    scorer.child.kill('SIGKILL');
    await scorer.exited;
  }
  // A failed test may leave it down; the next one needs it.
  if (broker.pid() === undefined) await broker.restart();
});

afterAll(async () => {
  await broker?.stop();
});

function keyedProducer(): Producer {
  const kafka = createKafkaClient(
    { brokers: [broker.brokers], clientId: uniqueName('outage-producer') },
    quietLogger(),
    { silent: true },
  );
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

/** Events keyed by transaction id; resolves with the ids the broker acknowledged. */
async function produceEvents(producer: Producer, topic: string, count: number, seed: number) {
  const events = generateTransactions(count, seed);
  for (let start = 0; start < events.length; start += 1_000) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(start, start + 1_000).map((event) => ({
        key: event.transaction_id,
        value: JSON.stringify(event),
      })),
    });
  }
  return events.map((event) => event.transaction_id);
}

async function startScorer(topics: ScoringTopics, client: KafkaClientName): Promise<ScorerProcess> {
  const scorer = await startScorerProcess(
    topologyFile,
    fraudTopologyEnv(broker.brokers, topics, client),
  );
  processes.push(scorer);
  await scorer.waitReady();
  return scorer;
}

async function readyz(scorer: ScorerProcess): Promise<{ status: number; text: string }> {
  try {
    return await scorer.get('/readyz');
  } catch (error) {
    return { status: 0, text: String(error) };
  }
}

/**
 * Counts output and DLQ independently until every id is in the output (duplicates allowed:
 * at-least-once may score an event again after a restart; an outage must lose none).
 */
async function expectAllScored(topics: ScoringTopics, ids: readonly string[]) {
  let missing: string[] = [...ids];
  let deadLetters = 0;
  const deadline = Date.now() + 60_000;
  while (missing.length > 0 && Date.now() < deadline) {
    const count = await countRecords({
      brokers: broker.brokers,
      topics: [topics.output, topics.deadLetter],
    });
    const output = count.topics[topics.output];
    const deadLetter = count.topics[topics.deadLetter];
    if (output === undefined || deadLetter === undefined) throw new Error('topics not counted');
    missing = missingKeys(ids, output, deadLetter);
    deadLetters = deadLetter.records;
    if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  expect(missing.slice(0, 10), `${missing.length} of ${ids.length} ids missing`).toEqual([]);
  expect(deadLetters).toBe(0);
}

describe.each(KAFKA_CLIENTS)('broker outage with %s', (client) => {
  it('recovers from a SIGKILL during a backlog: /readyz 503 while down, nothing lost', async () => {
    const topics = await createScoringTopics(broker.brokers, 'outage-backlog', partitions);
    const producer = keyedProducer();
    await producer.connect();
    const ids = await produceEvents(producer, topics.input, 60_000, 31);
    await producer.disconnect();
    const scorer = await startScorer(topics, client);
    await waitFor(
      async () => ((await scorer.metric('streamscore_events_scored_total')) ?? 0) >= 5_000,
      'first scores',
      60_000,
    );

    await broker.kill();
    await waitFor(
      async () => (await readyz(scorer)).status === 503,
      '/readyz 503 with the broker down',
      brokerTimeoutMs + 10_000,
    );
    expect((await readyz(scorer)).text).toContain('broker-unreachable');
    // Down for longer than the consumer's session and the producer's retries.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect((await readyz(scorer)).status).toBe(503);

    const restartedAt = Date.now();
    await broker.restart();
    await scorer.waitReady(60_000);
    const readyAfterMs = Date.now() - restartedAt;
    expect(readyAfterMs).toBeLessThan(60_000);
    await expectAllScored(topics, ids);

    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);
  });

  it('recovers from a SIGKILL during a live stream and scores what was produced meanwhile', async () => {
    const topics = await createScoringTopics(broker.brokers, 'outage-live', partitions);
    const scorer = await startScorer(topics, client);
    const producer = keyedProducer();
    await producer.connect();
    const acknowledged: string[] = [];
    let live = true;
    const producing = (async () => {
      for (let round = 0; live; round++) {
        try {
          acknowledged.push(...(await produceEvents(producer, topics.input, 500, 1_000 + round)));
        } catch {
          // Broker down: this round's events were not acknowledged; a producer retries later.
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await waitFor(
      async () => ((await scorer.metric('streamscore_events_scored_total')) ?? 0) >= 3_000,
      'live scores',
      60_000,
    );

    await broker.kill();
    await waitFor(
      async () => (await readyz(scorer)).status === 503,
      '/readyz 503 with the broker down',
      brokerTimeoutMs + 10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await broker.restart();
    await scorer.waitReady(60_000);
    const scoredAtRecovery = (await scorer.metric('streamscore_events_scored_total')) ?? 0;
    await waitFor(
      async () =>
        ((await scorer.metric('streamscore_events_scored_total')) ?? 0) > scoredAtRecovery + 2_000,
      'live scoring resumed after the restart',
      30_000,
    );
    live = false;
    await producing;
    await producer.disconnect();

    await expectAllScored(topics, acknowledged);
    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);
  });

  it('acknowledges a second SIGTERM during a drain the outage blocks, keeps the deadline, and exits 3', async () => {
    const topics = await createScoringTopics(broker.brokers, 'outage-signals', partitions);
    const producer = keyedProducer();
    await producer.connect();
    await produceEvents(producer, topics.input, 60_000, 33);
    await producer.disconnect();
    const stopTimeoutMs = 3_000;
    const scorer = await startScorerProcess(
      topologyFile,
      fraudTopologyEnv(broker.brokers, topics, client),
      ['--stop-timeout-ms', String(stopTimeoutMs)],
    );
    processes.push(scorer);
    await scorer.waitReady();
    await waitFor(
      async () => ((await scorer.metric('streamscore_events_scored_total')) ?? 0) >= 1_000,
      'first scores',
      60_000,
    );
    // With the broker gone, nothing accepted can be acknowledged: the drain runs to the deadline.
    await broker.kill();
    const signalledAt = Date.now();
    scorer.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    scorer.child.kill('SIGTERM');
    const code = await scorer.exited;
    const tookMs = Date.now() - signalledAt;
    expect(scorer.output()).toContain('already shutting down');
    expect(scorer.output()).toContain('stopped with events unfinished');
    expect(code).toBe(3);
    // The deadline is kept, ±10 % (plus the process's own exit).
    expect(tookMs).toBeGreaterThan(stopTimeoutMs * 0.9);
    expect(tookMs).toBeLessThan(stopTimeoutMs * 1.1 + 1_000);
  });
});
