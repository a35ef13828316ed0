import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createFeatureExtractor } from '../../../src/features/index.js';
import { resolveTopologyModel } from '../../../src/engine/index.js';
import { loadTopology } from '../../../src/topology/index.js';

interface GoldenCase {
  readonly note: string;
  readonly event: unknown;
  readonly features: readonly number[];
}

describe('example topologies', async () => {
  const files = (await readdir('topologies')).filter((file) => file.endsWith('.yaml'));

  it.each(files)('topologies/%s is valid with its defaults', async (file) => {
    await expect(loadTopology(`topologies/${file}`, { env: {} })).resolves.toBeDefined();
  });

  it('fraud.yaml builds exactly the columns and values the fraud model was trained on', async () => {
    const topology = await loadTopology('topologies/fraud.yaml', { env: {} });
    await expect(resolveTopologyModel(topology)).resolves.toMatchObject({ width: 15 });
    const extractor = createFeatureExtractor(topology.features);

    const golden = JSON.parse(await readFile('models/fraud/1/golden.json', 'utf8')) as {
      cases: GoldenCase[];
    };
    const row = new Float32Array(extractor.width);
    for (const goldenCase of golden.cases) {
      expect(extractor.extract(goldenCase.event, row, 0), goldenCase.note).toBeUndefined();
      expect(Array.from(row), goldenCase.note).toEqual(goldenCase.features.map(Math.fround));
    }
  });
});
