import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  createTransactionSampler,
  fraudHoldoutPopulation,
  type CardTransaction,
} from '../../../../tools/synthetic/index.js';
import { FRAUD_PROFILE_FILE } from '../../../harness/scored-events.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the fraud held-out population', () => {
  it('is exactly the data the committed reference profile was built from', async () => {
    const profile = JSON.parse(await readFile(FRAUD_PROFILE_FILE, 'utf8')) as {
      data: { sha256: string; events: number };
    };
    const jsonl = fraudHoldoutPopulation()
      .map((event) => `${JSON.stringify(event)}\n`)
      .join('');
    expect(createHash('sha256').update(jsonl).digest('hex')).toBe(profile.data.sha256);
  });

  it('shifted, is the same population with the shift applied to every event', () => {
    const reference = fraudHoldoutPopulation().slice(0, 500);
    const inflated = fraudHoldoutPopulation({ amountScale: 2 }).slice(0, 500);
    const ratios = inflated.map(
      (event, i) => event.amount / (reference[i] as CardTransaction).amount,
    );
    expect(Math.min(...ratios)).toBeGreaterThan(1.9);
    expect(Math.max(...ratios)).toBeLessThan(2.1);
    expect(inflated.map((event) => event.card_id)).toEqual(reference.map((event) => event.card_id));
  });
});

describe('the transaction sampler', () => {
  const population = fraudHoldoutPopulation().slice(0, 1_000);
  const byId = new Map(population.map((event) => [event.transaction_id, event]));

  it('draws copies of population members, each with an id of its own', () => {
    const draws = createTransactionSampler({ population, seed: 1 }).nextBatch(5_000);
    expect(new Set(draws.map((event) => event.transaction_id)).size).toBe(5_000);
    for (const draw of draws.slice(0, 50)) {
      expect(draw.transaction_id).toMatch(UUID);
      const source = population.find(
        (event) => event.transaction_id.slice(0, 24) === draw.transaction_id.slice(0, 24),
      );
      expect({ ...draw, transaction_id: source?.transaction_id }).toEqual(source);
    }
    expect(draws.some((draw) => byId.has(draw.transaction_id))).toBe(false);
  });

  it('draws uniformly, and the same draws for the same seed', () => {
    const draws = createTransactionSampler({ population, seed: 2 }).nextBatch(100_000);
    const hits = new Map<string, number>();
    for (const draw of draws) {
      const key = draw.transaction_id.slice(0, 24);
      hits.set(key, (hits.get(key) ?? 0) + 1);
    }
    // 100 draws per member on average: all are drawn, none far off.
    expect(hits.size).toBe(population.length);
    expect(Math.min(...hits.values())).toBeGreaterThan(50);
    expect(Math.max(...hits.values())).toBeLessThan(150);
    const again = createTransactionSampler({ population, seed: 2 }).nextBatch(100);
    expect(again).toEqual(draws.slice(0, 100));
  });

  it('refuses an empty population', () => {
    expect(() => createTransactionSampler({ population: [], seed: 1 })).toThrow(RangeError);
  });
});
