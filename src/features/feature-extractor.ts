/**
 * Turns decoded events into float32 model rows, following the topology's feature spec. The spec
 * is compiled once into one closure per feature; extracting a row allocates nothing unless the
 * event is rejected.
 */
import { featureColumnNames, type FeatureSpec, type FeatureTransform } from './feature-spec.js';
import { parseFieldPath, readFieldPath, type FieldPath } from './field-path.js';

export type FeatureErrorCode =
  /** The field is absent or null and the feature has no default. */
  | 'FEATURE_MISSING'
  /** The field has the wrong type, or a value no transform can take (NaN, ±Infinity, log1p(-2)). */
  | 'FEATURE_INVALID'
  /** A category outside the vocabulary, for a feature declared `unknown: dead-letter`. */
  | 'FEATURE_UNKNOWN_CATEGORY';

/** Why one event could not become a row; it goes to the dead-letter topic with these fields. */
export interface FeatureError {
  readonly code: FeatureErrorCode;
  readonly feature: string;
  readonly path: string;
  readonly message: string;
}

export interface FeatureExtractor {
  /** Columns per row. */
  readonly width: number;
  /** Column names in order; one-hot columns are `feature=value`. */
  readonly columns: readonly string[];
  /** Writes the event's row into `rows` from index `offset`; returns why not, leaving the row partial. */
  extract(event: unknown, rows: Float32Array, offset: number): FeatureError | undefined;
}

/** Writes one feature's columns starting at `offset`. */
type ColumnWriter = (
  event: unknown,
  rows: Float32Array,
  offset: number,
) => FeatureError | undefined;

export function createFeatureExtractor(features: readonly FeatureSpec[]): FeatureExtractor {
  const writers: ColumnWriter[] = [];
  const offsets: number[] = [];
  let width = 0;
  for (const feature of features) {
    offsets.push(width);
    writers.push(compileFeature(feature));
    width += featureColumnNames([feature]).length;
  }
  const columns = featureColumnNames(features);
  const count = writers.length;
  return {
    width,
    columns,
    extract(event, rows, base) {
      for (let i = 0; i < count; i++) {
        const error = (writers[i] as ColumnWriter)(event, rows, base + (offsets[i] as number));
        if (error !== undefined) return error;
      }
      return undefined;
    },
  };
}

function compileFeature(feature: FeatureSpec): ColumnWriter {
  const path = parseFieldPath(feature.path);
  switch (feature.type) {
    case 'number':
      return numericWriter(feature, path, readNumber, feature.transforms, feature.default);
    case 'timestamp':
      return numericWriter(
        feature,
        path,
        timestampReader(feature.derive),
        feature.transforms,
        feature.default,
      );
    case 'boolean':
      return booleanWriter(feature, path);
    case 'category':
      return categoryWriter(feature, path);
  }
}

/** Reads a raw value: a number, `undefined` for missing, or `NaN` for a value of the wrong type. */
type NumberReader = (value: unknown) => number | undefined;

function readNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' ? value : Number.NaN;
}

function timestampReader(
  derive: Extract<FeatureSpec, { type: 'timestamp' }>['derive'],
): NumberReader {
  return (value) => {
    if (value === undefined || value === null) return undefined;
    const millis =
      typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
    if (!Number.isFinite(millis)) return Number.NaN;
    const date = new Date(millis);
    switch (derive) {
      case 'hourOfDay':
        return date.getUTCHours();
      case 'dayOfWeek':
        return date.getUTCDay();
      case 'dayOfMonth':
        return date.getUTCDate();
      case 'month':
        return date.getUTCMonth() + 1;
      case 'epochSeconds':
        return millis / 1000;
    }
  };
}

function numericWriter(
  feature: FeatureSpec,
  path: FieldPath,
  read: NumberReader,
  transforms: readonly FeatureTransform[],
  fallback: number | undefined,
): ColumnWriter {
  const transform = compileTransforms(transforms);
  return (event, rows, offset) => {
    const raw = readFieldPath(event, path);
    let value = read(raw);
    if (value === undefined) {
      if (fallback === undefined) return missing(feature);
      value = fallback;
    } else if (!Number.isFinite(value)) {
      // A default stands in for a non-finite number (JSON's 1e999 is Infinity), never for a
      // value of the wrong type: that is a broken producer, and the DLQ is where it shows.
      if (fallback === undefined || typeof raw !== 'number') {
        return invalid(feature, `expected a finite number, got ${describeRaw(raw)}`);
      }
      value = fallback;
    }
    const result = transform(value);
    if (!Number.isFinite(result)) {
      return invalid(feature, `transforms turn ${value} into ${result}`);
    }
    rows[offset] = result;
    return undefined;
  };
}

function compileTransforms(transforms: readonly FeatureTransform[]): (value: number) => number {
  const steps = transforms.map((transform): ((value: number) => number) => {
    switch (transform.op) {
      case 'log1p':
        return Math.log1p;
      case 'clip': {
        const min = transform.min ?? -Infinity;
        const max = transform.max ?? Infinity;
        return (value) => (value < min ? min : value > max ? max : value);
      }
      case 'standardize': {
        const { mean, std } = transform;
        return (value) => (value - mean) / std;
      }
    }
  });
  return (value) => {
    let result = value;
    for (let i = 0; i < steps.length; i++) result = (steps[i] as (value: number) => number)(result);
    return result;
  };
}

function booleanWriter(
  feature: Extract<FeatureSpec, { type: 'boolean' }>,
  path: FieldPath,
): ColumnWriter {
  const fallback = feature.default === undefined ? undefined : feature.default ? 1 : 0;
  return (event, rows, offset) => {
    const raw = readFieldPath(event, path);
    if (raw === true || raw === false) {
      rows[offset] = raw ? 1 : 0;
      return undefined;
    }
    if (raw !== undefined && raw !== null) {
      return invalid(feature, `expected true or false, got ${describeRaw(raw)}`);
    }
    if (fallback === undefined) return missing(feature);
    rows[offset] = fallback;
    return undefined;
  };
}

function categoryWriter(
  feature: Extract<FeatureSpec, { type: 'category' }>,
  path: FieldPath,
): ColumnWriter {
  const indexOf = new Map(feature.vocabulary.map((value, index) => [value, index]));
  const oneHot = feature.encoding === 'one-hot';
  const size = feature.vocabulary.length;
  const rejectUnknown = feature.unknown === 'dead-letter';
  return (event, rows, offset) => {
    let raw = readFieldPath(event, path);
    if (raw === undefined || raw === null) {
      if (feature.default === undefined) return missing(feature);
      raw = feature.default;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      return invalid(feature, `expected a category value, got ${describeRaw(raw)}`);
    }
    const index = indexOf.get(String(raw));
    if (index === undefined && rejectUnknown) {
      return {
        code: 'FEATURE_UNKNOWN_CATEGORY',
        feature: feature.name,
        path: feature.path,
        message: `value ${describeRaw(raw)} is not in the vocabulary of ${feature.name}`,
      };
    }
    if (oneHot) {
      rows.fill(0, offset, offset + size);
      if (index !== undefined) rows[offset + index] = 1;
    } else {
      rows[offset] = index ?? -1;
    }
    return undefined;
  };
}

function missing(feature: FeatureSpec): FeatureError {
  return {
    code: 'FEATURE_MISSING',
    feature: feature.name,
    path: feature.path,
    message: `field ${feature.path} is missing and feature ${feature.name} has no default`,
  };
}

function invalid(feature: FeatureSpec, detail: string): FeatureError {
  return {
    code: 'FEATURE_INVALID',
    feature: feature.name,
    path: feature.path,
    message: `feature ${feature.name} (${feature.path}): ${detail}`,
  };
}

function describeRaw(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}
