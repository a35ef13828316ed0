/**
 * Live windows: the drift consumer reads scored events from Kafka, bins them into per-window
 * counters and adds those to the window store (Redis) before it commits its offsets
 * (docs/drift.md "Windows", "Counting state").
 */
export {
  createDriftConsumer,
  driftGroupId,
  type DriftConsumer,
  type DriftConsumerOptions,
} from './drift-consumer.js';
export {
  createDriftWindowAccumulator,
  driftWindowKey,
  mergeCountUpdates,
  referenceBinningId,
  scoredEventSubjects,
  windowsStartingIn,
  type DriftWindowAccumulator,
  type DriftWindowAccumulatorOptions,
  type DriftWindowing,
  type LiveReferenceProfile,
} from './drift-window-accumulator.js';
export {
  addCounters,
  addHistogramCounters,
  createHistogramCounterLayout,
  histogramsFromCounters,
  UNSEEN_VALUE_MAX_LENGTH,
  type HistogramCounterLayout,
} from './histogram-counters.js';
