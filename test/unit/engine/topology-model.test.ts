import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resolveTopologyModel } from '../../../src/engine/index.js';
import { parseTopology } from '../../../src/topology/index.js';

/**
 * The reference topology against the reference model (models/fraud/1): equal feature specs
 * score, any difference is refused before a single event is read.
 */
async function fraudTopology(edit: (source: string) => string = (source) => source) {
  const source = edit(await readFile('topologies/fraud.yaml', 'utf8'));
  return parseTopology(source, 'topologies/fraud.yaml', { env: {} });
}

describe('resolveTopologyModel', () => {
  it('accepts a topology whose features equal the model’s', async () => {
    const topology = await fraudTopology();
    expect(topology.featuresFrom).toBe('topology');
    await expect(resolveTopologyModel(topology)).resolves.toMatchObject({ width: 15 });
  });

  it('refuses a topology that drops a log1p the model was trained with, naming both sides', async () => {
    const topology = await fraudTopology((source) =>
      source.replace(
        '    transforms:\n      - op: log1p\n      - op: standardize\n        mean: 3.782',
        '    transforms:\n      - op: standardize\n        mean: 3.782',
      ),
    );
    expect(topology.features[0]).toMatchObject({ transforms: [{ op: 'standardize' }] });
    await expect(resolveTopologyModel(topology)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(
        /^topologies\/fraud\.yaml features\[0\]\.transforms\[0\]\.op is "standardize", but model fraud@1 was trained with features\[0\]\.transforms\[0\]\.op "log1p" \(.*models\/fraud\/1\/model\.json\)/,
      ),
      context: { path: 'features[0].transforms[0].op' },
    });
  });

  it('refuses a changed parameter, vocabulary order or default', async () => {
    const cases: [string, string, string][] = [
      ['std: 1.0796', 'std: 1.08', 'features[0].transforms[1].std'],
      [
        'vocabulary: [pos, ecom, atm, moto]',
        'vocabulary: [ecom, pos, atm, moto]',
        'features[5].vocabulary[0]',
      ],
      [
        '    default: 0\n    transforms:\n      - op: clip',
        '    default: 1\n    transforms:\n      - op: clip',
        'features[3].default',
      ],
    ];
    for (const [from, to, path] of cases) {
      const topology = await fraudTopology((source) => source.replace(from, to));
      await expect(resolveTopologyModel(topology), path).rejects.toMatchObject({
        context: { path },
      });
    }
  });

  it('takes the model’s features when the topology has none', async () => {
    const topology = await fraudTopology((source) =>
      source.replace(/\nfeatures:\n[\s\S]*?\n(?=model:)/, '\n'),
    );
    expect(topology.featuresFrom).toBe('model');
    expect(topology.featureWidth).toBe(15);
    await expect(resolveTopologyModel(topology)).resolves.toMatchObject({ width: 15 });
  });
});
