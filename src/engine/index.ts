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
export { intraOpThreadsPerPipeline } from './scoring-runner.js';
export { createService, type Service, type ServiceOptions, type ServicePart } from './service.js';
export { resolveTopologyModel } from './topology-model.js';
export {
  topologyTopics,
  type TopicRole,
  type TopicSizing,
  type TopologyTopic,
} from './topology-topics.js';
