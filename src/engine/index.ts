export {
  createDriftService,
  type DriftService,
  type DriftServiceOptions,
} from './drift-service.js';
export {
  createScoringPipeline,
  type ScoringPipeline,
  type ScoringPipelineOptions,
} from './scoring-pipeline.js';
export {
  createScoringService,
  type ScoringService,
  type ScoringServiceOptions,
  type ServicePart,
} from './scoring-service.js';
export { resolveTopologyModel } from './topology-model.js';
export {
  topologyTopics,
  type TopicRole,
  type TopicSizing,
  type TopologyTopic,
} from './topology-topics.js';
