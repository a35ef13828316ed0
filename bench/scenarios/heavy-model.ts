import { runStreamscoreOnBacklog } from './backlog-contenders.js';
import { measureModelCeiling, WORKER_SETTINGS } from './inference-ceiling.js';
import { ScenarioSkipped, type Scenario } from './scenario.js';
import { PythonUnavailableError } from '../python-environment.js';
import { HEAVY_MODEL_NAME } from '../heavy-model.js';

export const heavyModelScenario: Scenario<'heavy-model'> = {
  id: 'heavy-model',
  title: 'Heavy model (compute-bound MLP)',
  method:
    'bench/models/heavy-mlp (an untrained MLP of a few million parameters, generated on demand): first its session.run ceiling in-thread and in worker threads (as for the fraud model), then streamscore on the same topology with that model, in-thread and with 2 worker threads × 1 intra-op thread, on the backlog (time-capped). Each streamscore run is compared with the ceiling of its own mode.',
  async run(context) {
    const heavy = await context.heavyModel().catch((error: unknown) => {
      if (error instanceof PythonUnavailableError) {
        throw new ScenarioSkipped(`cannot build the heavy model: ${error.message}`);
      }
      throw error;
    });
    const ceiling = await measureModelCeiling(context, heavy.model.label, heavy.model.modelPath, [
      'cpu',
    ]);
    const variant = { registryDir: heavy.registryDir, modelName: HEAVY_MODEL_NAME };
    const inThread = await runStreamscoreOnBacklog(context, {
      label: 'heavy-in-thread',
      variant,
      capSeconds: context.plan.heavyCapSeconds,
    });
    const workerThreads = await runStreamscoreOnBacklog(context, {
      label: 'heavy-worker-threads',
      variant: { ...variant, inference: { mode: 'worker-threads', ...WORKER_SETTINGS } },
      capSeconds: context.plan.heavyCapSeconds,
    });
    return {
      model: {
        parameters: heavy.parameters,
        fileBytes: heavy.fileBytes,
        architecture: heavy.architecture,
      },
      ceiling,
      inThread,
      workerThreads,
    };
  },
};
