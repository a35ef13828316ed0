/**
 * Reference profiles: which subjects a topology's model is watched on (its features, scores and
 * label), the training data set read as columns (JSON Lines, scored by the model where the data
 * carries no scores), the bin edges and counts drawn from it, and the calibration of its
 * thresholds (docs/drift.md "Subjects", "Reference profile", "Calibration").
 */
export { binningForColumn } from './column-binning.js';
export {
  createDatasetColumnsBuilder,
  datasetColumnsFromEvents,
  histogramOfColumn,
  sliceDatasetColumns,
  type DatasetColumns,
  type DatasetColumnsBuilder,
} from './dataset-columns.js';
export {
  readJsonlDataset,
  type EventScorer,
  type JsonlDataset,
  type ReadJsonlDatasetOptions,
} from './jsonl-dataset.js';
export {
  createModelEventScorer,
  type ModelScoreOutputs,
  type ScoringSession,
} from './model-event-scorer.js';
export {
  CALIBRATED_STATISTICS,
  CALIBRATION_PERCENTILE,
  calibrateProfile,
  calibrationWarnings,
  DEFAULT_CALIBRATION_FIT_PERCENT,
  DEFAULT_CALIBRATION_WINDOW_EVENTS,
  type CalibratedPercentiles,
  type CalibrationOptions,
  type CalibrationWarning,
  type ProfileCalibration,
} from './profile-calibration.js';
export {
  createRawFeatureReader,
  createScoredOutputReader,
  featureSubjects,
  LABEL_SUBJECT,
  labelSubject,
  SCORE_SUBJECT,
  scoreSubject,
  type ProfileSubject,
  type RawFeatureReader,
} from './profile-subjects.js';
export {
  buildReferenceProfile,
  checkProfileMatches,
  formatReferenceProfile,
  parseReferenceProfile,
  referenceProfileToJson,
  REFERENCE_PROFILE_FORMAT,
  REFERENCE_PROFILE_VERSION,
  type BuildReferenceProfileOptions,
  type ProfileData,
  type ProfiledSubject,
  type ProfileModel,
  type ReferenceProfile,
} from './reference-profile.js';
