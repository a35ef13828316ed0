export {
  type CardTransaction,
  type Channel,
  type MerchantCategory,
  CHANNELS,
  ISSUER_COUNTRY,
  MERCHANT_CATEGORIES,
  MERCHANT_COUNTRIES,
} from './card-transaction.js';
export { type SeededRandom, createSeededRandom, cumulativeWeights } from './seeded-random.js';
export {
  type TransactionDrift,
  type TransactionDriftPresetName,
  type TransactionShifts,
  REFERENCE_LOG_AMOUNT_SD,
  TRANSACTION_DRIFT_PRESETS,
  TRANSACTION_DRIFT_PRESET_NAMES,
  isTransactionDriftPresetName,
} from './transaction-drift.js';
export {
  type TransactionGenerator,
  type TransactionGeneratorOptions,
  createTransactionGenerator,
} from './transaction-generator.js';
export {
  type WriteTransactionsOptions,
  writeTransactionsJsonl,
} from './write-transactions-jsonl.js';
export {
  createTransactionSampler,
  fraudHoldoutPopulation,
  type TransactionSampler,
} from './transaction-sampler.js';
export { registerGenerateCommand } from './generate-command.js';
