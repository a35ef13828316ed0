export {
  createFeatureExtractor,
  type FeatureError,
  type FeatureErrorCode,
  type FeatureExtractor,
} from './feature-extractor.js';
export { parseFieldPath, readFieldPath, type FieldPath } from './field-path.js';
export {
  featureColumnNames,
  featureSpecIssues,
  featureSpecSchema,
  featureSpecsSchema,
  firstFeatureSpecDifference,
  type FeatureSpec,
  type FeatureSpecDifference,
  type FeatureSpecIssue,
  type FeatureTransform,
} from './feature-spec.js';
