export {
  createOffsetWatermark,
  type OffsetWatermark,
  type TopicPartitionOffset,
} from './offset-watermark.js';
export {
  createScoringPipeline,
  type ScoringPipeline,
  type ScoringPipelineOptions,
} from './scoring-pipeline.js';
export {
  createScoringService,
  type ScoringService,
  type ScoringServiceOptions,
} from './scoring-service.js';
