import { resolveModel } from '../../src/models/index.js';
import type { InferenceRate, ModelCeiling } from '../bench-results.js';
import type { BenchContext } from '../bench-context.js';
import { measureInferenceRate, type InferenceRateOptions } from '../inference-rate.js';
import type { Scenario } from './scenario.js';

/** Worker-thread settings of the ceilings and of the worker-thread streamscore runs. */
export const WORKER_SETTINGS = { workers: 2, intraOpThreads: 1 } as const;

export const inferenceCeilingScenario: Scenario<'inference-ceiling'> = {
  id: 'inference-ceiling',
  title: 'Inference ceiling (fraud model)',
  method:
    'The engine’s own model sessions (createModelSession in-thread; createWorkerSessionPool with 2 workers × 1 intra-op thread, one batch queued per worker) run batches of maxBatchSize rows of real synthetic features back to back, no Kafka. Rows/s over the run after warm-up; in the full run each is measured twice and the faster kept (a ceiling is only ever understated by a disturbance).',
  async run(context) {
    const { referenceTopology: topology } = context;
    const model = await resolveModel(
      topology.model.registryDir,
      topology.model.name,
      topology.model.version,
    );
    return {
      ceilings: [await measureModelCeiling(context, model.label, model.modelPath, ['cpu'])],
    };
  },
};

/** In-thread and worker-thread `session.run` rates of one model at the topology's batch size. */
export async function measureModelCeiling(
  context: BenchContext,
  label: string,
  modelPath: string,
  executionProviders: readonly ('cpu' | 'cuda' | 'tensorrt')[],
): Promise<ModelCeiling> {
  const { referenceTopology: topology, plan } = context;
  const shared = {
    modelPath,
    modelLabel: label,
    inputName: topology.model.input,
    outputNames: topology.model.outputs.map((output) => output.name),
    features: topology.features,
    batchSize: topology.batching.maxBatchSize,
    executionProviders,
    seconds: plan.inferenceSeconds,
  };
  const best = async (
    options: Pick<InferenceRateOptions, 'mode' | 'workers' | 'intraOpThreads'>,
  ): Promise<InferenceRate> => {
    let fastest: InferenceRate | undefined;
    for (let attempt = 0; attempt < Math.max(1, plan.inferenceRepetitions); attempt++) {
      const measured = await measureInferenceRate({ ...shared, ...options });
      if (fastest === undefined || measured.rowsPerSecond > fastest.rowsPerSecond) {
        fastest = measured;
      }
    }
    return fastest as InferenceRate;
  };
  const inThread = await best({
    mode: 'in-thread',
    workers: 1,
    intraOpThreads: topology.model.inference.intraOpThreads,
  });
  const workerThreads = await best({ mode: 'worker-threads', ...WORKER_SETTINGS });
  return {
    model: label,
    executionProvider: executionProviders[0] ?? 'cpu',
    inThread,
    workerThreads,
  };
}
