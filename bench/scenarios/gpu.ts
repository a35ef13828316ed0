import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { HEAVY_MODEL_NAME } from '../heavy-model.js';
import { runStreamscoreOnBacklog } from './backlog-contenders.js';
import { measureModelCeiling } from './inference-ceiling.js';
import { ScenarioSkipped, type Scenario } from './scenario.js';

const run = promisify(execFile);

export const gpuScenario: Scenario<'gpu'> = {
  id: 'gpu',
  title: 'GPU (CUDA execution provider)',
  method:
    'Only where an NVIDIA GPU answers `nvidia-smi -L` and onnxruntime-node has its CUDA provider library installed (see bench/README.md): the heavy model’s session.run ceiling on CUDA, then streamscore with `executionProviders: [cuda]` on the backlog. Skipped otherwise, with the reason.',
  async run(context) {
    const gpu = await findGpu();
    const missing = cudaProviderMissing();
    if (gpu === undefined) {
      throw new ScenarioSkipped(
        'no NVIDIA GPU on this machine (`nvidia-smi -L` is missing or lists none)',
      );
    }
    if (missing !== undefined) {
      throw new ScenarioSkipped(
        `GPU found (${gpu}) but onnxruntime-node has no CUDA provider: ${missing} is missing; install it as bench/README.md (GPU) says`,
      );
    }
    const heavy = await context.heavyModel();
    const ceiling = await measureModelCeiling(context, heavy.model.label, heavy.model.modelPath, [
      'cuda',
    ]);
    const backlogRun = await runStreamscoreOnBacklog(context, {
      label: 'gpu-heavy',
      variant: {
        registryDir: heavy.registryDir,
        modelName: HEAVY_MODEL_NAME,
        executionProviders: ['cuda'],
      },
      capSeconds: context.plan.heavyCapSeconds,
    });
    return { gpu, ceiling, run: backlogRun };
  },
};

async function findGpu(): Promise<string | undefined> {
  try {
    const { stdout } = await run('nvidia-smi', ['-L'], { timeout: 10_000 });
    const first = stdout.split('\n').find((line) => line.startsWith('GPU '));
    return first?.trim();
  } catch {
    return undefined;
  }
}

/** The CUDA provider library onnxruntime-node loads, or undefined when it is installed. */
function cudaProviderMissing(): string | undefined {
  const packageDir = dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')));
  const library = join(
    packageDir,
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
    'libonnxruntime_providers_cuda.so',
  );
  return existsSync(library) ? undefined : library;
}
