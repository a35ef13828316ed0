/**
 * The feature spec: how an event becomes the float32 row a model takes. One schema, written the
 * same way in a topology (`features:`) and in a model's manifest (`model.json` `features`), so
 * that the two can be compared field by field: a topology that builds other features than the
 * model was trained on is refused, never scored.
 */
import { z } from 'zod';
import {
  duplicateIssues,
  formatDocumentPath,
  nonEmpty,
  text,
  type DocumentIssue,
} from '../schema/index.js';

const transform = z.discriminatedUnion('op', [
  z
    .strictObject({ op: z.literal('log1p') })
    .describe('ln(1 + x); x must be > -1 (anything else counts as invalid).'),
  z
    .strictObject({
      op: z.literal('clip'),
      min: z.number().optional().describe('Lower bound; omit for none.'),
      max: z.number().optional().describe('Upper bound; omit for none.'),
    })
    .describe('Limit x to [min, max].'),
  z
    .strictObject({
      op: z.literal('standardize'),
      mean: z.number().describe('Mean subtracted from x.'),
      std: z.number().gt(0).describe('Standard deviation x is divided by.'),
    })
    .describe('(x − mean) / std.'),
]);

const transforms = z
  .array(transform)
  .default([])
  .describe('Numeric transforms applied in order after extraction.');

const jsonPath = text(
  nonEmpty().regex(
    /^(\$\.)?[^.[\]]+(\[\d+\])*(\.[^.[\]]+(\[\d+\])*)*$/,
    'a field path such as merchant.country or items[0].price',
  ),
).describe(
  'Where the value sits in the event: a dotted path such as `merchant.country` or `items[0].price`.',
);

const featureCommon = {
  name: text(nonEmpty().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier')).describe(
    'Feature name; one-hot columns are named `name=value`.',
  ),
  path: jsonPath,
};

const numberFeature = z
  .strictObject({
    ...featureCommon,
    type: z.literal('number'),
    transforms,
    default: z
      .number()
      .optional()
      .describe(
        'Value used when the field is missing, null or not finite. Omit to send such events to the dead-letter topic.',
      ),
  })
  .describe('A numeric field.');

const booleanFeature = z
  .strictObject({
    ...featureCommon,
    type: z.literal('boolean'),
    default: z
      .boolean()
      .optional()
      .describe('Value used when the field is missing. Omit to dead-letter such events.'),
  })
  .describe('A true/false field, encoded as 1/0.');

const categoryFeature = z
  .strictObject({
    ...featureCommon,
    type: z.literal('category'),
    vocabulary: z
      .array(text(nonEmpty()))
      .min(1)
      .describe('Known values, in the order the model expects their columns or indices.'),
    encoding: z
      .enum(['one-hot', 'index'])
      .default('one-hot')
      .describe(
        '`one-hot`: one column per vocabulary value. `index`: one column holding the value’s position.',
      ),
    unknown: z
      .enum(['ignore', 'dead-letter'])
      .default('ignore')
      .describe(
        'A value outside the vocabulary: `ignore` encodes it as all zeros (one-hot) or -1 (index); `dead-letter` rejects the event.',
      ),
    default: text(nonEmpty().optional()).describe(
      'Value used when the field is missing. Omit to dead-letter such events.',
    ),
  })
  .describe('A categorical field with a fixed vocabulary.');

const timestampFeature = z
  .strictObject({
    ...featureCommon,
    type: z.literal('timestamp'),
    derive: z
      .enum(['hourOfDay', 'dayOfWeek', 'dayOfMonth', 'month', 'epochSeconds'])
      .describe(
        'What to take from the timestamp (UTC; ISO-8601 text or epoch milliseconds). `dayOfWeek`: 0 = Sunday.',
      ),
    transforms,
    default: z
      .number()
      .optional()
      .describe(
        'Value used when the field is missing. Omit to dead-letter such events; unparsable timestamps are always dead-lettered.',
      ),
  })
  .describe('A number derived from a timestamp field.');

export const featureSpecSchema = z.discriminatedUnion('type', [
  numberFeature,
  booleanFeature,
  categoryFeature,
  timestampFeature,
]);

export const featureSpecsSchema = z.array(featureSpecSchema).min(1);

export type FeatureSpec = z.output<typeof featureSpecSchema>;
export type FeatureTransform = z.output<typeof transform>;

/** Column names in model order; one-hot features fill one column per value, `name=value`. */
export function featureColumnNames(features: readonly FeatureSpec[]): string[] {
  return features.flatMap((feature) =>
    feature.type === 'category' && feature.encoding === 'one-hot'
      ? feature.vocabulary.map((value) => `${feature.name}=${value}`)
      : [feature.name],
  );
}

/** A rule a feature spec breaks, at its path in the document (`features[2].vocabulary[1]`). */
export type FeatureSpecIssue = DocumentIssue;

/**
 * Rules across fields the schema checks alone: unique names and values, sane clips. `at` is
 * where the spec sits in its document (`['features']`).
 */
export function featureSpecIssues(
  features: readonly FeatureSpec[],
  at: readonly PropertyKey[],
): FeatureSpecIssue[] {
  const issues: FeatureSpecIssue[] = duplicateIssues(
    features.map((feature) => feature.name),
    (index) => [...at, index, 'name'],
    'feature name',
  );
  features.forEach((feature, index) => {
    if (feature.type === 'category') {
      issues.push(
        ...duplicateIssues(
          feature.vocabulary,
          (entry) => [...at, index, 'vocabulary', entry],
          'vocabulary value',
        ),
      );
    }
    if (feature.type !== 'number' && feature.type !== 'timestamp') return;
    feature.transforms.forEach((transform, step) => {
      if (transform.op !== 'clip') return;
      const clipAt = [...at, index, 'transforms', step];
      if (transform.min === undefined && transform.max === undefined) {
        issues.push({ at: clipAt, message: 'clip needs min, max or both' });
      } else if (
        transform.min !== undefined &&
        transform.max !== undefined &&
        transform.min > transform.max
      ) {
        issues.push({
          at: [...clipAt, 'min'],
          message: `clip min ${transform.min} is above max ${transform.max}`,
        });
      }
    });
  });
  return issues;
}

/** Where two feature specs first differ: the path, and the value on each side there. */
export interface FeatureSpecDifference {
  /** `features[0].transforms`, `features[3].vocabulary[2]`, or `features` for a count. */
  readonly path: string;
  readonly left: string;
  readonly right: string;
}

/**
 * The first difference between two feature specs, comparing every field (name, path, type,
 * each transform and parameter, vocabulary, encoding, unknown-value rule, default), or
 * undefined when they are equal. Both are taken as the schema returns them, defaults filled in.
 */
export function firstFeatureSpecDifference(
  left: readonly FeatureSpec[],
  right: readonly FeatureSpec[],
): FeatureSpecDifference | undefined {
  return firstDifference(left, right, ['features']);
}

function firstDifference(
  left: unknown,
  right: unknown,
  at: readonly PropertyKey[],
): FeatureSpecDifference | undefined {
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let index = 0; index < Math.min(left.length, right.length); index++) {
      const found = firstDifference(left[index], right[index], [...at, index]);
      if (found !== undefined) return found;
    }
    if (left.length === right.length) return undefined;
    return { path: formatDocumentPath(at), left: shownList(left), right: shownList(right) };
  }
  if (isRecord(left) && isRecord(right)) {
    // The discriminators first: two features of different types differ in `type`, not in
    // whichever field one of them lacks.
    const keys = [...new Set(['name', 'type', 'op', ...Object.keys(left), ...Object.keys(right)])];
    for (const key of keys) {
      if (!(key in left) && !(key in right)) continue;
      const found = firstDifference(left[key], right[key], [...at, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.is(left, right)) return undefined;
  return { path: formatDocumentPath(at), left: shown(left), right: shown(right) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A list in full when it is short, else its length: a whole feature spec is too long to read. */
function shownList(list: readonly unknown[]): string {
  const json = JSON.stringify(list);
  return json.length <= 120 ? json : `${list.length} entries`;
}

function shown(value: unknown): string {
  return value === undefined ? '(not set)' : JSON.stringify(value);
}
