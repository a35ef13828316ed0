export {
  createFeatureExtractor,
  type FeatureError,
  type FeatureErrorCode,
  type FeatureExtractor,
} from './feature-extractor.js';
export { parseFieldPath, readFieldPath, type FieldPath } from './field-path.js';
