import { readdirSync } from 'node:fs';
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
 * Finds and verifies `<registry>/<name>/<version>/model.json`; `latest` is the highest numbered
 * version directory. Versions are immutable: a changed file fails its checksum.
 */
export async function resolveModel(
  registryDir: string,
  name: string,
  version: number | 'latest',
): Promise<ResolvedModel> {
  const model = locateModel(registryDir, name, version);
  await verifyModelChecksum(model);
  return model;
}

/** `resolveModel` without reading the model file: the manifest, found and validated. */
export function locateModel(
  registryDir: string,
  name: string,
  version: number | 'latest',
): ResolvedModel {
  const modelDir = join(registryDir, name);
  const chosen = version === 'latest' ? latestVersion(modelDir, name) : version;
  const loaded = loadModelManifest(join(modelDir, String(chosen)));
  if (loaded.manifest.name !== name || loaded.manifest.version !== chosen) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${loaded.manifestPath} describes ${loaded.manifest.name}@${loaded.manifest.version}, but sits where ${name}@${chosen} belongs`,
      { context: { file: loaded.manifestPath } },
    );
  }
  return { ...loaded, name, version: chosen, label: `${name}@${chosen}` };
}

/** The versions of a model in the registry, lowest first; none when the model is absent. */
export function modelVersions(registryDir: string, name: string): number[] {
  try {
    return versionsIn(readdirSync(join(registryDir, name)));
  } catch {
    return [];
  }
}

function versionsIn(entries: readonly string[]): number[] {
  return entries
    .filter((entry) => /^[1-9]\d*$/.test(entry))
    .map(Number)
    .sort((a, b) => a - b);
}

function latestVersion(modelDir: string, name: string): number {
  let entries: string[];
  try {
    entries = readdirSync(modelDir);
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
  const versions = versionsIn(entries);
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
