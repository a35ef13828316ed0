/**
 * Manifests written before the feature spec was shared with topologies described features in
 * their own vocabulary (`kind: categorical`, `one_hot`, `hour_of_day`, explicit `columns`).
 * They still load: each feature is translated to the topology vocabulary it means, and a
 * feature that vocabulary cannot express is refused by name rather than approximated.
 * `streamscore model migrate` writes the translation back to the file.
 */
import { z } from 'zod';
import { StreamscoreError } from '../errors.js';
import { featureColumnNames, type FeatureSpec } from '../features/index.js';
import { formatDocumentPath } from '../schema/index.js';

const legacyTransform = z.discriminatedUnion('op', [
  z.object({ op: z.literal('log1p') }),
  z.object({ op: z.literal('clip'), min: z.number(), max: z.number() }),
  z.object({ op: z.literal('standardize'), mean: z.number(), std: z.number() }),
  z.object({ op: z.literal('hour_of_day'), timezone: z.literal('UTC') }),
  z.object({
    op: z.literal('one_hot'),
    vocabulary: z.array(z.string()).min(1),
    unknown: z.literal('zeros'),
  }),
  z.object({ op: z.literal('index'), vocabulary: z.array(z.string()).min(1), unknown: z.number() }),
]);

const legacyFeature = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['number', 'boolean', 'timestamp', 'categorical']),
  default: z.union([z.number(), z.boolean(), z.string()]).nullable(),
  transforms: z.array(legacyTransform),
  columns: z.array(z.string()),
});

type LegacyFeature = z.infer<typeof legacyFeature>;
type LegacyTransform = LegacyFeature['transforms'][number];
type NumericTransform = Extract<LegacyTransform, { op: 'log1p' | 'clip' | 'standardize' }>;

/** A manifest whose features carry the legacy `kind` field. */
export function isLegacyManifest(json: unknown): boolean {
  const features = (json as { features?: unknown } | null)?.features;
  return (
    Array.isArray(features) &&
    features.some((feature) => typeof feature === 'object' && feature !== null && 'kind' in feature)
  );
}

/**
 * The manifest with its features in the topology vocabulary and the legacy-only field
 * `featureEncoding` (prose about the old vocabulary) dropped; every other field is kept for
 * the manifest schema to check.
 */
export function migrateLegacyManifest(json: unknown, source: string): unknown {
  const { features, featureEncoding: _prose, ...rest } = json as Record<string, unknown>;
  return {
    ...rest,
    features: (features as unknown[]).map((raw, index) => {
      const at = ['features', index];
      const parsed = legacyFeature.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw legacyError(source, [...at, ...(issue?.path ?? [])], issue?.message ?? 'invalid');
      }
      const feature = translate(parsed.data, source, at);
      const expected = featureColumnNames([feature]);
      if (JSON.stringify(expected) !== JSON.stringify(parsed.data.columns)) {
        throw legacyError(
          source,
          [...at, 'columns'],
          `columns ${JSON.stringify(parsed.data.columns)} are not the ones the feature fills, ${JSON.stringify(expected)}`,
        );
      }
      return feature;
    }),
  };
}

function translate(feature: LegacyFeature, source: string, at: PropertyKey[]): FeatureSpec {
  const common = { name: feature.name, path: feature.path };
  const ops = feature.transforms;
  const defaultOf = <T extends 'number' | 'boolean' | 'string'>(type: T) => {
    const fallback = feature.default;
    if (fallback === null) return {};
    if (typeof fallback !== type) {
      throw legacyError(
        source,
        [...at, 'default'],
        `expected a ${type} default, got ${JSON.stringify(fallback)}`,
      );
    }
    return {
      default: fallback as T extends 'number' ? number : T extends 'boolean' ? boolean : string,
    };
  };
  const onlyNumeric = (list: readonly LegacyTransform[], from: number): NumericTransform[] =>
    list.map((transform, step) => {
      if (transform.op === 'log1p' || transform.op === 'clip' || transform.op === 'standardize') {
        return transform;
      }
      throw legacyError(
        source,
        [...at, 'transforms', from + step],
        `${transform.op} cannot follow a ${feature.kind} value`,
      );
    });
  switch (feature.kind) {
    case 'number':
      return {
        ...common,
        type: 'number',
        transforms: onlyNumeric(ops, 0),
        ...defaultOf('number'),
      };
    case 'boolean':
      if (ops.length > 0) {
        throw legacyError(source, [...at, 'transforms'], 'a boolean feature takes no transforms');
      }
      return {
        ...common,
        type: 'boolean',
        ...defaultOf('boolean'),
      };
    case 'timestamp':
      if (ops[0]?.op !== 'hour_of_day') {
        throw legacyError(source, [...at, 'transforms', 0], 'expected hour_of_day first');
      }
      return {
        ...common,
        type: 'timestamp',
        derive: 'hourOfDay',
        transforms: onlyNumeric(ops.slice(1), 1),
        ...defaultOf('number'),
      };
    case 'categorical': {
      const [encoding] = ops;
      if (ops.length !== 1 || (encoding?.op !== 'one_hot' && encoding?.op !== 'index')) {
        throw legacyError(source, [...at, 'transforms'], 'expected exactly one_hot or index');
      }
      // The topology's `unknown: ignore` encodes an unknown index as -1: other values have no
      // equivalent, and scoring with a different one would be a silent wrong answer.
      if (encoding.op === 'index' && encoding.unknown !== -1) {
        throw legacyError(
          source,
          [...at, 'transforms', 0, 'unknown'],
          `unknown index ${encoding.unknown} has no equivalent (the feature spec encodes unknown values as -1)`,
        );
      }
      return {
        ...common,
        type: 'category',
        vocabulary: encoding.vocabulary,
        encoding: encoding.op === 'one_hot' ? 'one-hot' : 'index',
        unknown: 'ignore',
        ...defaultOf('string'),
      };
    }
  }
}

function legacyError(source: string, at: readonly PropertyKey[], message: string) {
  const path = formatDocumentPath(at);
  return new StreamscoreError(
    'MODEL_INVALID',
    `${source}: ${path}: ${message} (legacy manifest format; see docs/model-manifest.md)`,
    { context: { file: source, path } },
  );
}
