import {
  type CardTransaction,
  type Channel,
  CHANNELS,
  MERCHANT_CATEGORIES,
  type MerchantCategory,
} from './card-transaction.js';
import { createSeededRandom, cumulativeWeights, type SeededRandom } from './seeded-random.js';
import {
  REFERENCE_LOG_AMOUNT_SD,
  type TransactionDrift,
  type TransactionShifts,
} from './transaction-drift.js';

/**
 * A synthetic card-transaction stream from a German issuer, realistic enough that a fraud
 * model trained on it must use every feature, and reproducible from a seed.
 *
 * The stream is a small discrete-event simulation on a simulated clock:
 * - Genuine spending is a Poisson process with a day/night rhythm; each event picks a card
 *   from a fixed pool (some cards far busier than others) and draws channel, category,
 *   country and amount from that card's habits.
 * - Fraud comes in campaigns: a compromised card is used in a burst (card-not-present
 *   shopping, a counterfeit card at a till, or cash-out at ATMs), mostly abroad, at night, for
 *   large amounts in risky categories. A fifth of campaigns are quiet and mimic the cardholder,
 *   and a few genuine transactions are later charged back anyway (first-party fraud): the
 *   label is learnable but noisy.
 * - Velocity fields come from each card's own recent history, kept in fixed-size ring buffers,
 *   so memory is bounded by the card pool and bursts show up as high velocity.
 */

export interface TransactionGeneratorOptions {
  /** Integer seed: the same seed and options always give the same stream. */
  seed: number;
  /** Size of the card pool. Default 10 000. */
  cards?: number;
  /** Target share of events labelled fraud, before drift. Default 0.015. */
  fraudRate?: number;
  /** Simulated time of the start of the stream: ms since the epoch or an ISO string. Default 2026-03-02T00:00:00Z. */
  startTime?: number | string;
  /** Average genuine transactions per card per day; with `cards` it sets the event rate. Default 4. */
  transactionsPerCardPerDay?: number;
  /** Shift chosen features after a number of events. */
  drift?: TransactionDrift;
}

export interface TransactionGenerator {
  /** The next event of the stream. */
  next(): CardTransaction;
  /** The next `count` events, in order. */
  nextBatch(count: number): CardTransaction[];
  /** How many events have been produced so far. */
  readonly emitted: number;
}

const DEFAULT_CARDS = 10_000;
const DEFAULT_FRAUD_RATE = 0.015;
const DEFAULT_START_TIME_MS = Date.UTC(2026, 2, 2);
const DEFAULT_TRANSACTIONS_PER_CARD_PER_DAY = 4;

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/**
 * Slots per card for velocity history. Card activity is capped at 8x the average (32
 * transactions a day at the default rate) and fraud bursts add a handful more, so 64 slots
 * hold a full 24 h window in practice; if a card ever exceeded them, the oldest entries would
 * drop out and its velocity would be undercounted, never overcounted.
 */
const VELOCITY_SLOTS_PER_CARD = 64;
const MAX_CARD_ACTIVITY = 8;

/** Share of the fraud labels that are first-party fraud on genuine-looking transactions. */
const FIRST_PARTY_FRAUD_SHARE = 0.06;

/** Relative event rate by UTC hour: busy afternoons and evenings, quiet nights. */
const GENUINE_RATE_BY_HOUR = normaliseToMeanOne([
  0.15, 0.08, 0.05, 0.04, 0.05, 0.12, 0.35, 0.65, 0.9, 1.05, 1.2, 1.35, 1.5, 1.4, 1.3, 1.35, 1.45,
  1.6, 1.7, 1.55, 1.25, 0.9, 0.6, 0.35,
]);
/** Fraudsters work around the clock and prefer the night, when cardholders sleep. */
const CAMPAIGN_RATE_BY_HOUR = normaliseToMeanOne([
  1.5, 1.9, 2.1, 2.1, 1.8, 1.2, 0.8, 0.6, 0.6, 0.6, 0.65, 0.7, 0.75, 0.75, 0.75, 0.75, 0.8, 0.8,
  0.85, 0.9, 1.0, 1.1, 1.25, 1.4,
]);

type CampaignKind = 'card_not_present' | 'counterfeit' | 'cash_out';

const CAMPAIGN_KINDS: readonly CampaignKind[] = ['card_not_present', 'counterfeit', 'cash_out'];
const CAMPAIGN_KIND_WEIGHTS = cumulativeWeights([0.72, 0.14, 0.14]);
const QUIET_CAMPAIGN_SHARE = 0.22;
/** Events after the first, geometric: loud campaigns burst, quiet ones trickle. */
const LOUD_EXTRA_EVENTS_MEAN = 4;
const QUIET_EXTRA_EVENTS_MEAN = 1;
const LOUD_GAP_MEAN_MS = 6 * 60_000;
const QUIET_GAP_MEAN_MS = 3 * MS_PER_HOUR;
const MEAN_CAMPAIGN_EVENTS =
  1 +
  QUIET_CAMPAIGN_SHARE * QUIET_EXTRA_EVENTS_MEAN +
  (1 - QUIET_CAMPAIGN_SHARE) * LOUD_EXTRA_EVENTS_MEAN;
const CARD_TESTING_SHARE = 0.5;

/** Typical genuine ticket in EUR by category (index = MERCHANT_CATEGORIES order). */
const MEDIAN_AMOUNT_BY_CATEGORY = categoryTable({
  grocery: 32,
  restaurant: 28,
  fuel: 55,
  transport: 18,
  retail: 45,
  pharmacy: 20,
  electronics: 140,
  travel: 260,
  digital_goods: 12,
  jewelry: 220,
  gambling: 50,
  cash: 100,
});

const GENUINE_CATEGORY_WEIGHTS: Readonly<
  Record<Channel, Partial<Record<MerchantCategory, number>>>
> = {
  pos: {
    grocery: 30,
    restaurant: 16,
    fuel: 10,
    transport: 6,
    retail: 22,
    pharmacy: 6,
    electronics: 4,
    travel: 1.5,
    jewelry: 0.8,
    gambling: 0.6,
  },
  ecom: {
    grocery: 6,
    restaurant: 10,
    transport: 8,
    retail: 30,
    pharmacy: 3,
    electronics: 10,
    travel: 12,
    digital_goods: 18,
    jewelry: 0.5,
    gambling: 2.5,
  },
  atm: { cash: 1 },
  moto: { restaurant: 20, retail: 30, pharmacy: 10, electronics: 10, travel: 30 },
};

const FRAUD_CATEGORY_WEIGHTS: Readonly<
  Record<CampaignKind, Partial<Record<MerchantCategory, number>>>
> = {
  card_not_present: {
    retail: 13,
    electronics: 25,
    travel: 12,
    digital_goods: 30,
    jewelry: 8,
    gambling: 12,
  },
  counterfeit: { grocery: 10, fuel: 10, retail: 30, electronics: 30, jewelry: 20 },
  cash_out: { cash: 1 },
};

/** Where genuine cross-border spending happens, by channel (domestic share separately). */
const DOMESTIC_SHARE_BY_CHANNEL: Readonly<Record<Channel, number>> = {
  pos: 0.955,
  ecom: 0.82,
  atm: 0.96,
  moto: 0.95,
};
const GENUINE_FOREIGN_COUNTRIES = ['FR', 'NL', 'AT', 'ES', 'IT', 'GB', 'US', 'PL'];
const GENUINE_FOREIGN_WEIGHTS = cumulativeWeights([20, 14, 16, 14, 12, 8, 6, 6]);
const GENUINE_ECOM_FOREIGN_COUNTRIES = ['NL', 'GB', 'US', 'FR', 'IT', 'CN'];
const GENUINE_ECOM_FOREIGN_WEIGHTS = cumulativeWeights([20, 18, 30, 10, 6, 8]);
const FRAUD_COUNTRIES = ['DE', 'GB', 'US', 'NL', 'FR', 'RO', 'NG', 'BR', 'CN', 'ES', 'IT'];
const FRAUD_COUNTRY_WEIGHTS = cumulativeWeights([30, 12, 14, 6, 5, 7, 8, 6, 7, 3, 2]);

const GENUINE_CASH_AMOUNTS = [20, 50, 100, 150, 200, 300, 400, 500];
const GENUINE_CASH_WEIGHTS = cumulativeWeights([10, 25, 25, 10, 15, 6, 3, 2]);
const FRAUD_CASH_AMOUNTS = [200, 300, 400, 500, 800, 1000];
const FRAUD_CASH_WEIGHTS = cumulativeWeights([15, 15, 15, 30, 10, 15]);

const GENUINE_AMOUNT_SIGMA = 0.75;
/** A small share of genuine spending comes from a Pareto tail (furniture, holidays, cars). */
const GENUINE_TAIL_SHARE = 0.015;
const GENUINE_TAIL_SHAPE = 1.6;
const GENUINE_AMOUNT_CAP = 25_000;
const FRAUD_AMOUNT_MULTIPLIER = 2.8;
const FRAUD_AMOUNT_SIGMA = 0.9;
const FRAUD_AMOUNT_CAP = 10_000;
const KEYED_POS_SHARE = 0.03;
const MOTO_SHARE_OF_CARD_NOT_PRESENT = 0.06;
const ATM_SHARE_OF_CARD_PRESENT = 0.07;
const MERCHANTS_PER_CATEGORY = 2000;

interface FraudCampaign {
  cardIndex: number;
  kind: CampaignKind;
  quiet: boolean;
  country: string;
  remainingEvents: number;
  gapMeanMs: number;
  nextEventMs: number;
  emittedEvents: number;
}

/** The fields of an event that differ between genuine and fraudulent draws. */
interface DrawnPurchase {
  channel: Channel;
  cardPresent: boolean;
  category: string;
  country: string;
  amountCents: number;
}

export function createTransactionGenerator(
  options: TransactionGeneratorOptions,
): TransactionGenerator {
  return new SimulatedTransactionStream(options);
}

class SimulatedTransactionStream implements TransactionGenerator {
  emitted = 0;

  private readonly random: SeededRandom;
  private readonly cardCount: number;
  private readonly cardIds: Array<string | undefined>;
  private readonly cardAmountScale: Float64Array;
  private readonly cardEcomShare: Float64Array;
  private readonly cardAliasProbability: Float64Array;
  private readonly cardAlias: Int32Array;

  // Velocity history: slot s of card c is at index c * VELOCITY_SLOTS_PER_CARD + s.
  private readonly historyTimeMs: Float64Array;
  private readonly historyAmountCents: Float64Array;
  private readonly historyLength: Uint8Array;
  private readonly historyHead: Uint8Array;

  private readonly genuineRatePerMs: number;
  private campaignStartRatePerMs: number;
  private readonly firstPartyFraudProbability: number;

  private nextGenuineMs: number;
  private nextCampaignStartMs: number;
  /** Active campaigns as a binary min-heap on `nextEventMs`. */
  private readonly campaigns: FraudCampaign[] = [];

  private readonly drift: TransactionDrift | undefined;
  private genuineCategoryTables: Record<Channel, Float64Array>;
  private readonly fraudCategoryTables: Record<CampaignKind, Float64Array>;
  private genuineChannelTable: Float64Array | undefined;
  private amountMultiplier = 1;
  private unseenCategories: { share: number; values: readonly string[] } | undefined;
  private unseenCountries: { share: number; values: readonly string[] } | undefined;
  private isoMinuteMs = -1;
  private isoMinutePrefix = '';
  private readonly purchase: DrawnPurchase = {
    channel: 'pos',
    cardPresent: true,
    category: 'grocery',
    country: 'DE',
    amountCents: 0,
  };

  constructor(options: TransactionGeneratorOptions) {
    const cards = options.cards ?? DEFAULT_CARDS;
    const fraudRate = options.fraudRate ?? DEFAULT_FRAUD_RATE;
    const perCardPerDay =
      options.transactionsPerCardPerDay ?? DEFAULT_TRANSACTIONS_PER_CARD_PER_DAY;
    const startMs =
      typeof options.startTime === 'string'
        ? Date.parse(options.startTime)
        : (options.startTime ?? DEFAULT_START_TIME_MS);
    if (!Number.isInteger(cards) || cards < 1 || cards > 1_000_000) {
      throw new RangeError(`cards must be an integer in [1, 1000000], got ${cards}`);
    }
    if (!(fraudRate >= 0 && fraudRate < 0.5)) {
      throw new RangeError(`fraudRate must be in [0, 0.5), got ${fraudRate}`);
    }
    if (!(perCardPerDay > 0) || !Number.isFinite(perCardPerDay)) {
      throw new RangeError(`transactionsPerCardPerDay must be > 0, got ${perCardPerDay}`);
    }
    if (!Number.isFinite(startMs) || startMs < 0) {
      throw new RangeError(`startTime must be a time after 1970, got ${String(options.startTime)}`);
    }
    if (options.drift !== undefined) validateDrift(options.drift);

    this.random = createSeededRandom(options.seed);
    this.cardCount = cards;
    this.cardIds = new Array<string | undefined>(cards);
    this.cardAmountScale = new Float64Array(cards);
    this.cardEcomShare = new Float64Array(cards);
    const activity = new Float64Array(cards);
    for (let card = 0; card < cards; card++) {
      this.cardAmountScale[card] = this.random.lognormal(0, 0.35);
      this.cardEcomShare[card] = clamp(0.25 * this.random.lognormal(0, 0.7), 0.02, 0.85);
      // Lognormal with mean 1, capped so that no card outgrows its velocity ring.
      activity[card] = Math.min(this.random.lognormal(-0.32, 0.8), MAX_CARD_ACTIVITY);
    }
    [this.cardAliasProbability, this.cardAlias] = buildAliasTable(activity);

    const slots = cards * VELOCITY_SLOTS_PER_CARD;
    this.historyTimeMs = new Float64Array(slots);
    this.historyAmountCents = new Float64Array(slots);
    this.historyLength = new Uint8Array(cards);
    this.historyHead = new Uint8Array(cards);

    // Split the target fraud rate r into first-party fraud f (a genuine event relabelled) and
    // campaign events c, with c + (1 - c) f = r; then campaigns must start at a rate such that
    // campaign events / all events = c.
    this.firstPartyFraudProbability = fraudRate * FIRST_PARTY_FRAUD_SHARE;
    const campaignShare =
      (fraudRate - this.firstPartyFraudProbability) / (1 - this.firstPartyFraudProbability);
    this.genuineRatePerMs = (cards * perCardPerDay) / MS_PER_DAY;
    this.campaignStartRatePerMs =
      ((campaignShare / (1 - campaignShare)) * this.genuineRatePerMs) / MEAN_CAMPAIGN_EVENTS;

    this.genuineCategoryTables = buildGenuineCategoryTables({});
    this.fraudCategoryTables = {
      card_not_present: categoryWeightTable(FRAUD_CATEGORY_WEIGHTS.card_not_present),
      counterfeit: categoryWeightTable(FRAUD_CATEGORY_WEIGHTS.counterfeit),
      cash_out: categoryWeightTable(FRAUD_CATEGORY_WEIGHTS.cash_out),
    };
    this.drift = options.drift;

    this.nextGenuineMs = startMs + this.genuineGapMs(startMs);
    this.nextCampaignStartMs = startMs + this.campaignStartGapMs(startMs);
  }

  next(): CardTransaction {
    if (this.drift !== undefined && this.emitted === this.drift.afterEvents) {
      this.applyShifts(this.drift.shifts);
    }
    const campaign = this.campaigns[0];
    const campaignAt = campaign === undefined ? Infinity : campaign.nextEventMs;
    let event: CardTransaction;
    if (
      campaign !== undefined &&
      campaignAt <= this.nextGenuineMs &&
      campaignAt <= this.nextCampaignStartMs
    ) {
      event = this.fraudEvent(campaign, campaignAt);
      this.advanceCampaign(campaign, campaignAt);
    } else if (this.nextCampaignStartMs <= this.nextGenuineMs) {
      const startAt = this.nextCampaignStartMs;
      const started = this.startCampaign(startAt);
      event = this.fraudEvent(started, startAt);
      started.remainingEvents--;
      if (started.remainingEvents > 0) {
        started.nextEventMs = startAt + this.random.exponential(1 / started.gapMeanMs);
        this.pushCampaign(started);
      }
      this.nextCampaignStartMs = startAt + this.campaignStartGapMs(startAt);
    } else {
      const at = this.nextGenuineMs;
      event = this.genuineEvent(at);
      this.nextGenuineMs = at + this.genuineGapMs(at);
    }
    this.emitted++;
    return event;
  }

  nextBatch(count: number): CardTransaction[] {
    const batch = new Array<CardTransaction>(count);
    for (let i = 0; i < count; i++) batch[i] = this.next();
    return batch;
  }

  private genuineGapMs(atMs: number): number {
    return this.random.exponential(
      this.genuineRatePerMs * (GENUINE_RATE_BY_HOUR[hourOf(atMs)] ?? 1),
    );
  }

  private campaignStartGapMs(atMs: number): number {
    const rate = this.campaignStartRatePerMs * (CAMPAIGN_RATE_BY_HOUR[hourOf(atMs)] ?? 1);
    return rate > 0 ? this.random.exponential(rate) : Infinity;
  }

  private genuineEvent(atMs: number): CardTransaction {
    const random = this.random;
    const card = this.pickActiveCard();
    const purchase = this.purchase;
    let channel: Channel;
    if (this.genuineChannelTable !== undefined) {
      channel = CHANNELS[random.pick(this.genuineChannelTable)] ?? 'pos';
    } else if (random.float() < (this.cardEcomShare[card] ?? 0)) {
      channel = random.float() < MOTO_SHARE_OF_CARD_NOT_PRESENT ? 'moto' : 'ecom';
    } else {
      channel = random.float() < ATM_SHARE_OF_CARD_PRESENT ? 'atm' : 'pos';
    }
    purchase.channel = channel;
    purchase.cardPresent =
      channel === 'atm' || (channel === 'pos' && random.float() >= KEYED_POS_SHARE);
    const categoryIndex = random.pick(this.genuineCategoryTables[channel]);
    purchase.category = MERCHANT_CATEGORIES[categoryIndex] ?? 'retail';
    purchase.country = this.genuineCountry(channel);
    purchase.amountCents = this.genuineAmountCents(card, categoryIndex, channel);
    const isFraud = random.float() < this.firstPartyFraudProbability;
    return this.emit(card, atMs, isFraud);
  }

  private genuineCountry(channel: Channel): string {
    const random = this.random;
    if (random.float() < DOMESTIC_SHARE_BY_CHANNEL[channel]) return 'DE';
    return channel === 'ecom'
      ? (GENUINE_ECOM_FOREIGN_COUNTRIES[random.pick(GENUINE_ECOM_FOREIGN_WEIGHTS)] ?? 'US')
      : (GENUINE_FOREIGN_COUNTRIES[random.pick(GENUINE_FOREIGN_WEIGHTS)] ?? 'FR');
  }

  private genuineAmountCents(card: number, categoryIndex: number, channel: Channel): number {
    const random = this.random;
    if (channel === 'atm') {
      return (GENUINE_CASH_AMOUNTS[random.pick(GENUINE_CASH_WEIGHTS)] ?? 100) * 100;
    }
    let amount =
      (MEDIAN_AMOUNT_BY_CATEGORY[categoryIndex] ?? 40) *
      (this.cardAmountScale[card] ?? 1) *
      random.lognormal(0, GENUINE_AMOUNT_SIGMA);
    if (random.float() < GENUINE_TAIL_SHARE) amount *= random.pareto(1, GENUINE_TAIL_SHAPE);
    return Math.max(50, Math.round(Math.min(amount, GENUINE_AMOUNT_CAP) * 100));
  }

  private startCampaign(atMs: number): FraudCampaign {
    const random = this.random;
    const kind = CAMPAIGN_KINDS[random.pick(CAMPAIGN_KIND_WEIGHTS)] ?? 'card_not_present';
    const quiet = random.float() < QUIET_CAMPAIGN_SHARE;
    const extraMean = quiet ? QUIET_EXTRA_EVENTS_MEAN : LOUD_EXTRA_EVENTS_MEAN;
    return {
      // Fraudsters buy card numbers in bulk: any card of the pool, whatever its activity.
      cardIndex: random.int(this.cardCount),
      kind,
      quiet,
      country: quiet ? 'DE' : (FRAUD_COUNTRIES[random.pick(FRAUD_COUNTRY_WEIGHTS)] ?? 'GB'),
      remainingEvents: 1 + geometric(random, extraMean),
      gapMeanMs: quiet ? QUIET_GAP_MEAN_MS : LOUD_GAP_MEAN_MS,
      nextEventMs: atMs,
      emittedEvents: 0,
    };
  }

  private fraudEvent(campaign: FraudCampaign, atMs: number): CardTransaction {
    const random = this.random;
    const purchase = this.purchase;
    const card = campaign.cardIndex;
    const first = campaign.emittedEvents === 0;
    campaign.emittedEvents++;
    switch (campaign.kind) {
      case 'card_not_present':
        purchase.channel = random.float() < 0.1 ? 'moto' : 'ecom';
        purchase.cardPresent = false;
        break;
      case 'counterfeit':
        purchase.channel = 'pos';
        purchase.cardPresent = true;
        break;
      case 'cash_out':
        purchase.channel = 'atm';
        purchase.cardPresent = true;
        break;
    }
    purchase.country = campaign.country;
    if (campaign.quiet) {
      // Quiet fraud copies the cardholder's own habits; only its timing gives it away.
      const categoryIndex = random.pick(this.genuineCategoryTables[purchase.channel]);
      purchase.category = MERCHANT_CATEGORIES[categoryIndex] ?? 'retail';
      purchase.amountCents = this.genuineAmountCents(card, categoryIndex, purchase.channel);
    } else if (
      first &&
      campaign.kind === 'card_not_present' &&
      random.float() < CARD_TESTING_SHARE
    ) {
      // Card testing: a tiny digital purchase to check the stolen number works.
      purchase.category = 'digital_goods';
      purchase.amountCents = 50 + random.int(250);
    } else if (campaign.kind === 'cash_out') {
      purchase.category = 'cash';
      purchase.amountCents = (FRAUD_CASH_AMOUNTS[random.pick(FRAUD_CASH_WEIGHTS)] ?? 500) * 100;
    } else {
      const categoryIndex = random.pick(this.fraudCategoryTables[campaign.kind]);
      purchase.category = MERCHANT_CATEGORIES[categoryIndex] ?? 'electronics';
      const amount =
        (MEDIAN_AMOUNT_BY_CATEGORY[categoryIndex] ?? 40) *
        FRAUD_AMOUNT_MULTIPLIER *
        random.lognormal(0, FRAUD_AMOUNT_SIGMA);
      purchase.amountCents = Math.max(50, Math.round(Math.min(amount, FRAUD_AMOUNT_CAP) * 100));
    }
    return this.emit(card, atMs, true);
  }

  private advanceCampaign(campaign: FraudCampaign, atMs: number): void {
    campaign.remainingEvents--;
    if (campaign.remainingEvents > 0) {
      campaign.nextEventMs = atMs + this.random.exponential(1 / campaign.gapMeanMs);
      siftDown(this.campaigns, 0);
    } else {
      const last = this.campaigns.pop();
      if (last !== undefined && this.campaigns.length > 0) {
        this.campaigns[0] = last;
        siftDown(this.campaigns, 0);
      }
    }
  }

  private pushCampaign(campaign: FraudCampaign): void {
    const heap = this.campaigns;
    heap.push(campaign);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const above = heap[parent];
      if (above === undefined || above.nextEventMs <= campaign.nextEventMs) break;
      heap[child] = above;
      child = parent;
    }
    heap[child] = campaign;
  }

  /** Applies drift-only changes to the drawn purchase, computes velocity, and builds the event. */
  private emit(card: number, atMs: number, isFraud: boolean): CardTransaction {
    const random = this.random;
    const purchase = this.purchase;
    let amountCents = purchase.amountCents;
    if (this.amountMultiplier !== 1) {
      amountCents = Math.max(1, Math.round(amountCents * this.amountMultiplier));
    }
    let category = purchase.category;
    if (this.unseenCategories !== undefined && random.float() < this.unseenCategories.share) {
      const values = this.unseenCategories.values;
      category = values[random.int(values.length)] ?? category;
    }
    let country = purchase.country;
    if (this.unseenCountries !== undefined && random.float() < this.unseenCountries.share) {
      const values = this.unseenCountries.values;
      country = values[random.int(values.length)] ?? country;
    }

    const timeMs = Math.floor(atMs);
    // Walk the card's ring from newest to oldest; entries are in time order, so stop at the
    // first one outside the 24 h window.
    const base = card * VELOCITY_SLOTS_PER_CARD;
    const length = this.historyLength[card] ?? 0;
    const head = this.historyHead[card] ?? 0;
    let countLastHour = 0;
    let sumLastDayCents = 0;
    for (let back = 1; back <= length; back++) {
      const slot = base + ((head - back + VELOCITY_SLOTS_PER_CARD) % VELOCITY_SLOTS_PER_CARD);
      const ageMs = timeMs - (this.historyTimeMs[slot] ?? 0);
      if (ageMs >= MS_PER_DAY) break;
      sumLastDayCents += this.historyAmountCents[slot] ?? 0;
      if (ageMs < MS_PER_HOUR) countLastHour++;
    }
    this.historyTimeMs[base + head] = timeMs;
    this.historyAmountCents[base + head] = amountCents;
    this.historyHead[card] = (head + 1) % VELOCITY_SLOTS_PER_CARD;
    if (length < VELOCITY_SLOTS_PER_CARD) this.historyLength[card] = length + 1;

    return {
      transaction_id: randomUuid(random),
      card_id: this.cardId(card),
      timestamp: this.isoTimestamp(timeMs),
      amount: amountCents / 100,
      currency: 'EUR',
      merchant: {
        id: merchantId(country, category, Math.floor(MERCHANTS_PER_CATEGORY * random.float() ** 3)),
        category,
        country,
      },
      channel: purchase.channel,
      card_present: purchase.cardPresent,
      hour_of_day: hourOf(timeMs),
      velocity: { txn_count_1h: countLastHour, amount_sum_24h: sumLastDayCents / 100 },
      label: { is_fraud: isFraud },
    };
  }

  /** Walker/Vose alias method: a card weighted by activity in O(1) with two draws. */
  private pickActiveCard(): number {
    const column = this.random.int(this.cardCount);
    return this.random.float() < (this.cardAliasProbability[column] ?? 1)
      ? column
      : (this.cardAlias[column] ?? column);
  }

  /**
   * `Date.prototype.toISOString` was a third of the cost of an event; consecutive events
   * mostly share their minute, so format the minute once and append seconds and millis.
   */
  private isoTimestamp(timeMs: number): string {
    const minuteMs = timeMs - (timeMs % 60_000);
    if (minuteMs !== this.isoMinuteMs) {
      this.isoMinuteMs = minuteMs;
      this.isoMinutePrefix = new Date(minuteMs).toISOString().slice(0, 17);
    }
    const millis = timeMs - minuteMs;
    const seconds = Math.floor(millis / 1000);
    const fraction = millis - seconds * 1000;
    return (
      this.isoMinutePrefix +
      (seconds < 10 ? '0' : '') +
      seconds +
      (fraction < 10 ? '.00' : fraction < 100 ? '.0' : '.') +
      fraction +
      'Z'
    );
  }

  private cardId(card: number): string {
    let id = this.cardIds[card];
    if (id === undefined) {
      id = `c_${String(card).padStart(6, '0')}`;
      this.cardIds[card] = id;
    }
    return id;
  }

  private applyShifts(shifts: TransactionShifts): void {
    this.amountMultiplier =
      (shifts.amountScale ?? 1) * Math.exp((shifts.amountShiftSd ?? 0) * REFERENCE_LOG_AMOUNT_SD);
    if (shifts.channelMix !== undefined) {
      const mix = shifts.channelMix;
      this.genuineChannelTable = cumulativeWeights(CHANNELS.map((channel) => mix[channel] ?? 0));
    }
    if (shifts.categoryWeights !== undefined) {
      this.genuineCategoryTables = buildGenuineCategoryTables(shifts.categoryWeights);
    }
    this.unseenCategories = shifts.unseenCategories;
    this.unseenCountries = shifts.unseenCountries;
    if (shifts.fraudRateScale !== undefined) this.campaignStartRatePerMs *= shifts.fraudRateScale;
  }
}

function validateDrift(drift: TransactionDrift): void {
  const problems: string[] = [];
  if (!Number.isInteger(drift.afterEvents) || drift.afterEvents < 0) {
    problems.push(`afterEvents must be an integer >= 0, got ${drift.afterEvents}`);
  }
  const shifts = drift.shifts;
  const positive = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(value > 0 && Number.isFinite(value))) {
      problems.push(`${name} must be a finite number > 0, got ${value}`);
    }
  };
  positive('shifts.amountScale', shifts.amountScale);
  positive('shifts.fraudRateScale', shifts.fraudRateScale);
  if (shifts.amountShiftSd !== undefined && !Number.isFinite(shifts.amountShiftSd)) {
    problems.push(`shifts.amountShiftSd must be finite, got ${shifts.amountShiftSd}`);
  }
  for (const [name, unseen] of [
    ['unseenCategories', shifts.unseenCategories],
    ['unseenCountries', shifts.unseenCountries],
  ] as const) {
    if (unseen === undefined) continue;
    if (!(unseen.share >= 0 && unseen.share <= 1)) {
      problems.push(`shifts.${name}.share must be in [0, 1], got ${unseen.share}`);
    }
    if (unseen.values.length === 0) problems.push(`shifts.${name}.values must not be empty`);
  }
  try {
    if (shifts.channelMix !== undefined) {
      const mix = shifts.channelMix;
      cumulativeWeights(CHANNELS.map((channel) => mix[channel] ?? 0));
    }
    if (shifts.categoryWeights !== undefined) buildGenuineCategoryTables(shifts.categoryWeights);
  } catch (error) {
    problems.push(`shifts: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw new RangeError(`invalid drift: ${problems.join('; ')}`);
}

function buildGenuineCategoryTables(
  multipliers: Partial<Record<MerchantCategory, number>>,
): Record<Channel, Float64Array> {
  const table = (channel: Channel): Float64Array => {
    const weights = GENUINE_CATEGORY_WEIGHTS[channel];
    const shifted: Partial<Record<MerchantCategory, number>> = {};
    for (const category of MERCHANT_CATEGORIES) {
      const weight = weights[category];
      if (weight !== undefined) shifted[category] = weight * (multipliers[category] ?? 1);
    }
    try {
      return categoryWeightTable(shifted);
    } catch {
      // A multiplier of 0 on every category of a channel (e.g. cash for ATMs) would leave the
      // channel nothing to draw; keep its reference mix rather than fail mid-stream.
      return categoryWeightTable(weights);
    }
  };
  return { pos: table('pos'), ecom: table('ecom'), atm: table('atm'), moto: table('moto') };
}

function categoryWeightTable(weights: Partial<Record<MerchantCategory, number>>): Float64Array {
  return cumulativeWeights(MERCHANT_CATEGORIES.map((category) => weights[category] ?? 0));
}

function categoryTable(values: Record<MerchantCategory, number>): Float64Array {
  return Float64Array.from(MERCHANT_CATEGORIES, (category) => values[category]);
}

function buildAliasTable(weights: Float64Array): [Float64Array, Int32Array] {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i] ?? 0;
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = Float64Array.from(weights, (weight) => (weight * n) / total);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) ((scaled[i] ?? 0) < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const less = small.pop() as number;
    const more = large.pop() as number;
    probability[less] = scaled[less] ?? 0;
    alias[less] = more;
    const remaining = (scaled[more] ?? 0) + (scaled[less] ?? 0) - 1;
    scaled[more] = remaining;
    (remaining < 1 ? small : large).push(more);
  }
  // Whatever is left is 1 up to rounding error.
  for (const i of large) probability[i] = 1;
  for (const i of small) probability[i] = 1;
  return [probability, alias];
}

function siftDown(heap: FraudCampaign[], start: number): void {
  const item = heap[start];
  if (item === undefined) return;
  let index = start;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const leftItem = heap[left] as FraudCampaign;
    const rightItem = heap[right];
    const smaller =
      rightItem !== undefined && rightItem.nextEventMs < leftItem.nextEventMs ? right : left;
    const smallerItem = heap[smaller] as FraudCampaign;
    if (smallerItem.nextEventMs >= item.nextEventMs) break;
    heap[index] = smallerItem;
    index = smaller;
  }
  heap[index] = item;
}

/** Number of failures before the first success: geometric with the given mean. */
function geometric(random: SeededRandom, mean: number): number {
  return Math.floor(Math.log(1 - random.float()) / Math.log(mean / (1 + mean)));
}

function hourOf(timeMs: number): number {
  return Math.floor(timeMs / MS_PER_HOUR) % 24;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

function normaliseToMeanOne(values: number[]): Float64Array {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Float64Array.from(values, (value) => value / mean);
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hex32(value: number): string {
  return (
    (HEX_BYTES[value >>> 24] as string) +
    HEX_BYTES[(value >>> 16) & 0xff] +
    HEX_BYTES[(value >>> 8) & 0xff] +
    HEX_BYTES[value & 0xff]
  );
}

/** A version-4-shaped UUID from the seeded source (crypto.randomUUID would break determinism). */
function randomUuid(random: SeededRandom): string {
  const a = hex32(random.uint32());
  const b = hex32(((random.uint32() & 0xffff0fff) | 0x00004000) >>> 0);
  const c = hex32(((random.uint32() & 0x3fffffff) | 0x80000000) >>> 0);
  const d = hex32(random.uint32());
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

function merchantId(country: string, category: string, index: number): string {
  return `m_${country}_${category}_${String(index).padStart(4, '0')}`;
}
