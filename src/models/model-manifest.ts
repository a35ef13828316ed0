import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { StreamscoreError } from '../errors.js';
import { featureColumnNames, featureSpecIssues, featureSpecsSchema } from '../features/index.js';
import {
  describeZodIssue,
  formatDocumentPath,
  issueMessage,
  schemaReferenceMarkdown,
} from '../schema/index.js';
import { isLegacyManifest, migrateLegacyManifest } from './legacy-manifest.js';

/**
 * The manifest (`model.json`) that sits next to every model file in the registry
 * (`models/<name>/<version>/`). It says what the model is, how to verify the file, what goes
 * in and comes out, and, in the topology's own feature-spec vocabulary, exactly how its
 * training pipeline built each input column, so that scoring rebuilds the same float32 rows.
 * docs/model-manifest.md is generated from this schema.
 */

export const MANIFEST_FILE = 'model.json';

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

const tensorSchema = z
  .strictObject({
    name: z.string().min(1).describe('Output tensor name in the ONNX graph.'),
    elementType: tensorElementType.describe('Element type of the tensor.'),
    shape: z
      .array(dimension)
      .describe('Dimensions; `null` where dynamic (the batch dimension comes first).'),
    description: z.string().optional().describe('What the values mean, for people.'),
  })
  .describe('One output of the model.');

export const modelManifestSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, _ and -')
      .describe('Model name; also the directory under the registry.'),
    version: z
      .number()
      .int()
      .positive()
      .describe('Version; also the directory under the model. Versions are immutable.'),
    description: z.string().optional().describe('What the model does, for people.'),
    file: z
      .string()
      .min(1)
      .refine((file) => basename(file) === file, 'a file name in the same directory')
      .describe('The ONNX file, in the manifest’s directory.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits')
      .describe(
        'SHA-256 of the ONNX file: the model is refused when the file does not match (`streamscore model add` computes it).',
      ),
    input: z
      .strictObject({
        name: z.string().min(1).describe('Name of the ONNX input that takes the feature rows.'),
        elementType: z.literal('float32').describe('Element type: float32.'),
        shape: z
          .tuple([z.null(), z.number().int().positive()])
          .describe('`[null, width]`: any batch size, `width` feature columns.'),
      })
      .describe('The model’s one input: a float32 matrix of feature rows.'),
    outputs: z.array(tensorSchema).min(1).describe('Every output of the model.'),
    score: z
      .strictObject({
        output: z.string().min(1).describe('The output that holds the score.'),
        column: z
          .number()
          .int()
          .nonnegative()
          .describe('Its column: the score is `outputs[output][:, column]`.'),
        meaning: z.string().optional().describe('What the score means, for people.'),
      })
      .describe('Where the score lives; drift profiles and monitors the score from here.'),
    features: featureSpecsSchema.describe(
      'The feature spec the model was trained with, in column order: the same fields as a topology’s `features` (see the topology reference). A topology that omits `features` takes these; one that gives them must match exactly.',
    ),
    training: z
      .looseObject({
        heldOutAuc: z.number().min(0).max(1).optional().describe('AUC on held-out data.'),
        fraudRate: z.number().min(0).max(1).optional().describe('Positive rate in training.'),
        trainedAt: z.string().optional().describe('When it was trained, ISO 8601.'),
      })
      .optional()
      .describe('How the model was trained: informational, kept as written, never checked.'),
  })
  .superRefine((manifest, context) => {
    const problem = (path: PropertyKey[], message: string): void => {
      context.addIssue({ code: 'custom', path, message });
    };
    for (const issue of featureSpecIssues(manifest.features, ['features'])) {
      problem([...issue.at], issue.message);
    }
    const width = featureColumnNames(manifest.features).length;
    if (width !== manifest.input.shape[1]) {
      problem(
        ['input', 'shape', 1],
        `the features fill ${width} columns but the input has ${manifest.input.shape[1]}`,
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
      const columns = scored.shape.length === 2 ? scored.shape[1] : undefined;
      if (columns === undefined || columns === null || manifest.score.column >= columns) {
        problem(
          ['score', 'column'],
          `output "${scored.name}" has no column ${manifest.score.column} (shape ${JSON.stringify(scored.shape)})`,
        );
      }
    }
  });

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelOutputSpec = ModelManifest['outputs'][number];

/** A validated manifest with the absolute paths it was read from and points to. */
export interface LoadedModelManifest {
  readonly manifest: Readonly<ModelManifest>;
  readonly manifestPath: string;
  readonly modelPath: string;
  /**
   * `legacy`: written in the manifest format before the feature spec was shared with
   * topologies (`kind`, `columns`, `one_hot`...); read as its equivalent, and rewritten by
   * `streamscore model migrate`.
   */
  readonly format: 'current' | 'legacy';
}

/**
 * Validates manifest JSON (already parsed) in the current or the legacy format, reporting every
 * problem at once. `source` names the file in error messages.
 */
export function parseModelManifest(
  json: unknown,
  source: string,
): { manifest: ModelManifest; format: LoadedModelManifest['format'] } {
  const legacy = isLegacyManifest(json);
  const result = modelManifestSchema.safeParse(
    legacy ? migrateLegacyManifest(json, source) : json,
    { reportInput: true, error: describeZodIssue },
  );
  if (result.success) return { manifest: result.data, format: legacy ? 'legacy' : 'current' };
  const problems = result.error.issues.map((issue) => `${source}: ${describeIssue(issue)}`);
  throw new StreamscoreError(
    'MODEL_INVALID',
    `invalid model manifest (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    { context: { file: source, path: pathOf(result.error.issues[0]?.path ?? []) } },
  );
}

/** Reads and validates `<directory>/model.json`; the result is frozen. */
export function loadModelManifest(directory: string): LoadedModelManifest {
  const manifestPath = resolve(directory, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
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
  const { manifest, format } = parseModelManifest(json, manifestPath);
  return Object.freeze({
    manifest: deepFreeze(manifest),
    manifestPath,
    modelPath: join(resolve(directory), manifest.file),
    format,
  });
}

/** The manifest as `model add` and `model migrate` write it: two-space JSON, a final newline. */
export function manifestText(manifest: ModelManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
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

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${pathOf([...issue.path, key])}: ${issue.message}`).join('; ');
  }
  return `${pathOf(issue.path)}: ${issueMessage(issue)}`;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : formatDocumentPath(path);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The table of every manifest field in docs/model-manifest.md, from the schema. */
export function manifestReferenceMarkdown(): string {
  return schemaReferenceMarkdown(
    z.toJSONSchema(modelManifestSchema, { io: 'input', unrepresentable: 'any' }),
  );
}
