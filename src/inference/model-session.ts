/**
 * One ONNX Runtime session on the first execution provider that loads, warmed up for every
 * batch size the batcher will send. Runs in the calling thread; see the worker pool for models
 * heavy enough to stall Kafka I/O.
 */
import ort from 'onnxruntime-node';
import { StreamscoreError } from '../errors.js';
import type { Logger } from '../observability/index.js';
import type { ExecutionProvider } from '../topology/index.js';

export interface ModelOutputTensor {
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
  readonly dims: readonly number[];
}

export type ModelOutputs = Readonly<Record<string, ModelOutputTensor>>;

/** A finished run: the outputs, and the rows buffer handed back (it may have travelled). */
export interface ModelRun {
  readonly outputs: ModelOutputs;
  readonly rows: Float32Array;
}

export interface ModelSession {
  /** The execution provider that loaded. */
  readonly provider: ExecutionProvider;
  readonly inputName: string;
  readonly outputNames: readonly string[];
  /** Feature columns per row. */
  readonly width: number;
  /**
   * Scores `runSize` rows of `rows` (row-major, `width` columns). The session may take `rows`
   * (a worker thread receives its buffer by transfer); use the `rows` it returns afterwards.
   */
  run(rows: Float32Array, runSize: number): Promise<ModelRun>;
  release(): Promise<void>;
}

export interface ModelSessionOptions {
  readonly modelPath: string;
  /** Used in errors and logs, e.g. `fraud@1`. */
  readonly modelLabel: string;
  readonly inputName: string;
  readonly outputNames: readonly string[];
  readonly width: number;
  readonly executionProviders: readonly ExecutionProvider[];
  /** Batch sizes to run once at load, so the first real batches are not slow. */
  readonly warmupBatchSizes: readonly number[];
  readonly logger: Logger;
  /** Threads ONNX Runtime may use inside one run; 0 lets it decide. */
  readonly intraOpThreads?: number;
}

const ORT_PROVIDER_NAMES: Record<ExecutionProvider, string> = {
  cpu: 'cpu',
  cuda: 'cuda',
  tensorrt: 'tensorrt',
};

export async function createModelSession(options: ModelSessionOptions): Promise<ModelSession> {
  const { session, provider } = await openOnFirstProvider(options);
  try {
    checkSignature(session, options);
    const inputName = options.inputName;
    const width = options.width;
    const run = async (rows: Float32Array, runSize: number): Promise<ModelRun> => {
      const input = new ort.Tensor('float32', rows.subarray(0, runSize * width), [runSize, width]);
      const results = await session.run({ [inputName]: input }, options.outputNames as string[]);
      const outputs: Record<string, ModelOutputTensor> = {};
      for (const name of options.outputNames) {
        const tensor = results[name] as ort.Tensor;
        outputs[name] = { data: tensor.data as ModelOutputTensor['data'], dims: tensor.dims };
      }
      return { outputs, rows };
    };
    const warmupStart = performance.now();
    for (const size of new Set(options.warmupBatchSizes)) {
      await run(new Float32Array(size * width), size);
    }
    options.logger.info(
      {
        model: options.modelLabel,
        provider,
        warmupBatchSizes: [...new Set(options.warmupBatchSizes)],
        warmupMs: Math.round(performance.now() - warmupStart),
      },
      'model session ready',
    );
    return {
      provider,
      inputName,
      outputNames: options.outputNames,
      width,
      run,
      release: () => session.release(),
    };
  } catch (error) {
    await session.release();
    throw error;
  }
}

async function openOnFirstProvider(options: ModelSessionOptions) {
  const failures: string[] = [];
  for (const provider of options.executionProviders) {
    try {
      const session = await ort.InferenceSession.create(options.modelPath, {
        executionProviders: [ORT_PROVIDER_NAMES[provider]],
        intraOpNumThreads: options.intraOpThreads ?? 0,
        graphOptimizationLevel: 'all',
      });
      return { session, provider };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(`${provider}: ${reason}`);
      const next = options.executionProviders[options.executionProviders.indexOf(provider) + 1];
      if (next !== undefined) {
        options.logger.warn(
          { model: options.modelLabel, provider, fallback: next, reason },
          'execution provider unavailable, falling back',
        );
      }
    }
  }
  throw new StreamscoreError(
    'MODEL_INVALID',
    `model ${options.modelLabel} (${options.modelPath}) did not load on any execution provider: ${failures.join('; ')}`,
    { context: { model: options.modelLabel, file: options.modelPath } },
  );
}

/** Refuses a model whose input or outputs disagree with what the topology will feed and read. */
function checkSignature(session: ort.InferenceSession, options: ModelSessionOptions): void {
  const where = `model ${options.modelLabel} (${options.modelPath})`;
  const input = session.inputMetadata.find((meta) => meta.name === options.inputName);
  if (input === undefined) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${where} has no input "${options.inputName}" (inputs: ${session.inputNames.join(', ')})`,
      { context: { model: options.modelLabel } },
    );
  }
  if (input.isTensor) {
    if (input.type !== 'float32') {
      throw new StreamscoreError(
        'MODEL_INVALID',
        `${where} input "${input.name}" takes ${input.type}, but features are float32`,
        { context: { model: options.modelLabel } },
      );
    }
    const declaredWidth = input.shape.at(-1);
    if (
      input.shape.length !== 2 ||
      (typeof declaredWidth === 'number' && declaredWidth !== options.width)
    ) {
      throw new StreamscoreError(
        'MODEL_INVALID',
        `the topology's features make ${options.width} columns, but ${where} input "${input.name}" expects shape [${input.shape.join(', ')}]`,
        { context: { model: options.modelLabel, topologyWidth: options.width } },
      );
    }
  }
  const missing = options.outputNames.filter((name) => !session.outputNames.includes(name));
  if (missing.length > 0) {
    throw new StreamscoreError(
      'MODEL_INVALID',
      `${where} has no output ${missing.map((name) => `"${name}"`).join(', ')} (outputs: ${session.outputNames.join(', ')})`,
      { context: { model: options.modelLabel } },
    );
  }
}
