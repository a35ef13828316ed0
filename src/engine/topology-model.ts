import { createFeatureExtractor } from '../features/index.js';
import { checkFeatureColumns, resolveModel, type ResolvedModel } from '../inference/index.js';
import type { Topology } from '../topology/index.js';

/**
 * The topology's model from its registry, checked against the topology's features (refuses to
 * go on, naming both, when the columns disagree), with the width of the rows those features
 * build.
 */
export async function resolveTopologyModel(
  topology: Topology,
): Promise<{ readonly model: ResolvedModel; readonly width: number }> {
  const model = await resolveModel(
    topology.model.registryDir,
    topology.model.name,
    topology.model.version,
  );
  const extractor = createFeatureExtractor(topology.features);
  checkFeatureColumns(model, extractor.columns, topology.sourceFile);
  return { model, width: extractor.width };
}
