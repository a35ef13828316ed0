export {
  createDynamicBatcher,
  type Batch,
  type DynamicBatcher,
  type DynamicBatcherOptions,
} from './dynamic-batcher.js';
