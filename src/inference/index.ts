export {
  type FeatureTransform,
  type LoadedModelManifest,
  type ModelFeature,
  type ModelManifest,
  loadModelManifest,
  modelManifestSchema,
  parseModelManifest,
  sha256OfFile,
  verifyModelChecksum,
} from './model-manifest.js';
export { checkFeatureColumns, resolveModel, type ResolvedModel } from './model-registry.js';
export {
  createModelSession,
  type ModelOutputs,
  type ModelOutputTensor,
  type ModelRun,
  type ModelSession,
  type ModelSessionOptions,
} from './model-session.js';
export { createWorkerSessionPool, type WorkerSessionPoolOptions } from './worker-session-pool.js';
