import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LoadedModelManifest,
  loadModelManifest,
  sha256OfFile,
} from '../../../src/models/index.js';
import type { FeatureSpec } from '../../../src/features/index.js';

/** The committed reference model is data under test: it must load and score as recorded. */

interface GoldenCase {
  note: string;
  event: unknown;
  features: number[];
  label: number;
  probabilities: [number, number];
}

/**
 * A plain reading of the manifest's feature spec (the topology vocabulary, docs/topology.md's
 * reference), here only to prove that the manifest alone is enough to rebuild the vectors the
 * model was trained on; the engine's own feature pipeline is tested on its own.
 */
function columnsFromSpec(event: unknown, feature: FeatureSpec): number[] {
  let value: unknown = event;
  for (const key of feature.path.split('.')) {
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  value ??= feature.default;
  if (value === null || value === undefined) throw new Error(`missing ${feature.path}`);
  switch (feature.type) {
    case 'boolean':
      return [value === true ? 1 : 0];
    case 'category': {
      const position = feature.vocabulary.indexOf(value as string);
      if (feature.encoding === 'index') return [position];
      return feature.vocabulary.map((_, index) => (index === position ? 1 : 0));
    }
    case 'timestamp':
    case 'number': {
      if (feature.type === 'timestamp') {
        expect(feature.derive).toBe('hourOfDay');
        value = new Date(value as string).getUTCHours();
      }
      let scalar = value as number;
      for (const transform of feature.transforms) {
        if (transform.op === 'log1p') scalar = Math.log1p(scalar);
        else if (transform.op === 'standardize') scalar = (scalar - transform.mean) / transform.std;
        else
          scalar = Math.min(
            Math.max(scalar, transform.min ?? -Infinity),
            transform.max ?? Infinity,
          );
      }
      return [scalar];
    }
  }
}

interface Golden {
  tolerance: number;
  cases: GoldenCase[];
}

describe('models/fraud/1', () => {
  let model: LoadedModelManifest;
  let session: InferenceSession;
  let golden: Golden;

  beforeAll(async () => {
    model = loadModelManifest('models/fraud/1');
    session = await InferenceSession.create(model.modelPath, { executionProviders: ['cpu'] });
    golden = JSON.parse(await readFile(join('models/fraud/1', 'golden.json'), 'utf8')) as Golden;
  });

  afterAll(async () => {
    await session?.release();
  });

  it('is the file the manifest describes', async () => {
    expect(await sha256OfFile(model.modelPath)).toBe(model.manifest.sha256);
  });

  it('has the input and outputs the manifest names', () => {
    const { input, outputs } = model.manifest;
    expect(session.inputNames).toEqual([input.name]);
    expect(session.outputNames).toEqual(outputs.map((output) => output.name));
    const [inputMetadata] = session.inputMetadata;
    expect(inputMetadata?.isTensor).toBe(true);
    if (inputMetadata?.isTensor) {
      expect(inputMetadata.type).toBe(input.elementType);
      expect(inputMetadata.shape[1]).toBe(input.shape[1]);
    }
    session.outputMetadata.forEach((metadata, index) => {
      const declared = outputs[index];
      expect(metadata.isTensor).toBe(true);
      if (metadata.isTensor && declared !== undefined) {
        expect(metadata.type).toBe(declared.elementType);
        expect(metadata.shape.length).toBe(declared.shape.length);
        declared.shape.forEach((dimension, axis) => {
          if (dimension !== null) expect(metadata.shape[axis]).toBe(dimension);
        });
      }
    });
  });

  it('rebuilds the golden feature vectors from the golden events with the manifest spec', () => {
    for (const goldenCase of golden.cases) {
      const row = model.manifest.features.flatMap((feature) =>
        columnsFromSpec(goldenCase.event, feature),
      );
      expect(Array.from(Float32Array.from(row)), goldenCase.note).toEqual(
        goldenCase.features.map((value) => Math.fround(value)),
      );
    }
  });

  it('reproduces the golden scores from the golden feature vectors', async () => {
    const width = model.manifest.input.shape[1];
    const cases = golden.cases;
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const data = new Float32Array(cases.length * width);
    cases.forEach((goldenCase, row) => {
      expect(goldenCase.features).toHaveLength(width);
      data.set(goldenCase.features, row * width);
    });
    const results = await session.run({
      [model.manifest.input.name]: new Tensor('float32', data, [cases.length, width]),
    });
    const probabilities = results[model.manifest.score.output];
    const labels = results.label;
    expect(probabilities?.dims).toEqual([cases.length, 2]);
    const scores = probabilities?.data as Float32Array;
    const predicted = labels?.data as BigInt64Array;
    cases.forEach((goldenCase, row) => {
      expect(Math.abs((scores[row * 2] ?? NaN) - goldenCase.probabilities[0])).toBeLessThanOrEqual(
        golden.tolerance,
      );
      expect(
        Math.abs((scores[row * 2 + 1] ?? NaN) - goldenCase.probabilities[1]),
      ).toBeLessThanOrEqual(golden.tolerance);
      expect(Number(predicted[row])).toBe(goldenCase.label);
    });
  });

  it('separates the fraud cases from the genuine ones', () => {
    const heldOut = golden.cases.filter((goldenCase) => goldenCase.note === 'held-out event');
    const scoreOf = (fraud: boolean): number[] =>
      heldOut
        .filter(
          (goldenCase) =>
            (goldenCase.event as { label: { is_fraud: boolean } }).label.is_fraud === fraud,
        )
        .map((goldenCase) => goldenCase.probabilities[1]);
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    expect(median(scoreOf(true))).toBeGreaterThan(0.5);
    expect(median(scoreOf(false))).toBeLessThan(0.05);
  });
});
