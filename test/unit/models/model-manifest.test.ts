import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamscoreError } from '../../../src/errors.js';
import { featureColumnNames } from '../../../src/features/index.js';
import { replaceGeneratedSection } from '../../../src/schema/schema-reference.js';
import {
  type ModelManifest,
  loadModelManifest,
  manifestReferenceMarkdown,
  parseModelManifest,
  verifyModelChecksum,
} from '../../../src/models/index.js';

const FRAUD_MODEL_DIR = resolve('models/fraud/1');

async function fraudManifestJson(): Promise<ModelManifest> {
  return JSON.parse(await readFile(join(FRAUD_MODEL_DIR, 'model.json'), 'utf8')) as ModelManifest;
}

async function caught(action: () => unknown): Promise<StreamscoreError> {
  try {
    await action();
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
    const model = loadModelManifest('models/fraud/1');
    expect(model.manifestPath).toBe(join(FRAUD_MODEL_DIR, 'model.json'));
    expect(model.modelPath).toBe(join(FRAUD_MODEL_DIR, 'model.onnx'));
    expect(model.manifest.name).toBe('fraud');
    expect(model.manifest.version).toBe(1);
    expect(model.manifest.input).toEqual({
      name: 'features',
      elementType: 'float32',
      shape: [null, 15],
    });
    expect(model.format).toBe('current');
    expect(featureColumnNames(model.manifest.features)).toHaveLength(15);
    expect(model.manifest.training?.heldOutAuc).toBeGreaterThan(0.85);
    expect(Object.isFrozen(model.manifest.features[0])).toBe(true);
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

    const error = await caught(() => loadModelManifest(directory));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.context.file).toBe(join(directory, 'model.json'));
    expect(error.message).toContain(`${join(directory, 'model.json')}: version:`);
    expect(error.message).toContain('features[0].transforms[1].std');
    expect(error.message).toMatch(/2 problems/);
  });

  it('checks that the features fill exactly the input width', async () => {
    const manifest = await fraudManifestJson();
    await writeManifest({ ...manifest, input: { ...manifest.input, shape: [null, 14] } });
    const error = await caught(() => loadModelManifest(directory));
    expect(error.context.path).toBe('input.shape[1]');
    expect(error.message).toContain('the features fill 15 columns but the input has 14');
  });

  it('checks the score against the outputs', async () => {
    const manifest = structuredClone(await fraudManifestJson());
    manifest.score = { output: 'probabilities', column: 2 };
    expect(() => parseModelManifest(manifest, 'model.json')).toThrow(
      /model\.json: score\.column: output "probabilities" has no column 2/,
    );
  });

  it('reads a legacy manifest as its equivalent in the topology vocabulary', async () => {
    const legacy = JSON.parse(
      await readFile('test/fixtures/models/legacy-fraud-model.json', 'utf8'),
    );
    const { manifest, format } = parseModelManifest(legacy, 'legacy.json');
    expect(format).toBe('legacy');
    expect(manifest.features).toEqual((await fraudManifestJson()).features);
  });

  it('refuses a legacy feature the topology vocabulary cannot express, by name', async () => {
    const legacy = JSON.parse(
      await readFile('test/fixtures/models/legacy-fraud-model.json', 'utf8'),
    );
    legacy.features[6].transforms[0].unknown = 99;
    expect(() => parseModelManifest(legacy, 'legacy.json')).toThrow(
      /legacy\.json: features\[6\]\.transforms\[0\]\.unknown: unknown index 99 has no equivalent/,
    );
    legacy.features[6].transforms[0].unknown = -1;
    legacy.features[5].columns.pop();
    expect(() => parseModelManifest(legacy, 'legacy.json')).toThrow(
      /features\[5\]\.columns: columns .* are not the ones the feature fills/,
    );
  });

  it('refuses a topology-vocabulary feature spec that breaks its rules', async () => {
    const manifest = structuredClone(await fraudManifestJson()) as unknown as {
      features: Array<Record<string, unknown>>;
    };
    manifest.features[5] = { ...manifest.features[5], vocabulary: ['pos', 'pos', 'atm', 'moto'] };
    expect(() => parseModelManifest(manifest, 'model.json')).toThrow(
      /features\[5\]\.vocabulary\[1\]: duplicate vocabulary value "pos"/,
    );
  });

  it('reports a missing manifest and invalid JSON as MODEL_INVALID', async () => {
    const missing = await caught(() => loadModelManifest(directory));
    expect(missing.code).toBe('MODEL_INVALID');
    expect(missing.message).toContain(join(directory, 'model.json'));

    await writeFile(join(directory, 'model.json'), '{ "name": ');
    const invalid = await caught(() => loadModelManifest(directory));
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
    await expect(verifyModelChecksum(loadModelManifest(directory))).resolves.toBeUndefined();
  });

  it('detects a model file that was changed after the manifest was written', async () => {
    const modelPath = join(directory, 'model.onnx');
    const bytes = await readFile(modelPath);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(modelPath, bytes);

    const error = await caught(() => verifyModelChecksum(loadModelManifest(directory)));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.context.file).toBe(modelPath);
    expect(error.context.expected).toBe((await fraudManifestJson()).sha256);
    expect(error.message).toMatch(/has sha256 [0-9a-f]{64} but .*model\.json expects/);
  });

  it('reports a missing model file', async () => {
    await rm(join(directory, 'model.onnx'));
    const error = await caught(() => verifyModelChecksum(loadModelManifest(directory)));
    expect(error.message).toContain('cannot read model file');
  });
});

describe('docs/model-manifest.md', () => {
  it('holds the field reference rendered from the schema (regenerate: npm run schema)', async () => {
    const doc = await readFile('docs/model-manifest.md', 'utf8');
    expect(doc).toBe(
      replaceGeneratedSection(doc, 'manifest-reference', manifestReferenceMarkdown()),
    );
    expect(doc).toContain('| `features[].transforms[].op`');
  });
});
