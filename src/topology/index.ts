export { loadTopology, parseTopology, type LoadTopologyOptions } from './load-topology.js';
export { compileTopology, type KafkaConnection, type Topology } from './compile-topology.js';
export {
  formatTopologyIssue,
  TopologyValidationError,
  type TopologyIssue,
} from './topology-errors.js';
export {
  topologySchema,
  type ExecutionProvider,
  type TopologyDocument,
} from './topology-schema.js';
export type { FeatureSpec, FeatureTransform } from '../features/index.js';
export { topologyJsonSchema } from './topology-json-schema.js';
export { replaceTopologyReference, topologyReferenceMarkdown } from './topology-reference.js';
export { Secret } from './secret.js';
export {
  topologyForThread,
  topologyFromThread,
  type TopologyForThread,
} from './topology-transfer.js';
export type { Environment } from './env-interpolation.js';
