import type { CardTransaction } from './card-transaction.js';
import { createSeededRandom } from './seeded-random.js';
import { createTransactionGenerator } from './transaction-generator.js';
import type { TransactionShifts } from './transaction-drift.js';

/**
 * How the reference fraud model's held-out events were generated (models/fraud/README.md):
 * the events its reference profile describes.
 */
const FRAUD_HOLDOUT = Object.freeze({ seed: 2, count: 50_000 });

/**
 * The held-out population, optionally with every event shifted (`shifts` applied from the
 * first event on, with the same seed, so it is the same population drifted).
 */
export function fraudHoldoutPopulation(shifts?: TransactionShifts): CardTransaction[] {
  return createTransactionGenerator({
    seed: FRAUD_HOLDOUT.seed,
    ...(shifts === undefined ? {} : { drift: { afterEvents: 0, shifts } }),
  }).nextBatch(FRAUD_HOLDOUT.count);
}

export interface TransactionSampler {
  /** The next `count` draws. */
  nextBatch(count: number): CardTransaction[];
}

/**
 * A stationary stream: events drawn at random, with replacement, from a fixed population. The
 * generator's own stream moves through simulated time (hour of day, cards' velocity history),
 * so a few seconds of it at demo rates are a few hours of one simulated day, not a sample of
 * its whole population; draws from the population are, which is what drift demos and tests
 * need before they shift anything. Each draw is a shallow copy with its own transaction id
 * (nested objects are shared: do not mutate them).
 */
export function createTransactionSampler(options: {
  readonly population: readonly CardTransaction[];
  readonly seed: number;
}): TransactionSampler {
  const { population } = options;
  if (population.length === 0) throw new RangeError('the population is empty');
  const random = createSeededRandom(options.seed);
  let draws = 0;
  return {
    nextBatch(count) {
      return Array.from({ length: count }, () => {
        const event = population[random.int(population.length)] as CardTransaction;
        draws++;
        // The UUID shape stays: its last group (12 hex digits) numbers the draw.
        const id = `${event.transaction_id.slice(0, 24)}${draws.toString(16).padStart(12, '0')}`;
        return { ...event, transaction_id: id };
      });
    },
  };
}
