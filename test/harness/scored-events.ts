/**
 * Scored fraud events as the scoring pipeline writes them to the output topic, and the
 * committed reference profile they are counted against. Pure (no broker): unit tests count
 * them directly, integration tests produce them to a scored topic.
 */
import { readFile } from 'node:fs/promises';
import { parseReferenceProfile, type LiveReferenceProfile } from '../../src/drift/index.js';
import { createSeededRandom, createTransactionGenerator } from '../../tools/synthetic/index.js';
import { loadTopology, type FeatureSpec } from '../../src/topology/index.js';

export const FRAUD_PROFILE_FILE = 'models/fraud/1/reference.json';

export async function fraudLiveProfile(): Promise<LiveReferenceProfile> {
  const profile = parseReferenceProfile(
    JSON.parse(await readFile(FRAUD_PROFILE_FILE, 'utf8')),
    FRAUD_PROFILE_FILE,
  );
  if (profile.model === null) throw new Error(`${FRAUD_PROFILE_FILE} has no model`);
  return { ...profile, model: profile.model };
}

export async function fraudFeatures(): Promise<readonly FeatureSpec[]> {
  return (await loadTopology('topologies/fraud.yaml', { env: {} })).features;
}

export interface ScoredEvent {
  readonly event: Record<string, unknown>;
  /** The input record's Kafka timestamp, epoch ms. */
  readonly timestampMs: number;
}

/** Merchant countries the fraud reference never saw. */
export const UNSEEN_COUNTRIES = ['JP', 'KR', 'XX'] as const;

/**
 * `count` fraud transactions with a `fraud` score object, `spacingMs` apart from `startMs`.
 * Some carry what drift must count rather than choke on: an unseen merchant country (every
 * 50th), no amount (every 70th), a card_present of the wrong type (every 90th).
 */
export function scoredFraudEvents(
  count: number,
  options: { readonly seed: number; readonly startMs: number; readonly spacingMs: number },
): ScoredEvent[] {
  const transactions = createTransactionGenerator({ seed: options.seed }).nextBatch(count);
  const random = createSeededRandom(options.seed + 1);
  return transactions.map((transaction, index) => {
    const event = structuredClone(transaction) as unknown as Record<string, unknown>;
    if (index % 50 === 49) {
      (event['merchant'] as Record<string, unknown>)['country'] =
        UNSEEN_COUNTRIES[index % UNSEEN_COUNTRIES.length];
    }
    if (index % 70 === 69) delete event['amount'];
    if (index % 90 === 89) event['card_present'] = 'yes';
    const probability = random.float() ** 4;
    event['fraud'] = {
      probability,
      label: probability > 0.5 ? 1 : 0,
      model: 'fraud',
      version: 1,
      scoredAt: new Date(options.startMs).toISOString(),
    };
    return { event, timestampMs: options.startMs + index * options.spacingMs };
  });
}
