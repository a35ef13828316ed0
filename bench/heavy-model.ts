/**
 * The heavy benchmark model: generated on demand by bench/models/make_heavy_mlp.py in the
 * bench's Python environment, into a model registry under the bench cache dir. At ~20 MB the
 * .onnx file stays out of git, and a generated manifest in the tree would only trip the
 * formatter. A generated model that still passes its checksum is reused.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveModel, type ResolvedModel } from '../src/models/index.js';
import type { PythonEnvironment } from './python-environment.js';

const run = promisify(execFile);

export const HEAVY_MODEL_NAME = 'heavy-mlp';

export interface HeavyModel {
  readonly registryDir: string;
  readonly model: ResolvedModel;
  readonly parameters: number;
  readonly fileBytes: number;
  readonly architecture: string;
}

export async function ensureHeavyModel(options: {
  readonly repoRoot: string;
  /** The registry the model is generated into (outside the repository). */
  readonly registryDir: string;
  readonly python: () => Promise<PythonEnvironment>;
  readonly print: (line: string) => void;
}): Promise<HeavyModel> {
  const { registryDir } = options;
  let model = await resolveModel(registryDir, HEAVY_MODEL_NAME, 1).catch(() => undefined);
  if (model === undefined) {
    const { python } = await options.python();
    const out = join(registryDir, HEAVY_MODEL_NAME, '1');
    options.print(`heavy model: generating ${out} with bench/models/make_heavy_mlp.py`);
    await run(
      python,
      [join(options.repoRoot, 'bench', 'models', 'make_heavy_mlp.py'), '--out', out],
      {
        cwd: options.repoRoot,
      },
    );
    model = await resolveModel(registryDir, HEAVY_MODEL_NAME, 1);
  }
  const training = model.manifest.training as { parameters?: number; architecture?: string };
  return {
    registryDir,
    model,
    parameters: training.parameters ?? 0,
    fileBytes: (await stat(model.modelPath)).size,
    architecture: training.architecture ?? 'MLP',
  };
}
