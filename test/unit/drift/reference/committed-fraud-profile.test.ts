/**
 * models/fraud/1/reference.json is data under test: it must parse, describe exactly the
 * subjects topologies/fraud.yaml and the model produce, and belong to the model file beside it.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  checkProfileMatches,
  featureSubjects,
  parseReferenceProfile,
} from '../../../../src/drift/index.js';
import { labelSubject, scoreSubject } from '../../../../src/drift/reference/index.js';
import { loadModelManifest } from '../../../../src/models/index.js';
import { loadTopology } from '../../../../src/topology/index.js';

describe('models/fraud/1/reference.json', () => {
  it('is the profile of the fraud model and topology', async () => {
    const file = 'models/fraud/1/reference.json';
    const profile = parseReferenceProfile(JSON.parse(await readFile(file, 'utf8')), file);
    const topology = await loadTopology('topologies/fraud.yaml', { env: {} });
    const { manifest } = await loadModelManifest('models/fraud/1');
    expect(profile.model?.sha256).toBe(manifest.sha256);
    checkProfileMatches(
      profile,
      {
        subjects: [
          ...featureSubjects(topology.features),
          scoreSubject(manifest.score.output, manifest.score.column),
          labelSubject('label'),
        ],
        model: {
          name: manifest.name,
          version: manifest.version,
          sha256: manifest.sha256,
          score: { output: 'probabilities', column: 1, field: 'fraud.probability' },
          label: { output: 'label', field: 'fraud.label' },
        },
      },
      file,
    );
    // Built from the held-out stream the manifest names (generate --count 50000 --seed 2).
    expect(profile.data.file).toBe('holdout.jsonl');
    expect(profile.data.events).toBe(50_000);
    expect(profile.calibration?.windowEvents).toBe(1000);
    expect(profile.calibration?.windows).toBe(15);
    const kinds = Object.fromEntries(profile.subjects.map((s) => [s.name, s.binning.kind]));
    expect(kinds).toEqual({
      amount_log: 'numeric',
      hour_of_day: 'numeric',
      card_present: 'categorical',
      txn_count_1h: 'categorical',
      amount_sum_24h_log: 'numeric',
      channel: 'categorical',
      merchant_category: 'categorical',
      merchant_country: 'categorical',
      __score__: 'numeric',
      __label__: 'categorical',
    });
  });
});
