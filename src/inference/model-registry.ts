import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamscoreError } from '../errors.js';
import {
  loadModelManifest,
  verifyModelChecksum,
  type LoadedModelManifest,
} from './model-manifest.js';

/** A model version picked from the registry, its manifest read and its file checksum verified. */
export interface ResolvedModel extends LoadedModelManifest {
  readonly name: string;
  readonly version: number;
  /** `name@version`, as logs, headers and errors show it. */
  readonly label: string;
}

/**
 * Finds `<registry>/<name>/<version>/model.json`; `latest` is the highest numbered version
 * directory. Versions are immutable: a changed file fails its checksum.
 */
export async function resolveModel(
  registryDir: string,
  name: string,
  version: number | 'latest',
): Promise<ResolvedModel> {
  const modelDir = join(registryDir, name);
  const chosen = version === 'latest' ? await latestVersion(modelDir, name) : version;
  const loaded = await loadModelManifest(join(modelDir, String(chosen)));
  if (loaded.manifest.name !== name || loaded.manifest.version !== chosen) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${loaded.manifestPath} describes ${loaded.manifest.name}@${loaded.manifest.version}, but sits where ${name}@${chosen} belongs`,
      { context: { file: loaded.manifestPath } },
    );
  }
  await verifyModelChecksum(loaded);
  return { ...loaded, name, version: chosen, label: `${name}@${chosen}` };
}

async function latestVersion(modelDir: string, name: string): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(modelDir);
  } catch (error) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `no model "${name}" in the registry: ${modelDir} is not readable (${(error as NodeJS.ErrnoException).code ?? String(error)}): register it with \`streamscore model add <file.onnx> --name ${name}\`, or fix the topology's model.name and model.registry`,
      {
        cause: error,
        context: { file: modelDir },
      },
    );
  }
  const versions = entries.filter((entry) => /^[1-9]\d*$/.test(entry)).map(Number);
  if (versions.length === 0) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `model "${name}" has no numbered version directory in ${modelDir}`,
      {
        context: { file: modelDir },
      },
    );
  }
  return Math.max(...versions);
}

/**
 * Refuses a topology whose feature columns are not the ones, in the order, that the model was
 * trained on: a silent column swap would score garbage with full confidence.
 */
export function checkFeatureColumns(
  model: ResolvedModel,
  topologyColumns: readonly string[],
  topologyFile: string,
): void {
  const modelColumns = model.manifest.features.flatMap((feature) => feature.columns);
  const width = model.manifest.input.shape.at(-1);
  if (typeof width === 'number' && width !== topologyColumns.length) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${topologyFile} builds ${topologyColumns.length} feature columns, but model ${model.label} input "${model.manifest.input.name}" takes ${width} (${model.manifestPath})`,
      { context: { file: topologyFile, model: model.label } },
    );
  }
  const mismatch = modelColumns.findIndex((column, index) => topologyColumns[index] !== column);
  if (mismatch !== -1 || modelColumns.length !== topologyColumns.length) {
    const at = mismatch === -1 ? Math.min(modelColumns.length, topologyColumns.length) : mismatch;
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${topologyFile} feature column ${at} is "${topologyColumns[at] ?? '(none)'}", but model ${model.label} expects "${modelColumns[at] ?? '(none)'}" there (${model.manifestPath})`,
      { context: { file: topologyFile, model: model.label, column: at } },
    );
  }
}
