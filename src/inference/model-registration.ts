/**
 * Adding a model version to the registry: the ONNX file copied in, its graph read for the
 * manifest's input and outputs, its feature width checked against the feature spec, its
 * checksum computed, and the manifest written last, so a version directory with a manifest is
 * always complete.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamscoreError } from '../errors.js';
import { featureColumnNames, type FeatureSpec } from '../features/index.js';
import {
  loadModelManifest,
  MANIFEST_FILE,
  manifestText,
  modelVersions,
  parseModelManifest,
  sha256OfFile,
  verifyModelChecksum,
  type LoadedModelManifest,
} from '../models/index.js';
import { manifestInput, manifestScore, readModelSignature } from './model-signature.js';

const MODEL_FILE = 'model.onnx';

export interface ModelRegistration {
  readonly registryDir: string;
  readonly name: string;
  /** Default: one above the highest version in the registry (1 for a new model). */
  readonly version?: number;
  /** The ONNX file to register; copied into the version's directory as model.onnx. */
  readonly modelFile: string;
  readonly features: readonly FeatureSpec[];
  readonly description?: string;
  readonly scoreOutput?: string;
  readonly scoreColumn?: number;
  readonly training?: Record<string, unknown>;
}

/** Registers the model version; refuses to overwrite one (versions are immutable). */
export async function registerModel(options: ModelRegistration): Promise<LoadedModelManifest> {
  const { registryDir, name, modelFile } = options;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    throw new StreamscoreError(
      'USAGE',
      `model name "${name}": expected lowercase letters, digits, _ and -`,
      { context: { name } },
    );
  }
  const existing = modelVersions(registryDir, name);
  const version = options.version ?? (existing.at(-1) ?? 0) + 1;
  if (existing.includes(version)) {
    throw new StreamscoreError(
      'USAGE',
      `${name}@${version} already exists in ${registryDir}: versions are immutable, add this file as ${name}@${(existing.at(-1) ?? 0) + 1}`,
      { context: { name, version } },
    );
  }
  const signature = await readModelSignature(modelFile);
  const manifestJson = {
    name,
    version,
    ...(options.description === undefined ? {} : { description: options.description }),
    file: MODEL_FILE,
    sha256: await sha256OfFile(modelFile),
    input: manifestInput(signature, featureColumnNames(options.features).length, modelFile),
    outputs: signature.outputs,
    score: manifestScore(
      signature.outputs,
      {
        ...(options.scoreOutput === undefined ? {} : { output: options.scoreOutput }),
        ...(options.scoreColumn === undefined ? {} : { column: options.scoreColumn }),
      },
      modelFile,
    ),
    features: options.features,
    ...(options.training === undefined ? {} : { training: options.training }),
  };
  const versionDir = join(registryDir, name, String(version));
  const { manifest } = parseModelManifest(manifestJson, join(versionDir, MANIFEST_FILE));
  await mkdir(versionDir, { recursive: true });
  try {
    await copyFile(modelFile, join(versionDir, MODEL_FILE));
    await writeFile(join(versionDir, MANIFEST_FILE), manifestText(manifest));
  } catch (error) {
    await rm(versionDir, { recursive: true, force: true });
    throw new StreamscoreError('MODEL_INVALID', `cannot write ${versionDir}: ${String(error)}`, {
      cause: error,
      context: { file: versionDir },
    });
  }
  const registered = loadModelManifest(versionDir);
  // The copy is what scoring will read: a source file that changed while being copied fails here.
  await verifyModelChecksum(registered);
  return registered;
}
