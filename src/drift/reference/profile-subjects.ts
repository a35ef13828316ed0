/**
 * What drift watches: one subject per topology feature, read as the *raw* value at the
 * feature's path (before defaults and transforms, so that a null stays a null and a clipped
 * outlier stays an outlier), plus the model's outputs.
 *
 * - `number` features: the number. `timestamp` features: the derived number (hour of day…).
 * - `boolean` features: the category "true" / "false".
 * - `category` features: the value as text (`String(raw)`, as the feature extractor keys it).
 * - `__score__`: the model's score column (e.g. probabilities[:, 1]) as a number.
 * - `__label__`: the model's integer class output, if the topology emits one, as a number; with
 *   few distinct values it is profiled as a category ("0", "1").
 *
 * Absent or null → `null`; NaN or a value of the wrong type (text where a number belongs, an
 * object where a category belongs, an unparsable timestamp) → `NaN`; ±Infinity stays itself.
 */
import { parseFieldPath, readFieldPath, type FieldPath } from '../../features/index.js';
import type { FeatureSpec } from '../../topology/index.js';
import type { RawValue, SubjectSource } from '../statistics/index.js';

export const SCORE_SUBJECT = '__score__';
export const LABEL_SUBJECT = '__label__';

export interface ProfileSubject {
  readonly name: string;
  readonly source: SubjectSource;
  /** Where values come from: the feature's path, or the model output (`probabilities[:, 1]`). */
  readonly origin: string;
  /** Numbers (may still be binned as categories when they take ≤ 20 values) or category text. */
  readonly valueType: 'number' | 'category';
}

export function featureSubjects(features: readonly FeatureSpec[]): ProfileSubject[] {
  return features.map((feature) => ({
    name: feature.name,
    source: 'feature',
    origin: feature.type === 'timestamp' ? `${feature.path} (${feature.derive})` : feature.path,
    valueType: feature.type === 'number' || feature.type === 'timestamp' ? 'number' : 'category',
  }));
}

export function scoreSubject(output: string, column: number): ProfileSubject {
  return {
    name: SCORE_SUBJECT,
    source: 'score',
    origin: `${output}[:, ${column}]`,
    valueType: 'number',
  };
}

export function labelSubject(output: string): ProfileSubject {
  return { name: LABEL_SUBJECT, source: 'label', origin: output, valueType: 'number' };
}

/** Writes the raw value of every feature of `event` into `out[offset…]`, in feature order. */
export type RawFeatureReader = (event: unknown, out: RawValue[], offset: number) => void;

export function createRawFeatureReader(features: readonly FeatureSpec[]): RawFeatureReader {
  const readers = features.map(compileRawReader);
  const count = readers.length;
  return (event, out, offset) => {
    for (let i = 0; i < count; i++)
      out[offset + i] = (readers[i] as (event: unknown) => RawValue)(event);
  };
}

/**
 * Reads model outputs (score, label) back from scored events, by the fields the topology writes
 * them to (`fraud.probability`), as numbers under the same rule as `number` features. Live drift
 * reads them this way; the profile got the same values straight from the model.
 */
export function createScoredOutputReader(fields: readonly string[]): RawFeatureReader {
  const paths = fields.map(parseFieldPath);
  const count = paths.length;
  return (event, out, offset) => {
    for (let i = 0; i < count; i++) {
      out[offset + i] = rawNumber(readFieldPath(event, paths[i] as FieldPath));
    }
  };
}

function rawNumber(raw: unknown): RawValue {
  if (raw === undefined || raw === null) return null;
  return typeof raw === 'number' ? raw : Number.NaN;
}

function compileRawReader(feature: FeatureSpec): (event: unknown) => RawValue {
  const path = parseFieldPath(feature.path);
  switch (feature.type) {
    case 'number':
      return (event) => rawNumber(readFieldPath(event, path));
    case 'timestamp': {
      const derive = timestampDerivation(feature.derive);
      return (event) => {
        const raw = readFieldPath(event, path);
        if (raw === undefined || raw === null) return null;
        const millis =
          typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
        return Number.isFinite(millis) ? derive(millis) : Number.NaN;
      };
    }
    case 'boolean':
      return (event) => {
        const raw = readFieldPath(event, path);
        if (raw === undefined || raw === null) return null;
        return raw === true ? 'true' : raw === false ? 'false' : Number.NaN;
      };
    case 'category':
      return (event) => {
        const raw = readFieldPath(event, path);
        if (raw === undefined || raw === null) return null;
        return typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
          ? String(raw)
          : Number.NaN;
      };
  }
}

/** The same derivations as the feature extractor's (UTC), from epoch milliseconds. */
function timestampDerivation(
  derive: Extract<FeatureSpec, { type: 'timestamp' }>['derive'],
): (millis: number) => number {
  switch (derive) {
    case 'hourOfDay':
      return (millis) => new Date(millis).getUTCHours();
    case 'dayOfWeek':
      return (millis) => new Date(millis).getUTCDay();
    case 'dayOfMonth':
      return (millis) => new Date(millis).getUTCDate();
    case 'month':
      return (millis) => new Date(millis).getUTCMonth() + 1;
    case 'epochSeconds':
      return (millis) => millis / 1000;
  }
}
