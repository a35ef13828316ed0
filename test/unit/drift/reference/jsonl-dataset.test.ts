import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelEventScorer, readJsonlDataset } from '../../../../src/drift/index.js';
import { type ScoringSession } from '../../../../src/drift/reference/index.js';
import { StreamscoreError } from '../../../../src/errors.js';
import { featuresFrom } from '../../../harness/feature-specs.js';

const features = featuresFrom(`
  - { name: amount, path: amount, type: number, transforms: [{ op: log1p }] }
  - { name: hour, path: ts, type: timestamp, derive: hourOfDay }
  - { name: present, path: card.present, type: boolean, default: false }
  - { name: channel, path: channel, type: category, vocabulary: [pos, ecom] }`);

/** A stand-in model (pure logic under test): P(class 1) = amount / 1000, label = P ≥ 0.5. */
const fakeSession: ScoringSession = {
  width: 5,
  async run(rows, runSize) {
    const probabilities = new Float32Array(runSize * 2);
    const labels = new BigInt64Array(runSize);
    for (let r = 0; r < runSize; r++) {
      const p = Math.expm1(rows[r * 5] as number) / 1000;
      probabilities[r * 2] = 1 - p;
      probabilities[r * 2 + 1] = p;
      labels[r] = p >= 0.5 ? 1n : 0n;
    }
    return {
      outputs: {
        probabilities: { data: probabilities, dims: [runSize, 2] },
        label: { data: labels, dims: [runSize] },
      },
      rows,
    };
  },
};

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'streamscore-jsonl-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('readJsonlDataset', () => {
  it('reads raw values through the feature spec, before defaults and transforms', async () => {
    const file = join(directory, 'events.jsonl');
    await writeFile(
      file,
      [
        '{"amount": 250, "ts": "2026-03-02T13:30:00Z", "card": {"present": true}, "channel": "pos"}',
        '',
        'not json',
        '{"amount": "12", "ts": 1772409600000, "channel": {"x": 1}}',
        '{"amount": 1e999, "ts": "yesterday", "card": {"present": "yes"}, "channel": 7}',
        '{"amount": 750, "channel": "atm"}',
      ].join('\n'),
    );
    const scorer = createModelEventScorer(fakeSession, features, {
      score: { output: 'probabilities', column: 1 },
      label: { output: 'label' },
    });
    const dataset = await readJsonlDataset(file, { features, scorer, chunkEvents: 2 });
    expect(dataset.file).toBe('events.jsonl');
    expect(dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(dataset.undecodableLines).toBe(1);
    const { columns } = dataset;
    expect(columns.eventCount).toBe(4);
    expect(columns.subjects.map((subject) => subject.name)).toEqual([
      'amount',
      'hour',
      'present',
      'channel',
      '__score__',
      '__label__',
    ]);
    const [amount, hour, present, channel, score, label] = columns.values;
    expect(amount).toEqual([250, Number.NaN, Infinity, 750]);
    expect(hour).toEqual([13, 0, Number.NaN, null]);
    // The boolean's default (false) is not applied: a missing value is a null for drift.
    expect(present).toEqual(['true', null, Number.NaN, null]);
    expect(channel).toEqual(['pos', Number.NaN, '7', 'atm']);
    // Events 2 and 3 fail extraction (text amount, Infinity amount, missing timestamp): unscored.
    expect(score?.[0]).toBeCloseTo(0.25, 6);
    expect(score?.slice(1, 4)).toEqual([null, null, null]);
    expect(label).toEqual([0, null, null, null]);
    expect(dataset.unscoredEvents).toBe(3);
  });

  it('names the file it cannot read', async () => {
    const missing = join(directory, 'missing.jsonl');
    const failure = await readJsonlDataset(missing, { features }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StreamscoreError);
    expect((failure as StreamscoreError).code).toBe('DATA_INVALID');
    expect((failure as Error).message).toContain(missing);
  });
});
