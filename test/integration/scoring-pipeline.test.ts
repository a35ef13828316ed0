import { afterEach, describe, expect, inject, it } from 'vitest';
import { createService, type Service } from '../../src/engine/index.js';
import { HEADERS } from '../../src/io/index.js';
import { sumPrometheusSamples } from '../../src/observability/index.js';
import { createTransactionGenerator } from '../../tools/synthetic/index.js';
import {
  byPartition,
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  uniqueGroupId,
} from '../harness/kafka-test-helpers.js';
import {
  createScoringTopics,
  generateTransactions,
  KAFKA_CLIENTS,
  loadFraudTopology,
  produceRoundRobin,
  quietLogger,
  referenceScores,
} from '../harness/scoring-fixtures.js';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const running: Service[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop(10_000)));
});

async function startScoring(topology: Awaited<ReturnType<typeof loadFraudTopology>>) {
  const service = createService({ topology, logger: quietLogger(), httpPort: 0 });
  running.push(service);
  const { httpPort } = await service.start();
  return { service, httpPort };
}

interface ScoredEvent {
  transaction_id: string;
  fraud: { probability: number; label: number; model: string; version: number; scoredAt: string };
}

describe.each(KAFKA_CLIENTS)('scoring pipeline with %s', (client) => {
  it.each([
    { partitionsConsumedConcurrently: 1, fetchMaxBytesPerPartition: 1_048_576 },
    { partitionsConsumedConcurrently: 3, fetchMaxBytesPerPartition: 65_536 },
  ])(
    'scores 50,000 events over 6 partitions: none missing, scores exact, per-partition order kept ($partitionsConsumedConcurrently partitions at once, fetches of $fetchMaxBytesPerPartition bytes)',
    async (consumption) => {
      const partitions = 6;
      const count = 50_000;
      const topics = await createScoringTopics(brokers, 'score50k', partitions);
      const loaded = await loadFraudTopology(brokers, topics, { client });
      const topology = { ...loaded, input: { ...loaded.input, ...consumption } };
      const events = generateTransactions(count);
      await produceRoundRobin(
        kafka,
        topics.input,
        partitions,
        events.map((event) => JSON.stringify(event)),
        (index) => events[index]?.card_id ?? null,
      );
      const { httpPort } = await startScoring(topology);

      const output = await consumeRecords(createTestConsumer(kafka, uniqueGroupId('out')), {
        topic: topics.output,
        count,
        timeoutMs: 120_000,
      });
      expect(output).toHaveLength(count);

      const expected = await referenceScores(topology, 'models/fraud/1/model.onnx', events);
      const indexOf = new Map(events.map((event, index) => [event.transaction_id, index]));
      const seen = new Set<string>();
      for (const record of output) {
        const scored = JSON.parse(record.value ?? '') as ScoredEvent;
        const index = indexOf.get(scored.transaction_id);
        expect(index, scored.transaction_id).toBeDefined();
        seen.add(scored.transaction_id);
        expect(
          Math.abs(scored.fraud.probability - (expected[index as number] as number)),
        ).toBeLessThan(1e-6);
        expect(scored.fraud.label).toBe((expected[index as number] as number) > 0.5 ? 1 : 0);
        expect(scored.fraud).toMatchObject({ model: 'fraud', version: 1 });
        // Input partition p (event index mod 6) lands in output partition p, at its input position.
        expect(Number(record.headers[HEADERS.sourcePartition])).toBe(
          (index as number) % partitions,
        );
        expect(record.partition).toBe((index as number) % partitions);
        expect(record.key).toBe(events[index as number]?.card_id);
        expect(record.headers[HEADERS.modelVersion]).toBe('fraud@1');
      }
      expect(seen.size).toBe(count);

      for (const [partition, records] of byPartition(output)) {
        const offsets = records.map((record) => Number(record.headers[HEADERS.sourceOffset]));
        expect(offsets, `partition ${partition}`).toEqual(offsets.map((_, position) => position));
      }

      // The stage breakdown times every batch once per stage, each stage a real duration; read
      // from /metrics, which sums the scoring threads' series.
      const sample = async (metric: string, suffix: string, stage?: string) => {
        const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        const labels: Record<string, string> = stage === undefined ? {} : { stage };
        return sumPrometheusSamples(text, `${metric}${suffix}`, labels) ?? 0;
      };
      const batches = await sample('streamscore_batch_size_events', '_count');
      expect(batches).toBeGreaterThan(0);
      for (const stage of ['fetch', 'batch_fill', 'inference', 'output']) {
        await expect
          .poll(() => sample('streamscore_stage_duration_seconds', '_count', stage), {
            message: stage,
          })
          .toBe(batches);
        expect(
          await sample('streamscore_stage_duration_seconds', '_sum', stage),
          stage,
        ).toBeGreaterThan(0);
      }
    },
  );

  it('dead-letters bad records with the reason and keeps scoring the valid ones around them', async () => {
    const topics = await createScoringTopics(brokers, 'dlq', 1);
    const topology = await loadFraudTopology(brokers, topics, { client });
    const [good1, good2, good3, good4, good5, good6] = generateTransactions(6, 11);
    const { amount: _amount, ...withoutAmount } = good2 as object as Record<string, unknown>;
    const values: string[] = [
      JSON.stringify(good1),
      '{"transaction_id": "broken", "amount": ',
      JSON.stringify(good3),
      JSON.stringify(withoutAmount),
      JSON.stringify(good4),
      JSON.stringify({ ...good5, amount: 'twelve' }),
      JSON.stringify(good5).replace(/"amount":[^,]+/, '"amount":1e999'),
      JSON.stringify({ ...good6, padding: 'x'.repeat(2 * 1024 * 1024) }),
      JSON.stringify(good6),
    ];
    await produceRoundRobin(kafka, topics.input, 1, values);
    await startScoring(topology);

    const deadLetters = await consumeRecords(createTestConsumer(kafka, uniqueGroupId('dlq')), {
      topic: topics.deadLetter,
      count: 5,
      timeoutMs: 60_000,
    });
    const summary = deadLetters.map((record) => ({
      offset: record.headers[HEADERS.sourceOffset],
      reason: record.headers[HEADERS.errorClass],
      message: record.headers[HEADERS.errorMessage],
    }));
    expect(summary).toEqual([
      {
        offset: '1',
        reason: 'DECODE_FAILED',
        message: expect.stringMatching(/^not a valid json event: /),
      },
      {
        offset: '3',
        reason: 'FEATURE_MISSING',
        message: 'field amount is missing and feature amount_log has no default',
      },
      {
        offset: '5',
        reason: 'FEATURE_INVALID',
        message: 'feature amount_log (amount): expected a finite number, got "twelve"',
      },
      {
        offset: '6',
        reason: 'FEATURE_INVALID',
        message: 'feature amount_log (amount): expected a finite number, got Infinity',
      },
      {
        offset: '7',
        reason: 'RECORD_TOO_LARGE',
        message: expect.stringMatching(
          /^record of 2097\d+ bytes exceeds input\.maxRecordBytes \(1048576\)$/,
        ),
      },
    ]);
    for (const record of deadLetters) {
      expect(record.headers[HEADERS.sourceTopic]).toBe(topics.input);
      expect(record.headers[HEADERS.sourcePartition]).toBe('0');
      expect(Date.parse(record.headers[HEADERS.errorTime] ?? '')).not.toBeNaN();
      expect(record.value).toBe(values[Number(record.headers[HEADERS.sourceOffset])]);
    }

    const scored = await consumeRecords(createTestConsumer(kafka, uniqueGroupId('out')), {
      topic: topics.output,
      count: 4,
      timeoutMs: 30_000,
    });
    expect(scored.map((record) => record.headers[HEADERS.sourceOffset])).toEqual([
      '0',
      '2',
      '4',
      '8',
    ]);
  });

  it('keeps every event through rebalances as instances join and leave the group', async () => {
    const partitions = 4;
    const total = 20_000;
    const topics = await createScoringTopics(brokers, 'rebalance', partitions);
    const topology = await loadFraudTopology(brokers, topics, { client });
    const producer = kafka.producer();
    await producer.connect();
    const generator = createTransactionGenerator({ seed: 3 });
    const produceChunk = async (count: number) => {
      const messages = generator
        .nextBatch(count)
        .map((event, index) => ({ value: JSON.stringify(event), partition: index % partitions }));
      await producer.send({ topic: topics.input, messages });
    };

    const first = await startScoring(topology);
    for (let i = 0; i < 10; i++) await produceChunk(500);
    const second = await startScoring(topology);
    for (let i = 0; i < 10; i++) await produceChunk(500);
    await first.service.stop(10_000);
    for (let i = 0; i < 20; i++) await produceChunk(500);
    await producer.disconnect();

    const seen = new Set<string>();
    await consumeRecords(createTestConsumer(kafka, uniqueGroupId('rebalance-out')), {
      topic: topics.output,
      until: (record) => {
        seen.add(
          `${record.headers[HEADERS.sourcePartition]}/${record.headers[HEADERS.sourceOffset]}`,
        );
        return seen.size === total;
      },
      timeoutMs: 90_000,
    });
    expect(seen.size).toBe(total);
    await second.service.stop(10_000);

    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: topics.group, topics: [topics.input] });
    const ends = await admin.fetchTopicOffsets(topics.input);
    await admin.disconnect();
    const committedByPartition = new Map(committed?.partitions.map((p) => [p.partition, p.offset]));
    for (const { partition, high } of ends) {
      expect(committedByPartition.get(partition), `partition ${partition}`).toBe(high);
    }
  });
});

describe('scoring pipeline', () => {
  it('refuses to start when the topology lacks one of the model’s features, naming where they part', async () => {
    const topics = await createScoringTopics(brokers, 'width', 1);
    const topology = await loadFraudTopology(brokers, topics, {
      file: 'test/fixtures/topologies/fraud-missing-feature.yaml',
    });
    const service = createService({ topology, logger: quietLogger(), httpPort: 0 });
    running.push(service);
    await expect(service.start()).rejects.toThrow(
      /^test\/fixtures\/topologies\/fraud-missing-feature\.yaml features\[2\]\.name is "txn_count_1h", but model fraud@1 was trained with features\[2\]\.name "card_present" \(.*models\/fraud\/1\/model\.json\)/,
    );
  });
});
