import { describe, expect, it } from 'vitest';
import {
  type CardTransaction,
  CHANNELS,
  MERCHANT_CATEGORIES,
  MERCHANT_COUNTRIES,
  REFERENCE_LOG_AMOUNT_SD,
  TRANSACTION_DRIFT_PRESET_NAMES,
  TRANSACTION_DRIFT_PRESETS,
  type TransactionDrift,
  createTransactionGenerator,
} from '../../../../tools/synthetic/index.js';

function generate(count: number, seed = 1, drift?: TransactionDrift): CardTransaction[] {
  return createTransactionGenerator({ seed, drift }).nextBatch(count);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

const reference = generate(60_000);

describe('createTransactionGenerator', () => {
  describe('reproducibility', () => {
    it('produces identical events for the same seed', () => {
      expect(generate(2_000, 42)).toEqual(generate(2_000, 42));
    });

    it('produces different events for a different seed', () => {
      const a = generate(200, 42);
      const b = generate(200, 43);
      expect(a.map((event) => event.transaction_id)).not.toEqual(
        b.map((event) => event.transaction_id),
      );
      expect(a.map((event) => event.amount)).not.toEqual(b.map((event) => event.amount));
    });

    it('gives the same events one by one as in batches', () => {
      const generator = createTransactionGenerator({ seed: 5 });
      const oneByOne = [generator.next(), generator.next(), generator.next()];
      const batched = createTransactionGenerator({ seed: 5 }).nextBatch(3);
      expect(oneByOne).toEqual(batched);
      expect(generator.emitted).toBe(3);
    });
  });

  describe('event shape', () => {
    it('emits well-formed events with values from the known vocabularies', () => {
      // One assertion over the collected offenders: 60k events x 10 expect() calls is too slow.
      const malformed = reference.filter(
        (event) =>
          !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(
            event.transaction_id,
          ) ||
          !/^c_\d{6}$/.test(event.card_id) ||
          event.currency !== 'EUR' ||
          !CHANNELS.includes(event.channel) ||
          !(MERCHANT_CATEGORIES as readonly string[]).includes(event.merchant.category) ||
          !(MERCHANT_COUNTRIES as readonly string[]).includes(event.merchant.country) ||
          !/^m_[A-Z]{2}_[a-z_]+_\d{4}$/.test(event.merchant.id) ||
          !(event.amount > 0) ||
          Math.abs(event.amount * 100 - Math.round(event.amount * 100)) > 1e-6,
      );
      expect(malformed).toEqual([]);
      expect(new Set(reference.map((event) => event.transaction_id)).size).toBe(reference.length);
    });

    it('stamps ISO UTC times that never go backwards and agree with hour_of_day', () => {
      const offenders = reference.filter((event, index) => {
        const time = Date.parse(event.timestamp);
        const previous =
          index === 0 ? -Infinity : Date.parse(reference[index - 1]?.timestamp ?? '');
        return (
          new Date(time).toISOString() !== event.timestamp ||
          time < previous ||
          event.hour_of_day !== new Date(time).getUTCHours()
        );
      });
      expect(offenders).toEqual([]);
      expect(reference[0]?.timestamp.startsWith('2026-03-02T00:')).toBe(true);
    });

    it('starts at the requested time', () => {
      const [first] = createTransactionGenerator({
        seed: 1,
        startTime: '2027-01-01T12:00:00Z',
      }).nextBatch(1);
      expect(first?.timestamp.startsWith('2027-01-01T12:')).toBe(true);
    });

    it('ties card presence to the channel', () => {
      const offenders = reference.filter(
        (event) =>
          ((event.channel === 'ecom' || event.channel === 'moto') && event.card_present) ||
          (event.channel === 'atm' && (!event.card_present || event.merchant.category !== 'cash')),
      );
      expect(offenders).toEqual([]);
    });

    it('draws amounts with a heavy right tail', () => {
      const amounts = reference.map((event) => event.amount).sort((a, b) => a - b);
      const at = (quantile: number): number =>
        amounts[Math.floor(quantile * (amounts.length - 1))] ?? NaN;
      expect(at(0.5)).toBeGreaterThan(20);
      expect(at(0.5)).toBeLessThan(80);
      expect(at(0.999) / at(0.5)).toBeGreaterThan(20);
      expect(at(1)).toBeGreaterThan(2_000);
    });
  });

  describe('fraud label', () => {
    it('labels about 1.5% of events as fraud by default', () => {
      const rate = share(reference, (event) => event.label.is_fraud);
      expect(rate).toBeGreaterThan(0.01);
      expect(rate).toBeLessThan(0.025);
    });

    it('follows the requested fraud rate', () => {
      const events = createTransactionGenerator({ seed: 3, fraudRate: 0.05 }).nextBatch(40_000);
      const rate = share(events, (event) => event.label.is_fraud);
      expect(rate).toBeGreaterThan(0.04);
      expect(rate).toBeLessThan(0.06);
      const none = createTransactionGenerator({ seed: 3, fraudRate: 0 }).nextBatch(10_000);
      expect(none.some((event) => event.label.is_fraud)).toBe(false);
    });

    it('is more frequent for card-not-present, foreign, night-time, risky and fast-moving use', () => {
      const fraudRate = (predicate: (event: CardTransaction) => boolean): number =>
        share(reference.filter(predicate), (event) => event.label.is_fraud);
      expect(fraudRate((event) => !event.card_present)).toBeGreaterThan(
        2 * fraudRate((event) => event.card_present),
      );
      expect(fraudRate((event) => event.merchant.country !== 'DE')).toBeGreaterThan(
        5 * fraudRate((event) => event.merchant.country === 'DE'),
      );
      expect(
        fraudRate((event) => event.hour_of_day >= 1 && event.hour_of_day <= 4),
      ).toBeGreaterThan(
        5 * fraudRate((event) => event.hour_of_day >= 10 && event.hour_of_day <= 17),
      );
      const risky = new Set(['electronics', 'digital_goods', 'jewelry', 'gambling']);
      expect(fraudRate((event) => risky.has(event.merchant.category))).toBeGreaterThan(
        3 * fraudRate((event) => !risky.has(event.merchant.category)),
      );
      expect(fraudRate((event) => event.velocity.txn_count_1h >= 2)).toBeGreaterThan(
        5 * fraudRate((event) => event.velocity.txn_count_1h === 0),
      );
      expect(fraudRate((event) => event.amount > 500)).toBeGreaterThan(
        3 * fraudRate((event) => event.amount <= 500),
      );
    });

    it('stays noisy: some fraud looks domestic and card-present, some genuine use looks risky', () => {
      const fraud = reference.filter((event) => event.label.is_fraud);
      expect(share(fraud, (event) => event.merchant.country === 'DE')).toBeGreaterThan(0.2);
      expect(share(fraud, (event) => event.card_present)).toBeGreaterThan(0.1);
      const genuine = reference.filter((event) => !event.label.is_fraud);
      expect(share(genuine, (event) => event.channel === 'ecom')).toBeGreaterThan(0.2);
      expect(share(genuine, (event) => event.merchant.country !== 'DE')).toBeGreaterThan(0.03);
    });
  });

  describe('velocity', () => {
    it("counts each card's own earlier transactions in the last hour and day", () => {
      const history = new Map<string, Array<{ time: number; cents: number }>>();
      const mismatches: string[] = [];
      for (const event of reference) {
        const time = Date.parse(event.timestamp);
        const earlier = history.get(event.card_id) ?? [];
        const lastHour = earlier.filter((entry) => time - entry.time < 3_600_000).length;
        const lastDayCents = earlier
          .filter((entry) => time - entry.time < 86_400_000)
          .reduce((sum, entry) => sum + entry.cents, 0);
        if (
          event.velocity.txn_count_1h !== lastHour ||
          event.velocity.amount_sum_24h !== lastDayCents / 100
        ) {
          mismatches.push(
            `${event.transaction_id}: ${JSON.stringify(event.velocity)} vs ${lastHour}, ${lastDayCents / 100}`,
          );
        }
        earlier.push({ time, cents: Math.round(event.amount * 100) });
        history.set(event.card_id, earlier);
      }
      expect(mismatches).toEqual([]);
      // The check must have covered busy cards, not just empty histories.
      expect(reference.some((event) => event.velocity.txn_count_1h >= 3)).toBe(true);
    });

    it('starts every card with an empty history', () => {
      const first = reference[0];
      expect(first?.velocity).toEqual({ txn_count_1h: 0, amount_sum_24h: 0 });
    });
  });

  describe('drift', () => {
    const afterEvents = 20_000;
    const drifted = (shifts: TransactionDrift['shifts'], count = 40_000): CardTransaction[] =>
      generate(count, 1, { afterEvents, shifts });

    it('leaves the events before the switch exactly as without drift', () => {
      const events = drifted({ amountScale: 3, unseenCategories: { share: 0.5, values: ['x'] } });
      expect(events.slice(0, afterEvents)).toEqual(reference.slice(0, afterEvents));
      expect(events.slice(afterEvents)).not.toEqual(reference.slice(afterEvents, 40_000));
    });

    it('scales amounts from the switch on', () => {
      const events = drifted({ amountScale: 1.8 });
      const before = median(events.slice(0, afterEvents).map((event) => event.amount));
      const after = median(events.slice(afterEvents).map((event) => event.amount));
      const referenceAfter = median(reference.slice(afterEvents, 40_000).map((e) => e.amount));
      expect(before).toBe(median(reference.slice(0, afterEvents).map((event) => event.amount)));
      expect(after / referenceAfter).toBeGreaterThan(1.6);
      expect(after / referenceAfter).toBeLessThan(2);
    });

    it('shifts the mean of ln(amount) by the requested number of reference sds', () => {
      const meanLog = (events: CardTransaction[]): number =>
        events.reduce((sum, event) => sum + Math.log(event.amount), 0) / events.length;
      const events = drifted({ amountShiftSd: 2 });
      const shift =
        meanLog(events.slice(afterEvents)) - meanLog(reference.slice(afterEvents, 40_000));
      expect(shift / REFERENCE_LOG_AMOUNT_SD).toBeCloseTo(2, 1);
    });

    it('changes the channel mix', () => {
      const events = drifted({ channelMix: { ecom: 1 } });
      expect(share(events.slice(0, afterEvents), (event) => event.channel === 'ecom')).toBeLessThan(
        0.4,
      );
      // Fraud campaigns keep their own channels, so not quite every event is e-commerce.
      expect(share(events.slice(afterEvents), (event) => event.channel === 'ecom')).toBeGreaterThan(
        0.97,
      );
    });

    it('reweights merchant categories', () => {
      const events = drifted({ categoryWeights: { gambling: 20 } });
      const gambling = (event: CardTransaction): boolean => event.merchant.category === 'gambling';
      expect(share(events.slice(afterEvents), gambling)).toBeGreaterThan(
        5 * share(events.slice(0, afterEvents), gambling),
      );
    });

    it('introduces unseen categories and countries only after the switch', () => {
      const events = drifted({
        unseenCategories: { share: 0.2, values: ['crypto_exchange'] },
        unseenCountries: { share: 0.1, values: ['IN'] },
      });
      const before = events.slice(0, afterEvents);
      const after = events.slice(afterEvents);
      expect(before.some((event) => event.merchant.category === 'crypto_exchange')).toBe(false);
      expect(before.some((event) => event.merchant.country === 'IN')).toBe(false);
      expect(share(after, (event) => event.merchant.category === 'crypto_exchange')).toBeCloseTo(
        0.2,
        1,
      );
      expect(share(after, (event) => event.merchant.country === 'IN')).toBeCloseTo(0.1, 1);
    });

    it('raises the fraud rate in a fraud wave', () => {
      // Compared with the same stretch of the undrifted stream: the fraud share swings over
      // the day (fraud peaks at night when genuine spending is low).
      const events = drifted({ fraudRateScale: 4 }, 60_000);
      const isFraud = (event: CardTransaction): boolean => event.label.is_fraud;
      const after = share(events.slice(afterEvents), isFraud);
      expect(after).toBeGreaterThan(2.5 * share(reference.slice(afterEvents), isFraud));
    });

    it('offers presets that all run', () => {
      for (const name of TRANSACTION_DRIFT_PRESET_NAMES) {
        const generator = createTransactionGenerator({
          seed: 1,
          drift: { afterEvents: 10, shifts: TRANSACTION_DRIFT_PRESETS[name] },
        });
        expect(generator.nextBatch(100)).toHaveLength(100);
      }
    });

    it('rejects impossible shifts up front, naming them', () => {
      const create = (drift: TransactionDrift) => () =>
        createTransactionGenerator({ seed: 1, drift });
      expect(create({ afterEvents: -1, shifts: {} })).toThrow(/afterEvents/);
      expect(create({ afterEvents: 0, shifts: { amountScale: 0 } })).toThrow(/amountScale/);
      expect(create({ afterEvents: 0, shifts: { channelMix: { pos: 0 } } })).toThrow(/weight/);
      expect(
        create({ afterEvents: 0, shifts: { unseenCountries: { share: 2, values: ['IN'] } } }),
      ).toThrow(/unseenCountries.share/);
    });
  });

  it('rejects invalid options', () => {
    expect(() => createTransactionGenerator({ seed: 1, cards: 0 })).toThrow(/cards/);
    expect(() => createTransactionGenerator({ seed: 1, fraudRate: 0.9 })).toThrow(/fraudRate/);
    expect(() => createTransactionGenerator({ seed: 1, startTime: 'yesterday' })).toThrow(
      /startTime/,
    );
  });
});
