/**
 * Models on disk: the registry directory (`<name>/<version>/model.onnx` beside its model.json),
 * the manifest that says what a version takes and gives, and the legacy manifests it still
 * reads. Nothing here loads ONNX Runtime; running a model is inference/.
 */
export {
  type LoadedModelManifest,
  type ModelManifest,
  type ModelOutputSpec,
  loadModelManifest,
  MANIFEST_FILE,
  manifestReferenceMarkdown,
  manifestText,
  modelManifestSchema,
  parseModelManifest,
  sha256OfFile,
  verifyModelChecksum,
} from './model-manifest.js';
export { locateModel, modelVersions, resolveModel, type ResolvedModel } from './model-registry.js';
