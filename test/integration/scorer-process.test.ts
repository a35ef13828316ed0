/**
 * `streamscore run` as a real process: killed, stopped and starved of capacity under load.
 * Needs the built CLI (`npm test` builds first).
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { HEADERS } from '../../src/io/index.js';
import { createTransactionGenerator } from '../../tools/synthetic/index.js';
import {
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  uniqueGroupId,
  type ConsumedRecord,
} from '../harness/kafka-test-helpers.js';
import { startScorerProcess, type ScorerProcess } from '../harness/scorer-process.js';
import { waitFor } from '../harness/wait-for.js';
import {
  createScoringTopics,
  fraudTopologyEnv,
  generateTransactions,
  KAFKA_CLIENTS,
  loadFraudTopology,
  produceRoundRobin,
  referenceScores,
  type FraudTopologyChoice,
  type ScoringTopics,
} from '../harness/scoring-fixtures.js';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const processes: ScorerProcess[] = [];

afterEach(async () => {
  for (const scorer of processes.splice(0)) {
    scorer.child.kill('SIGKILL');
    await scorer.exited;
  }
});

async function startScorer(
  topics: ScoringTopics,
  { file = 'topologies/fraud.yaml', client }: FraudTopologyChoice = {},
) {
  const scorer = await startScorerProcess(file, fraudTopologyEnv(brokers, topics, client));
  processes.push(scorer);
  await scorer.waitReady();
  return scorer;
}

/**
 * Produces `total` events in chunks of `chunk` every `intervalMs`, as a live stream would;
 * resolves once all are acknowledged.
 */
function produceSteadily(
  topic: string,
  partitions: number,
  total: number,
  chunk = 500,
  intervalMs = 50,
) {
  const generator = createTransactionGenerator({ seed: 99 });
  const producer = kafka.producer();
  return (async () => {
    await producer.connect();
    try {
      for (let sent = 0; sent < total; sent += chunk) {
        const messages = generator
          .nextBatch(Math.min(chunk, total - sent))
          .map((event, index) => ({ value: JSON.stringify(event), partition: index % partitions }));
        await producer.send({ topic, messages, acks: -1 });
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    } finally {
      await producer.disconnect();
    }
  })();
}

const sourceKey = (record: ConsumedRecord) =>
  `${record.headers[HEADERS.sourcePartition]}/${record.headers[HEADERS.sourceOffset]}`;

/** Every output carries the reference model's score of its event. */
async function expectReferenceScores(
  topics: ScoringTopics,
  events: readonly { transaction_id: string }[],
  output: readonly ConsumedRecord[],
) {
  const topology = await loadFraudTopology(brokers, topics);
  const expected = await referenceScores(topology, 'models/fraud/1/model.onnx', events);
  const indexOf = new Map(events.map((event, index) => [event.transaction_id, index]));
  for (const record of output) {
    const scored = JSON.parse(record.value ?? '') as {
      transaction_id: string;
      fraud: { probability: number };
    };
    const index = indexOf.get(scored.transaction_id) as number;
    expect(Math.abs(scored.fraud.probability - (expected[index] as number))).toBeLessThan(1e-6);
  }
}

/**
 * A scorer with two scoring threads (test/fixtures/topologies/fraud-pipelines.yaml) on fresh
 * topics, fed `count` events round-robin once it is ready; resolves with all of its output.
 */
async function scoreWithTwoPipelines(
  label: string,
  { partitions, count, seed }: { partitions: number; count: number; seed: number },
) {
  const topics = await createScoringTopics(brokers, label, partitions);
  const events = generateTransactions(count, seed);
  // Ready means both threads are in the group: no rebalance re-reads what they score.
  const scorer = await startScorer(topics, {
    file: 'test/fixtures/topologies/fraud-pipelines.yaml',
  });
  await produceRoundRobin(
    kafka,
    topics.input,
    partitions,
    events.map((event) => JSON.stringify(event)),
  );
  const output = await consumeRecords(createTestConsumer(kafka, uniqueGroupId(`${label}-out`)), {
    topic: topics.output,
    count,
  });
  return { topics, events, scorer, output };
}

describe.each(KAFKA_CLIENTS)('streamscore run (process) with %s', (client) => {
  it('loses nothing when killed with SIGKILL mid-run and restarted', async () => {
    const partitions = 3;
    const total = 30_000;
    const topics = await createScoringTopics(brokers, 'sigkill', partitions);
    // Producing starts once the scorer is ready, so that the kill lands while events arrive.
    const first = await startScorer(topics, { client });
    const producing = produceSteadily(topics.input, partitions, total);
    await waitFor(
      async () => ((await first.metric('streamscore_events_scored_total')) ?? 0) >= 2_000,
      'first scores',
    );
    const scoredAtKill = (await first.metric('streamscore_events_scored_total')) ?? 0;
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(scoredAtKill).toBeLessThan(total);

    await startScorer(topics, { client });
    await producing;
    const admin = kafka.admin();
    await admin.connect();
    const inputEnds = await admin.fetchTopicOffsets(topics.input);
    await admin.disconnect();
    const expected = new Set<string>();
    for (const { partition, high } of inputEnds) {
      for (let offset = 0; offset < Number(high); offset++) expected.add(`${partition}/${offset}`);
    }
    expect(expected.size).toBe(total);
    const seen = new Set<string>();
    await consumeRecords(createTestConsumer(kafka, uniqueGroupId('sigkill-out')), {
      topic: topics.output,
      until: (record) => {
        seen.add(sourceKey(record));
        return seen.size === expected.size;
      },
      timeoutMs: 90_000,
    });
    expect([...expected].filter((key) => !seen.has(key))).toEqual([]);
  });

  it('exits 0 on SIGTERM under load with committed offsets covering exactly what was produced', async () => {
    const partitions = 3;
    const topics = await createScoringTopics(brokers, 'sigterm', partitions);
    const producing = produceSteadily(topics.input, partitions, 40_000);
    const scorer = await startScorer(topics, { client });
    await waitFor(
      async () => ((await scorer.metric('streamscore_events_scored_total')) ?? 0) >= 3_000,
      'scores',
    );
    const signalledAt = Date.now();
    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    await producing;

    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: topics.group, topics: [topics.input] });
    const outputEnds = await admin.fetchTopicOffsets(topics.output);
    await admin.disconnect();
    const outputCount = outputEnds.reduce((sum, partition) => sum + Number(partition.high), 0);

    const output = await consumeRecords(createTestConsumer(kafka, uniqueGroupId('sigterm-out')), {
      topic: topics.output,
      count: outputCount,
    });
    for (const { partition, offset } of committed?.partitions ?? []) {
      const fromPartition = output
        .filter((record) => record.headers[HEADERS.sourcePartition] === String(partition))
        .map((record) => Number(record.headers[HEADERS.sourceOffset]));
      // Exactly the events below the committed offset were produced, once each, in order.
      expect(fromPartition, `partition ${partition}`).toEqual(
        Array.from({ length: Number(offset) }, (_, index) => index),
      );
    }
    expect(
      committed?.partitions.map(({ offset }) => Number(offset)).every((offset) => offset > 0),
    ).toBe(true);
  });
});

describe('streamscore run (process)', () => {
  it('scores exactly the same with the model in worker threads', async () => {
    const partitions = 2;
    const count = 10_000;
    const topics = await createScoringTopics(brokers, 'workers', partitions);
    const events = generateTransactions(count, 21);
    await produceRoundRobin(
      kafka,
      topics.input,
      partitions,
      events.map((event) => JSON.stringify(event)),
    );
    await startScorer(topics, { file: 'test/fixtures/topologies/fraud-worker-threads.yaml' });
    const output = await consumeRecords(createTestConsumer(kafka, uniqueGroupId('workers-out')), {
      topic: topics.output,
      count,
    });
    await expectReferenceScores(topics, events, output);
    expect(new Set(output.map(sourceKey)).size).toBe(count);
  });

  it('spreads the partitions over two scoring threads behind one /metrics, and stops them cleanly', async () => {
    const partitions = 4;
    const count = 20_000;
    const { topics, events, scorer, output } = await scoreWithTwoPipelines('pipelines', {
      partitions,
      count,
      seed: 23,
    });
    await expectReferenceScores(topics, events, output);
    expect(new Set(output.map(sourceKey)).size).toBe(count);
    for (let partition = 0; partition < partitions; partition++) {
      const offsets = output
        .filter((record) => record.headers[HEADERS.sourcePartition] === String(partition))
        .map((record) => Number(record.headers[HEADERS.sourceOffset]));
      expect(offsets, `partition ${partition} in order`).toEqual(
        Array.from({ length: count / partitions }, (_, index) => index),
      );
    }

    // Both threads' counters in one series; the model shown once; each partition's lag once.
    await waitFor(
      async () => (await scorer.metric('streamscore_events_scored_total')) === count,
      'scored total',
    );
    const metrics = (await scorer.get('/metrics')).text;
    expect(await scorer.metric('streamscore_model_info')).toBe(1);
    const lagPartitions = metrics
      .split('\n')
      .filter((line) => line.startsWith('streamscore_consumer_lag_events{'))
      .map((line) => /partition="(\d+)"/.exec(line)?.[1]);
    expect(lagPartitions.sort()).toEqual(['0', '1', '2', '3']);
    expect(metrics).toContain('streamscore_process_process_cpu_seconds_total');

    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: topics.group, topics: [topics.input] });
    await admin.disconnect();
    expect(committed?.partitions.map(({ offset }) => Number(offset))).toEqual(
      Array.from({ length: partitions }, () => count / partitions),
    );
  });

  it('warns once when it runs more pipelines than the input has partitions, and scores on', async () => {
    const count = 2_000;
    const { scorer, output } = await scoreWithTwoPipelines('idle-pipeline', {
      partitions: 1,
      count,
      seed: 29,
    });
    expect(new Set(output.map(sourceKey)).size).toBe(count);
    const warnings = scorer
      .output()
      .split('\n')
      .filter((line) => line.includes('the extra pipelines get none and sit idle'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string)).toMatchObject({
      level: 40,
      inputPartitions: 1,
      pipelines: 2,
    });
  });

  it('keeps the queue bounded under a 200k-event backlog on a slow model and scores them all', async () => {
    const partitions = 4;
    const total = 200_000;
    const maxQueuedEvents = 2_000;
    const topics = await createScoringTopics(brokers, 'backlog', partitions);
    const generator = createTransactionGenerator({ seed: 5 });
    for (let produced = 0; produced < total; produced += 20_000) {
      const values = generator.nextBatch(20_000).map((event) => JSON.stringify(event));
      await produceRoundRobin(kafka, topics.input, partitions, values);
    }

    const scorer = await startScorer(topics, { file: 'test/fixtures/topologies/slow-fraud.yaml' });
    let peakQueue = 0;
    let peakRssBytes = 0;
    let sawPaused = false;
    let scored = 0;
    await waitFor(
      async () => {
        peakQueue = Math.max(
          peakQueue,
          (await scorer.metric('streamscore_queue_depth_events')) ?? 0,
        );
        peakRssBytes = Math.max(
          peakRssBytes,
          (await scorer.metric('streamscore_process_resident_memory_bytes')) ?? 0,
        );
        sawPaused ||= ((await scorer.metric('streamscore_paused_partitions')) ?? 0) > 0;
        scored = (await scorer.metric('streamscore_events_scored_total')) ?? 0;
        return scored >= total;
      },
      'the backlog to be scored',
      240_000,
    );
    expect(scored).toBe(total);
    expect(peakQueue).toBeGreaterThan(0);
    expect(peakQueue).toBeLessThanOrEqual(maxQueuedEvents);
    expect(sawPaused).toBe(true);
    // The backlog stays in Kafka, not in the process: far below what 200k decoded events need.
    expect(peakRssBytes).toBeLessThan(400 * 1024 * 1024);

    const admin = kafka.admin();
    await admin.connect();
    const outputEnds = await admin.fetchTopicOffsets(topics.output);
    await admin.disconnect();
    expect(outputEnds.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(total);
  });
});
