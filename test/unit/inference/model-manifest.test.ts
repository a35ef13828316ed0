import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamscoreError } from '../../../src/errors.js';
import {
  type ModelManifest,
  loadModelManifest,
  parseModelManifest,
  verifyModelChecksum,
} from '../../../src/inference/index.js';

const FRAUD_MODEL_DIR = resolve('models/fraud/1');

async function fraudManifestJson(): Promise<ModelManifest> {
  return JSON.parse(await readFile(join(FRAUD_MODEL_DIR, 'model.json'), 'utf8')) as ModelManifest;
}

async function caught(promise: Promise<unknown>): Promise<StreamscoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StreamscoreError) return error;
    throw error;
  }
  throw new Error('expected a StreamscoreError');
}

describe('loadModelManifest', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'streamscore-model-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function writeManifest(manifest: unknown): Promise<void> {
    await writeFile(join(directory, 'model.json'), JSON.stringify(manifest, null, 2));
  }

  it('loads the committed fraud manifest, frozen, with absolute paths', async () => {
    const model = await loadModelManifest('models/fraud/1');
    expect(model.manifestPath).toBe(join(FRAUD_MODEL_DIR, 'model.json'));
    expect(model.modelPath).toBe(join(FRAUD_MODEL_DIR, 'model.onnx'));
    expect(model.manifest.name).toBe('fraud');
    expect(model.manifest.version).toBe(1);
    expect(model.manifest.input).toEqual({
      name: 'features',
      elementType: 'float32',
      shape: [null, 15],
    });
    expect(model.manifest.features.flatMap((feature) => feature.columns)).toHaveLength(15);
    expect(model.manifest.training.heldOutAuc).toBeGreaterThan(0.85);
    expect(Object.isFrozen(model.manifest.features[0]?.transforms)).toBe(true);
  });

  it('names the file and the path of every problem', async () => {
    const manifest = await fraudManifestJson();
    const broken = structuredClone(manifest) as unknown as {
      version: unknown;
      features: Array<{ transforms: Array<Record<string, unknown>> }>;
    };
    broken.version = 'one';
    const amountTransforms = broken.features[0]?.transforms ?? [];
    amountTransforms[1] = { op: 'standardize', mean: 3.7, std: -1 };
    await writeManifest(broken);

    const error = await caught(loadModelManifest(directory));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.context.file).toBe(join(directory, 'model.json'));
    expect(error.message).toContain(`${join(directory, 'model.json')}: version:`);
    expect(error.message).toContain('features[0].transforms[1].std');
    expect(error.message).toMatch(/2 problems/);
  });

  it('checks that the features fill exactly the input width', async () => {
    const manifest = await fraudManifestJson();
    await writeManifest({ ...manifest, input: { ...manifest.input, shape: [null, 14] } });
    const error = await caught(loadModelManifest(directory));
    expect(error.context.path).toBe('input.shape[1]');
    expect(error.message).toContain('the features fill 15 columns but the input has 14');
  });

  it('checks one-hot columns against the vocabulary and the score against the outputs', async () => {
    const manifest = structuredClone(await fraudManifestJson());
    const channel = manifest.features.find((feature) => feature.name === 'channel');
    channel?.columns.pop();
    manifest.score = { output: 'probabilities', column: 2 };
    expect(() => parseModelManifest(manifest, 'model.json')).toThrow(
      /features\[5\]\.columns: expected 4 column name\(s\), got 3[\s\S]*score\.column/,
    );
  });

  it('reports a missing manifest and invalid JSON as MODEL_INVALID', async () => {
    const missing = await caught(loadModelManifest(directory));
    expect(missing.code).toBe('MODEL_INVALID');
    expect(missing.message).toContain(join(directory, 'model.json'));

    await writeFile(join(directory, 'model.json'), '{ "name": ');
    const invalid = await caught(loadModelManifest(directory));
    expect(invalid.message).toMatch(/model\.json: not valid JSON/);
  });

  it('refuses a model file outside the manifest directory', async () => {
    const manifest = await fraudManifestJson();
    expect(() => parseModelManifest({ ...manifest, file: '../other.onnx' }, 'm.json')).toThrow(
      /m\.json: file: a file name in the same directory/,
    );
  });
});

describe('verifyModelChecksum', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'streamscore-model-'));
    await copyFile(join(FRAUD_MODEL_DIR, 'model.json'), join(directory, 'model.json'));
    await copyFile(join(FRAUD_MODEL_DIR, 'model.onnx'), join(directory, 'model.onnx'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('accepts the file the manifest describes', async () => {
    await expect(verifyModelChecksum(await loadModelManifest(directory))).resolves.toBeUndefined();
  });

  it('detects a model file that was changed after the manifest was written', async () => {
    const modelPath = join(directory, 'model.onnx');
    const bytes = await readFile(modelPath);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(modelPath, bytes);

    const error = await caught(verifyModelChecksum(await loadModelManifest(directory)));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.context.file).toBe(modelPath);
    expect(error.context.expected).toBe((await fraudManifestJson()).sha256);
    expect(error.message).toMatch(/has sha256 [0-9a-f]{64} but .*model\.json expects/);
  });

  it('reports a missing model file', async () => {
    await rm(join(directory, 'model.onnx'));
    const error = await caught(verifyModelChecksum(await loadModelManifest(directory)));
    expect(error.message).toContain('cannot read model file');
  });
});
