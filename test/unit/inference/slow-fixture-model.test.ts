import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LoadedModelManifest,
  loadModelManifest,
  resolveModel,
  verifyModelChecksum,
} from '../../../src/models/index.js';

/**
 * The deliberately slow fixture model (test/fixtures/models/make_slow_model.py) stands in for
 * fraud@1 in backlog tests, so it must be a valid registry entry with fraud@1's interface.
 * Its cost per batch is measured when it is generated, never asserted here.
 */

const REGISTRY = 'test/fixtures/models';
const MODEL_DIR = `${REGISTRY}/slow-fraud/1`;

describe('test/fixtures/models/slow-fraud/1', () => {
  let model: LoadedModelManifest;
  let session: InferenceSession;

  beforeAll(async () => {
    model = loadModelManifest(MODEL_DIR);
    session = await InferenceSession.create(model.modelPath, { executionProviders: ['cpu'] });
  });

  afterAll(async () => {
    await session?.release();
  });

  it('has a valid manifest and the file it describes', async () => {
    expect(model.manifest.name).toBe('slow-fraud');
    expect(model.manifest.version).toBe(1);
    await expect(verifyModelChecksum(model)).resolves.toBeUndefined();
  });

  it('resolves from its registry and takes the same feature columns as fraud@1', async () => {
    const fraud = loadModelManifest('models/fraud/1');
    expect(model.manifest.input).toEqual(fraud.manifest.input);
    expect(model.manifest.features).toEqual(fraud.manifest.features);
    expect(model.manifest.score).toMatchObject({ output: 'probabilities', column: 1 });
    const resolved = await resolveModel(REGISTRY, 'slow-fraud', 'latest');
    expect(resolved.label).toBe('slow-fraud@1');
    expect(resolved.manifest.features).toEqual(fraud.manifest.features);
  });

  it('has the input and outputs the manifest names', () => {
    expect(session.inputNames).toEqual([model.manifest.input.name]);
    expect([...session.outputNames].sort()).toEqual(
      model.manifest.outputs.map((output) => output.name).sort(),
    );
  });

  it('scores a batch into softmax rows and their argmax labels', async () => {
    const width = model.manifest.input.shape[1];
    const rows = 4;
    const data = Float32Array.from({ length: rows * width }, (_, index) =>
      Math.sin(index * 0.7 + 0.3),
    );
    const results = await session.run({
      [model.manifest.input.name]: new Tensor('float32', data, [rows, width]),
    });
    const probabilities = results.probabilities;
    const labels = results.label;
    expect(probabilities?.type).toBe('float32');
    expect(probabilities?.dims).toEqual([rows, 2]);
    expect(labels?.type).toBe('int64');
    expect(labels?.dims).toEqual([rows]);
    const scores = probabilities?.data as Float32Array;
    const predicted = labels?.data as BigInt64Array;
    for (let row = 0; row < rows; row++) {
      const p0 = scores[row * 2] ?? NaN;
      const p1 = scores[row * 2 + 1] ?? NaN;
      expect(p0).toBeGreaterThanOrEqual(0);
      expect(p1).toBeGreaterThanOrEqual(0);
      expect(Math.abs(p0 + p1 - 1)).toBeLessThanOrEqual(1e-5);
      expect(Number(predicted[row])).toBe(p1 > p0 ? 1 : 0);
    }
  });
});
