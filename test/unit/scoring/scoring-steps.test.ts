/**
 * The per-event steps of the hot path on real parts (the JSON codec, a feature extractor, the
 * dynamic batcher), no Kafka: what goes into a batch, what goes to the DLQ and why, and the
 * output record of a scored event.
 */
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createDynamicBatcher, type Batch } from '../../../src/batching/index.js';
import { createFeatureExtractor } from '../../../src/features/index.js';
import type { ModelOutputs } from '../../../src/inference/index.js';
import { createJsonCodec, HEADERS } from '../../../src/io/index.js';
import {
  createRecordIntake,
  createScoredRecordBuilder,
  type PendingEvent,
} from '../../../src/scoring/index.js';
import { featuresFrom } from '../../harness/feature-specs.js';

const features = featuresFrom(`
  - { name: amount, path: amount, type: number }
  - { name: channel, path: channel, type: category, vocabulary: [pos, ecom] }`);

function record(value: string | Buffer | null, offset = '7'): KafkaMessage {
  return {
    key: Buffer.from('card-1'),
    value: typeof value === 'string' ? Buffer.from(value) : value,
    offset,
    timestamp: '1796000000000',
    attributes: 0,
    headers: {},
  } as KafkaMessage;
}

function intakeWithBatches(maxRecordBytes = 1024) {
  const batches: Batch<PendingEvent>[] = [];
  const extractor = createFeatureExtractor(features);
  const batcher = createDynamicBatcher<PendingEvent>({
    width: extractor.width,
    maxBatchSize: 2,
    maxDelayMs: 60_000,
    preferredBatchSizes: [],
    maxQueuedEvents: 100,
    onBatch: (batch) => batches.push(batch),
  });
  const intake = createRecordIntake({
    codec: createJsonCodec(),
    extractor,
    batcher,
    maxRecordBytes,
    scoreField: 'fraud',
  });
  return { intake, batcher, batches };
}

describe('record intake', () => {
  it('writes a good event’s features into the batch and dead-letters nothing', () => {
    const { intake, batches } = intakeWithBatches();
    expect(intake(3, record('{"amount": 12.5, "channel": "ecom"}'))).toBeUndefined();
    expect(intake(3, record('{"amount": 1, "channel": "pos"}', '8'))).toBeUndefined();
    expect(batches).toHaveLength(1);
    const [batch] = batches as [Batch<PendingEvent>];
    expect(Array.from(batch.rows.subarray(0, 3))).toEqual([12.5, 0, 1]);
    expect(batch.items.map(({ partition, record: { offset } }) => [partition, offset])).toEqual([
      [3, '7'],
      [3, '8'],
    ]);
  });

  it('dead-letters each bad record with its reason, and takes the next good one', () => {
    const { intake, batcher } = intakeWithBatches(64);
    const reasons = [
      record(null),
      record(`{"amount": 1, "pad": "${'x'.repeat(80)}"}`),
      record('{"amount": '),
      record(Buffer.from([0xff, 0xfe, 0x00])),
      record('{"amount": "twelve", "channel": "pos"}'),
    ].map((bad) => intake(0, bad)?.reason);
    expect(reasons).toEqual([
      'DECODE_FAILED',
      'RECORD_TOO_LARGE',
      'DECODE_FAILED',
      'DECODE_FAILED',
      expect.stringMatching(/^FEATURE_/),
    ]);
    expect(intake(0, record('{"amount": 2, "channel": "pos"}'))).toBeUndefined();
    expect(batcher.queuedEvents()).toBe(1);
  });

  it('keeps the decoded event only when it already has the score field', () => {
    const { intake, batches } = intakeWithBatches();
    intake(0, record('{"amount": 1, "channel": "pos"}'));
    intake(0, record('{"amount": 1, "channel": "pos", "fraud": "old"}'));
    const [batch] = batches as [Batch<PendingEvent>];
    expect(batch.items.map((item) => item.eventWithScoreField)).toEqual([
      undefined,
      { amount: 1, channel: 'pos', fraud: 'old' },
    ]);
  });
});

describe('scored records', () => {
  const options = {
    codec: createJsonCodec(),
    model: { name: 'fraud', version: 3 },
    outputs: [
      { name: 'probabilities', field: 'probability', column: 1 },
      { name: 'label', field: 'label', column: undefined },
    ],
    scoreField: 'fraud',
    inputTopic: 'transactions',
    outputPartitions: 4,
  };

  it('appends the score to the event, on partition p mod N, with the provenance headers', () => {
    const { intake, batches } = intakeWithBatches();
    intake(6, record('{"amount": 1, "channel": "pos"}'));
    intake(6, record('{"amount": 2, "channel": "ecom", "fraud": {"stale": true}}', '8'));
    const [batch] = batches as [Batch<PendingEvent>];
    const outputs: ModelOutputs = {
      probabilities: { dims: [2, 2], data: Float32Array.from([0.75, 0.25, 0.5, 0.5]) },
      label: { dims: [2], data: BigInt64Array.from([0n, 1n]) },
    };
    const { messages, failed } = createScoredRecordBuilder(options)(batch, outputs);
    expect(failed).toEqual([]);
    const values = messages.map((message) => JSON.parse(String(message.value)));
    expect(
      values.map(({ fraud }) => [fraud.probability, fraud.label, fraud.model, fraud.version]),
    ).toEqual([
      [0.25, 0, 'fraud', 3],
      [0.5, 1, 'fraud', 3],
    ]);
    expect(values[1]).not.toHaveProperty('fraud.stale');
    expect(messages[0]).toMatchObject({
      key: Buffer.from('card-1'),
      partition: 2,
      headers: {
        [HEADERS.sourceTopic]: 'transactions',
        [HEADERS.sourcePartition]: '6',
        [HEADERS.sourceOffset]: '7',
        [HEADERS.modelVersion]: 'fraud@3',
      },
    });
  });
});
