import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { StreamscoreError } from '../errors.js';

/**
 * The manifest (`model.json`) that sits next to every model file in the registry
 * (`models/<name>/<version>/`). It says what the model is, how to verify the file, what goes
 * in and comes out, and exactly how its training pipeline built each input column, so that
 * a topology can rebuild the same float32 vector from an event at scoring time.
 */

const MANIFEST_FILE = 'model.json';

const tensorElementType = z.enum([
  'float32',
  'float64',
  'float16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
]);

/** A tensor dimension: a fixed size, or null where it is dynamic (the batch dimension). */
const dimension = z.number().int().positive().nullable();

const tensorSchema = z.object({
  name: z.string().min(1),
  elementType: tensorElementType,
  shape: z.array(dimension),
  description: z.string().optional(),
});

const transformSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('log1p').describe('ln(1 + x)') }),
  z.object({ op: z.literal('clip'), min: z.number(), max: z.number() }),
  z.object({
    op: z.literal('standardize').describe('(x - mean) / std'),
    mean: z.number(),
    std: z.number().positive(),
  }),
  z.object({
    op: z.literal('hour_of_day').describe('hour 0-23 of an ISO 8601 timestamp'),
    timezone: z.literal('UTC'),
  }),
  z.object({
    op: z.literal('one_hot').describe('one column per vocabulary entry; unknown values give zeros'),
    vocabulary: z.array(z.string()).min(1),
    unknown: z.literal('zeros'),
  }),
  z.object({
    op: z.literal('index').describe('position in the vocabulary; unknown values give `unknown`'),
    vocabulary: z.array(z.string()).min(1),
    unknown: z.number(),
  }),
]);

const featureSchema = z.object({
  name: z.string().min(1),
  /** Dot-separated path into the event, e.g. `merchant.category`. */
  path: z.string().min(1),
  kind: z.enum(['number', 'boolean', 'timestamp', 'categorical']),
  /** Raw value used when the field is absent or null; null means the field is required. */
  default: z.union([z.number(), z.boolean(), z.string()]).nullable(),
  transforms: z.array(transformSchema),
  /** Names of the input columns this feature fills, in order. */
  columns: z.array(z.string().min(1)).min(1),
});

export const modelManifestSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, _ and -'),
    version: z.number().int().positive(),
    description: z.string().optional(),
    /** The model file, relative to the manifest's directory. */
    file: z
      .string()
      .min(1)
      .refine((file) => basename(file) === file, 'a file name in the same directory'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'),
    input: z.object({
      name: z.string().min(1),
      elementType: z.literal('float32'),
      shape: z.tuple([z.null(), z.number().int().positive()]),
    }),
    outputs: z.array(tensorSchema).min(1),
    /** Where the score lives: `outputs[output][:, column]`. */
    score: z.object({
      output: z.string().min(1),
      column: z.number().int().nonnegative(),
      meaning: z.string().optional(),
    }),
    features: z.array(featureSchema).min(1),
    featureEncoding: z.string().optional(),
    /** How the model was trained: informational, kept as written. */
    training: z.looseObject({
      heldOutAuc: z.number().min(0).max(1).optional(),
      fraudRate: z.number().min(0).max(1).optional(),
      trainedAt: z.string().optional(),
    }),
  })
  .superRefine((manifest, context) => {
    const problem = (path: PropertyKey[], message: string): void => {
      context.addIssue({ code: 'custom', path, message });
    };
    let columnCount = 0;
    const featureNames = new Set<string>();
    manifest.features.forEach((feature, index) => {
      columnCount += feature.columns.length;
      if (featureNames.has(feature.name)) {
        problem(['features', index, 'name'], `duplicate feature name "${feature.name}"`);
      }
      featureNames.add(feature.name);
      const ops = feature.transforms.map((transform) => transform.op);
      const encoding = feature.transforms.find(
        (transform) => transform.op === 'one_hot' || transform.op === 'index',
      );
      if (feature.kind === 'categorical') {
        if (ops.length !== 1 || encoding === undefined) {
          problem(
            ['features', index, 'transforms'],
            'a categorical feature takes exactly one transform: one_hot or index',
          );
        }
      } else if (encoding !== undefined) {
        problem(
          ['features', index, 'transforms'],
          `${encoding.op} applies to categorical features only`,
        );
      }
      if (feature.kind === 'timestamp' && ops[0] !== 'hour_of_day') {
        problem(['features', index, 'transforms'], 'a timestamp feature starts with hour_of_day');
      }
      if (feature.kind !== 'timestamp' && ops.includes('hour_of_day')) {
        problem(
          ['features', index, 'transforms'],
          'hour_of_day applies to timestamp features only',
        );
      }
      const expectedColumns = encoding?.op === 'one_hot' ? encoding.vocabulary.length : 1;
      if (feature.columns.length !== expectedColumns) {
        problem(
          ['features', index, 'columns'],
          `expected ${expectedColumns} column name(s), got ${feature.columns.length}`,
        );
      }
    });
    if (columnCount !== manifest.input.shape[1]) {
      problem(
        ['input', 'shape', 1],
        `the features fill ${columnCount} columns but the input has ${manifest.input.shape[1]}`,
      );
    }
    const outputNames = manifest.outputs.map((output) => output.name);
    manifest.outputs.forEach((output, index) => {
      if (outputNames.indexOf(output.name) !== index) {
        problem(['outputs', index, 'name'], `duplicate output name "${output.name}"`);
      }
    });
    const scored = manifest.outputs.find((output) => output.name === manifest.score.output);
    if (scored === undefined) {
      problem(['score', 'output'], `expected one of ${outputNames.join(', ')}`);
    } else {
      const width = scored.shape.length === 2 ? scored.shape[1] : undefined;
      if (width === undefined || width === null || manifest.score.column >= width) {
        problem(
          ['score', 'column'],
          `output "${scored.name}" has no column ${manifest.score.column} (shape ${JSON.stringify(scored.shape)})`,
        );
      }
    }
  });

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelFeature = ModelManifest['features'][number];
export type FeatureTransform = ModelFeature['transforms'][number];

/** A validated manifest with the absolute paths it was read from and points to. */
export interface LoadedModelManifest {
  readonly manifest: Readonly<ModelManifest>;
  readonly manifestPath: string;
  readonly modelPath: string;
}

/**
 * Parses manifest JSON (already read) and validates it, reporting every problem at once.
 * `source` names the file in error messages.
 */
export function parseModelManifest(json: unknown, source: string): ModelManifest {
  const result = modelManifestSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${source}: ${formatPath(issue.path)}: ${issue.message}`,
  );
  throw new StreamscoreError(
    'MODEL_INVALID',
    `invalid model manifest (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    { context: { file: source, path: formatPath(result.error.issues[0]?.path ?? []) } },
  );
}

/** Reads and validates `<directory>/model.json`; the result is frozen. */
export async function loadModelManifest(directory: string): Promise<LoadedModelManifest> {
  const manifestPath = resolve(directory, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String(error);
    throw new StreamscoreError(
      'MODEL_INVALID',
      `cannot read model manifest ${manifestPath} (${reason}): register the model with \`streamscore model add\`, or fix the topology's model.version`,
      { cause: error, context: { file: manifestPath } },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${manifestPath}: not valid JSON: ${(error as Error).message}`,
      { cause: error, context: { file: manifestPath } },
    );
  }
  const manifest = deepFreeze(parseModelManifest(json, manifestPath));
  return Object.freeze({
    manifest,
    manifestPath,
    modelPath: join(resolve(directory), manifest.file),
  });
}

/** Hex SHA-256 of a file, streamed so that large models are not held in memory twice. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Fails with MODEL_INVALID unless the model file's SHA-256 is the one the manifest records. */
export async function verifyModelChecksum(model: LoadedModelManifest): Promise<void> {
  let actual: string;
  try {
    actual = await sha256OfFile(model.modelPath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String(error);
    throw new StreamscoreError(
      'MODEL_INVALID',
      `cannot read model file ${model.modelPath} (${reason}), which ${model.manifestPath} names: put the file back, or register the model again with \`streamscore model add\``,
      { cause: error, context: { file: model.modelPath, manifest: model.manifestPath } },
    );
  }
  if (actual !== model.manifest.sha256) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `model file ${model.modelPath} has sha256 ${actual} but ${model.manifestPath} expects ${model.manifest.sha256}: the file was changed or replaced: restore it, or register the new file as a new version with \`streamscore model add\``,
      {
        context: {
          file: model.modelPath,
          manifest: model.manifestPath,
          path: 'sha256',
          expected: model.manifest.sha256,
          actual,
        },
      },
    );
  }
}

/** `features[3].transforms[1].std`: the form a reader can find in the JSON file. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
    )
    .join('');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
