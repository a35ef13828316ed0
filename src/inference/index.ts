export {
  type LoadedModelManifest,
  type ModelManifest,
  type ModelOutputSpec,
  loadModelManifest,
  MANIFEST_FILE,
  manifestText,
  modelManifestSchema,
  parseModelManifest,
  sha256OfFile,
  verifyModelChecksum,
} from './model-manifest.js';
export { locateModel, modelVersions, resolveModel, type ResolvedModel } from './model-registry.js';
export {
  createModelSession,
  type ModelOutputs,
  type ModelOutputTensor,
  type ModelRun,
  type ModelSession,
  type ModelSessionOptions,
} from './model-session.js';
export { createWorkerSessionPool, type WorkerSessionPoolOptions } from './worker-session-pool.js';
