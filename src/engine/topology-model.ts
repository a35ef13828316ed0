import { StreamscoreError } from '../errors.js';
import { createFeatureExtractor, firstFeatureSpecDifference } from '../features/index.js';
import { resolveModel, type ResolvedModel } from '../models/index.js';
import type { Topology } from '../topology/index.js';

/**
 * The topology's model from its registry, its file verified, with the width of the rows the
 * topology's features build. Refuses a topology whose feature spec is not exactly the one the
 * model was trained with: a dropped transform or a reordered vocabulary would score the wrong
 * features with full confidence.
 */
export async function resolveTopologyModel(
  topology: Topology,
): Promise<{ readonly model: ResolvedModel; readonly width: number }> {
  const model = await resolveModel(
    topology.model.registryDir,
    topology.model.name,
    topology.model.version,
  );
  checkTopologyFeatures(topology, model);
  return { model, width: createFeatureExtractor(topology.features).width };
}

/** MODEL_INVALID naming the first field where the topology's features differ from the model's. */
export function checkTopologyFeatures(topology: Topology, model: ResolvedModel): void {
  const difference = firstFeatureSpecDifference(topology.features, model.manifest.features);
  if (difference === undefined) return;
  const { path, left, right } = difference;
  const taken = topology.featuresFrom === 'model' ? ' (taken from the model when loaded)' : '';
  throw new StreamscoreError(
    'MODEL_INVALID',
    `${topology.sourceFile} ${path} is ${left}${taken}, but model ${model.label} was trained with ${path} ${right} (${model.manifestPath}): ` +
      'make the topology’s features equal the model’s, or omit `features:` to take the model’s',
    {
      context: {
        file: topology.sourceFile,
        model: model.label,
        path,
        topology: left,
        manifest: right,
      },
    },
  );
}
