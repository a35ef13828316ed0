/**
 * What an ONNX file takes and gives, read from the file itself by ONNX Runtime: the facts a
 * manifest records about the graph, so that nobody types them by hand.
 */
import { InferenceSession } from 'onnxruntime-node';
import { StreamscoreError } from '../errors.js';
import type { ModelManifest, ModelOutputSpec } from '../models/index.js';

export interface ModelSignature {
  readonly inputs: readonly ModelOutputSpec[];
  readonly outputs: readonly ModelOutputSpec[];
}

export async function readModelSignature(modelPath: string): Promise<ModelSignature> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
  } catch (error) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${modelPath} is not a model ONNX Runtime can load: ${(error as Error).message}`,
      { cause: error, context: { file: modelPath } },
    );
  }
  try {
    const describe = (role: string) => (value: InferenceSession.ValueMetadata) => {
      if (!value.isTensor) {
        throw new StreamscoreError(
          'MODEL_INVALID',
          `${modelPath}: ${role} "${value.name}" is not a tensor (a sequence or map, such as skl2onnx's ZipMap): export the model with tensor outputs (skl2onnx: options={"zipmap": False})`,
          { context: { file: modelPath, [role]: value.name } },
        );
      }
      return {
        name: value.name,
        elementType: value.type as ModelOutputSpec['elementType'],
        // Symbolic dimensions ("N", "batch", or "" when unnamed) are dynamic.
        shape: value.shape.map((size) => (typeof size === 'number' && size > 0 ? size : null)),
      };
    };
    return {
      inputs: session.inputMetadata.map(describe('input')),
      outputs: session.outputMetadata.map(describe('output')),
    };
  } finally {
    await session.release();
  }
}

/**
 * The manifest's `input`, from the graph's one input, checked against the width the feature
 * spec fills: a float32 `[batch, width]` matrix.
 */
export function manifestInput(
  signature: ModelSignature,
  featureWidth: number,
  modelPath: string,
): ModelManifest['input'] {
  const fail = (message: string) =>
    new StreamscoreError('MODEL_INVALID', `${modelPath}: ${message}`, {
      context: { file: modelPath },
    });
  const [input, ...others] = signature.inputs;
  if (input === undefined || others.length > 0) {
    const names = signature.inputs.map(({ name }) => name).join(', ');
    throw fail(
      `expected one input (a float32 matrix of feature rows), found ${signature.inputs.length}: ${names}`,
    );
  }
  if (input.elementType !== 'float32') {
    throw fail(`input "${input.name}" is ${input.elementType}; expected float32`);
  }
  const [, width, ...rest] = input.shape;
  if (input.shape.length !== 2 || rest.length > 0) {
    throw fail(
      `input "${input.name}" has shape ${JSON.stringify(input.shape)}; expected [batch, width]`,
    );
  }
  if (width !== null && width !== undefined && width !== featureWidth) {
    throw fail(
      `input "${input.name}" takes ${width} columns, but the feature spec fills ${featureWidth}`,
    );
  }
  return { name: input.name, elementType: 'float32', shape: [null, featureWidth] };
}

/**
 * Where the score is: the output and column asked for, else the only output, else the one
 * named like a probability; a two-column output scores its second (positive-class) column.
 */
export function manifestScore(
  outputs: readonly ModelOutputSpec[],
  asked: { readonly output?: string; readonly column?: number },
  modelPath: string,
): ModelManifest['score'] {
  const names = outputs.map(({ name }) => name);
  const chosen =
    asked.output === undefined
      ? outputs.length === 1
        ? outputs[0]
        : outputs.find(({ name }) => /^(probabilities|probability|score|scores)$/i.test(name))
      : outputs.find(({ name }) => name === asked.output);
  if (chosen === undefined) {
    const why =
      asked.output === undefined ? 'which output holds the score?' : `no output "${asked.output}"`;
    throw new StreamscoreError(
      'USAGE',
      `${modelPath}: ${why} Name it with --score-output (one of ${names.join(', ')})`,
      { context: { file: modelPath } },
    );
  }
  const columns = chosen.shape.length === 2 ? chosen.shape[1] : undefined;
  const column = asked.column ?? (columns === 2 ? 1 : columns === 1 ? 0 : undefined);
  if (column === undefined || columns === undefined || columns === null || column >= columns) {
    throw new StreamscoreError(
      'USAGE',
      `${modelPath}: output "${chosen.name}" has shape ${JSON.stringify(chosen.shape)}: the score must be one column of a [batch, k] output; give --score-column (0 to k-1) or pick another --score-output`,
      { context: { file: modelPath, output: chosen.name } },
    );
  }
  return { output: chosen.name, column };
}
