/**
 * The card-transaction event: what a card issuer's authorisation system publishes to Kafka
 * for every authorisation, and what the reference fraud model scores.
 *
 * Field names are snake_case because this is a wire format (JSON on a topic), not a
 * TypeScript API; nested objects (`merchant`, `velocity`, `label`) are there on purpose so
 * topologies have to address fields by path.
 */

/** How the card was used. `moto`: mail order / telephone order. */
export type Channel = 'pos' | 'ecom' | 'atm' | 'moto';

export const CHANNELS: readonly Channel[] = ['pos', 'ecom', 'atm', 'moto'];

export type MerchantCategory =
  | 'grocery'
  | 'restaurant'
  | 'fuel'
  | 'transport'
  | 'retail'
  | 'pharmacy'
  | 'electronics'
  | 'travel'
  | 'digital_goods'
  | 'jewelry'
  | 'gambling'
  | 'cash';

/**
 * Every category the reference generator emits (before drift), in a fixed order: the fraud
 * model's index encoding of `merchant.category` uses exactly this order.
 */
export const MERCHANT_CATEGORIES: readonly MerchantCategory[] = [
  'grocery',
  'restaurant',
  'fuel',
  'transport',
  'retail',
  'pharmacy',
  'electronics',
  'travel',
  'digital_goods',
  'jewelry',
  'gambling',
  'cash',
];

/** The issuer is German: `DE` is domestic, everything else is cross-border. */
export const ISSUER_COUNTRY = 'DE';

/**
 * Every merchant country the reference generator emits (before drift). ISO 3166-1 alpha-2.
 * The first five are the ones common enough to get their own one-hot column in the model.
 */
export const MERCHANT_COUNTRIES = [
  'DE',
  'FR',
  'NL',
  'GB',
  'US',
  'AT',
  'ES',
  'IT',
  'PL',
  'RO',
  'NG',
  'BR',
  'CN',
] as const;

export interface CardTransaction {
  /** A UUID-shaped id, unique within a generated stream. */
  transaction_id: string;
  /** `c_` and six digits: the card's index in the generator's card pool. */
  card_id: string;
  /** Authorisation time, ISO 8601 in UTC with milliseconds; strictly non-decreasing. */
  timestamp: string;
  /** In the cardholder's billing currency, rounded to cents. */
  amount: number;
  /** Billing currency; the issuer bills every card in EUR whatever the merchant's country. */
  currency: 'EUR';
  merchant: {
    id: string;
    /** A `MerchantCategory`, or an unseen value once drift injects new categories. */
    category: string;
    /** ISO 3166-1 alpha-2; may be a value outside `MERCHANT_COUNTRIES` under drift. */
    country: string;
  };
  channel: Channel;
  card_present: boolean;
  /** Hour of `timestamp` in UTC (0-23), precomputed by the producer. */
  hour_of_day: number;
  /**
   * Per-card aggregates over the card's earlier authorisations (this one excluded), as an
   * issuer's feature store would attach them.
   */
  velocity: {
    /** Earlier transactions of this card within the hour before `timestamp`. */
    txn_count_1h: number;
    /** Sum of the amounts of earlier transactions of this card within the 24 h before, in cents-rounded EUR. */
    amount_sum_24h: number;
  };
  /** Ground truth as learned later from chargebacks; a real stream would not carry it. */
  label: {
    is_fraud: boolean;
  };
}
