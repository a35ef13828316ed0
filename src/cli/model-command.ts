import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { StreamscoreError } from '../errors.js';
import { featureSpecIssues, featureSpecsSchema, type FeatureSpec } from '../features/index.js';
import { registerModel } from '../inference/index.js';
import {
  locateModel,
  manifestText,
  modelVersions,
  verifyModelChecksum,
  type LoadedModelManifest,
  type ResolvedModel,
} from '../models/index.js';
import { describeZodIssue, formatDocumentPath, issueMessage } from '../schema/index.js';
import { loadTopology } from '../topology/index.js';
import { writeReferenceProfile } from './profile-command.js';

const DEFAULT_REGISTRY = 'models';

interface RegistryOption {
  registry: string;
}
interface AddOptions extends RegistryOption {
  name: string;
  version?: number;
  features: string;
  description?: string;
  scoreOutput?: string;
  scoreColumn?: number;
  referenceData?: string;
}

/** `streamscore model`: register, list, verify and migrate models in a registry directory. */
export function registerModelCommand(program: Command): void {
  const model = program
    .command('model')
    .description(
      'Register, list, verify and migrate models in the registry (models/<name>/<version>/)',
    );
  const registryOption = [
    '--registry <dir>',
    'the model registry directory',
    DEFAULT_REGISTRY,
  ] as const;

  model
    .command('add')
    .description(
      'Register an ONNX file as a new model version: reads its input and outputs, checks the feature width, computes the sha256, writes model.json',
    )
    .argument('<file.onnx>', 'the ONNX model file')
    .requiredOption('--name <name>', 'model name (lowercase letters, digits, _ and -)')
    .requiredOption(
      '--features <file>',
      'the feature spec the model was trained with: a topology file (its `features:`) or a YAML/JSON list of features',
    )
    .option('--version <n>', 'version number (default: one above the highest)', parseVersion)
    .option(
      '--score-output <name>',
      'the output holding the score (default: the only one, or one named probabilities/score)',
    )
    .option('--score-column <k>', 'its column (default: 1 of two, 0 of one)', parseColumn)
    .option('--description <text>', 'what the model does')
    .option(
      '--reference-data <events.jsonl>',
      'held-out events to build the drift reference profile from (reference.json beside the model); --features must then be the topology that scores the model',
    )
    .option(...registryOption)
    .action(async (file: string, options: AddOptions) => {
      const spec = await readFeatureSpec(options.features);
      if (options.referenceData !== undefined) requireScoringTopology(spec, options);
      const added = await registerModel({
        registryDir: options.registry,
        name: options.name,
        modelFile: file,
        features: spec.features,
        ...(options.version === undefined ? {} : { version: options.version }),
        ...(options.description === undefined ? {} : { description: options.description }),
        ...(options.scoreOutput === undefined ? {} : { scoreOutput: options.scoreOutput }),
        ...(options.scoreColumn === undefined ? {} : { scoreColumn: options.scoreColumn }),
      });
      const { manifest } = added;
      console.log(
        `added ${manifest.name}@${manifest.version}: ${added.manifestPath} (sha256 ${manifest.sha256})`,
      );
      console.log(`  ${describeSignature(added)}`);
      if (options.referenceData !== undefined) {
        await writeAddedModelProfile(added, options.referenceData, options).catch((error) => {
          throw new StreamscoreError(
            error instanceof StreamscoreError ? error.code : 'INTERNAL',
            `${manifest.name}@${manifest.version} is registered, but its reference profile was not written: ${(error as Error).message}; fix it and run \`streamscore profile --topology ${options.features} --data ${options.referenceData}\``,
            { cause: error, context: { model: `${manifest.name}@${manifest.version}` } },
          );
        });
      }
    });

  model
    .command('list')
    .description(
      'Every model and version in the registry, with its input, outputs and whether its file matches its sha256',
    )
    .option(...registryOption)
    .action(async (options: RegistryOption) => {
      const rows = await registryRows(options.registry);
      if (rows.length === 0) console.log(`no models in ${options.registry}`);
      for (const row of rows) console.log(row);
    });

  model
    .command('verify')
    .description(
      'Check every version (or one: name or name@version): manifest valid, file present, sha256 matching',
    )
    .argument('[model]', 'name or name@version (default: all)')
    .option(...registryOption)
    .action(async (which: string | undefined, options: RegistryOption) => {
      const failures: string[] = [];
      for (const { name, version } of selectVersions(options.registry, which)) {
        try {
          const model = locateModel(options.registry, name, version);
          await verifyModelChecksum(model);
          console.log(
            `${model.label}: ok (sha256 ${model.manifest.sha256.slice(0, 12)}…${model.format === 'legacy' ? ', legacy manifest format: `streamscore model migrate`' : ''})`,
          );
        } catch (error) {
          if (!(error instanceof StreamscoreError)) throw error;
          failures.push(`${name}@${version}: ${error.message}`);
        }
      }
      if (failures.length > 0) {
        throw new StreamscoreError('MODEL_INVALID', failures.join('\n'));
      }
    });

  model
    .command('migrate')
    .description(
      'Rewrite legacy manifests (kind/one_hot/columns) in the shared feature-spec vocabulary; the model file is untouched',
    )
    .argument('[model]', 'name or name@version (default: all)')
    .option(...registryOption)
    .action(async (which: string | undefined, options: RegistryOption) => {
      for (const { name, version } of selectVersions(options.registry, which)) {
        const model = locateModel(options.registry, name, version);
        if (model.format === 'current') {
          console.log(`${model.label}: already current`);
          continue;
        }
        await writeFile(model.manifestPath, manifestText(model.manifest));
        console.log(`${model.label}: migrated ${model.manifestPath}`);
      }
    });
}

/**
 * The feature spec in a file: a topology's `features:`, a `{ features: [...] }` document or a
 * bare list, checked against the feature schema and its rules.
 */
async function readFeatureSpec(file: string): Promise<FeatureSpecFile> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new StreamscoreError('USAGE', `--features ${file}: ${(error as Error).message}`, {
      cause: error,
      context: { file },
    });
  }
  const list = Array.isArray(document)
    ? document
    : (document as { features?: unknown } | null)?.features;
  const at = Array.isArray(document) ? [] : ['features'];
  if (list === undefined) {
    throw new StreamscoreError(
      'USAGE',
      `--features ${file}: no \`features:\` list (give the topology or features file the model was trained with)`,
      { context: { file } },
    );
  }
  const parsed = featureSpecsSchema.safeParse(list, { reportInput: true, error: describeZodIssue });
  const problems = parsed.success
    ? featureSpecIssues(parsed.data, at).map(
        (issue) => `${formatDocumentPath(issue.at)}: ${issue.message}`,
      )
    : parsed.error.issues.map(
        (issue) =>
          `${formatDocumentPath([...at, ...issue.path]) || '(root)'}: ${issueMessage(issue)}`,
      );
  if (!parsed.success || problems.length > 0) {
    throw new StreamscoreError(
      'USAGE',
      `--features ${file}: invalid feature spec:\n  ${problems.map((problem) => `${file}: ${problem}`).join('\n  ')}`,
      { context: { file } },
    );
  }
  const modelName = Array.isArray(document)
    ? undefined
    : (document as { model?: { name?: unknown } }).model?.name;
  return {
    features: parsed.data,
    ...(typeof modelName === 'string' ? { topologyModel: modelName } : {}),
  };
}

/** What `--features` held: the feature spec and, for a topology, the model it scores. */
interface FeatureSpecFile {
  readonly features: readonly FeatureSpec[];
  readonly topologyModel?: string;
}

/**
 * A reference profile scores held-out events as the topology will: its features, and its
 * `model.outputs` to find the score. So `--features` must be the topology of this model.
 */
function requireScoringTopology(spec: FeatureSpecFile, options: AddOptions): void {
  if (spec.topologyModel === options.name) return;
  throw new StreamscoreError(
    'USAGE',
    spec.topologyModel === undefined
      ? `--reference-data needs --features to be the topology that scores ${options.name}, and ${options.features} is a features file: give the topology, or run \`streamscore profile\` once it exists`
      : `--reference-data needs --features to be the topology that scores ${options.name}, and ${options.features} scores ${spec.topologyModel}`,
    { context: { file: options.features } },
  );
}

/** The reference profile of the version just added, through its topology pinned to it. */
async function writeAddedModelProfile(
  added: LoadedModelManifest,
  dataFile: string,
  options: AddOptions,
): Promise<void> {
  const topology = await loadTopology(options.features);
  await writeReferenceProfile(
    {
      ...topology,
      model: {
        ...topology.model,
        version: added.manifest.version,
        registryDir: resolve(options.registry),
      },
    },
    dataFile,
  );
}

function describeSignature(model: Pick<ResolvedModel, 'manifest'>): string {
  const { input, outputs, score } = model.manifest;
  const shape = (dims: readonly (number | null)[]) => `[${dims.map((d) => d ?? 'N').join(', ')}]`;
  const outs = outputs.map(
    (output) => `${output.name} ${output.elementType}${shape(output.shape)}`,
  );
  return `input ${input.name} float32${shape(input.shape)}; outputs ${outs.join(', ')}; score ${score.output}[:, ${score.column}]`;
}

async function registryRows(registryDir: string): Promise<string[]> {
  const rows: string[] = [];
  for (const { name, version } of selectVersions(registryDir, undefined)) {
    try {
      const model = locateModel(registryDir, name, version);
      const verified = await verifyModelChecksum(model).then(
        () => 'verified',
        () => 'MISMATCH or missing file',
      );
      const legacy = model.format === 'legacy' ? ' (legacy manifest)' : '';
      rows.push(
        `${model.label.padEnd(20)} ${describeSignature(model)}; sha256 ${model.manifest.sha256.slice(0, 12)}… ${verified}${legacy}`,
      );
    } catch (error) {
      if (!(error instanceof StreamscoreError)) throw error;
      rows.push(`${`${name}@${version}`.padEnd(20)} invalid: ${error.message.split('\n')[0]}`);
    }
  }
  return rows;
}

/** The versions `which` (name, name@version or all) names in the registry. */
function selectVersions(
  registryDir: string,
  which: string | undefined,
): { name: string; version: number }[] {
  const [name, version] = which === undefined ? [] : which.split('@');
  const names =
    name === undefined
      ? readdirSafe(registryDir).filter((entry) => modelVersions(registryDir, entry).length > 0)
      : [name];
  const selected = names.flatMap((model) =>
    modelVersions(registryDir, model)
      .filter((candidate) => version === undefined || String(candidate) === version)
      .map((candidate) => ({ name: model, version: candidate })),
  );
  if (which !== undefined && selected.length === 0) {
    throw new StreamscoreError('USAGE', `no model ${which} in ${registryDir}`, {
      context: { registry: registryDir },
    });
  }
  return selected;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function parseVersion(value: string): number {
  const parsed = Number(value);
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected an integer >= 1');
  return parsed;
}

function parseColumn(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an integer >= 0');
  return Number(value);
}
