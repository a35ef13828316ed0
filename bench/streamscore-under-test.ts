/**
 * The real engine as the system under test: `node bin/streamscore.js run <topology>` in its own
 * process, pointed at the bench's topics through the topology's environment variables, exactly
 * as an operator runs it. Topology variants (another model, batching or inference mode) are
 * written as files next to the bench's other scratch data.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { findFreePort } from '../tools/devstack/index.js';
import { sumPrometheusSamples } from '../src/observability/index.js';
import type { KafkaClientName } from '../src/io/index.js';
import type { ExecutionProvider } from '../src/topology/index.js';
import { PIPELINE_STAGES, type PipelineStage, type ProcessMemory } from './bench-results.js';
import { startChild, type ChildUnderTest } from './child-process.js';

/** The checkout: bench/ is one level below it in source, two in dist/bench/. */
export const repoRoot = fileURLToPath(
  new URL(
    existsSync(new URL('../package.json', import.meta.url)) ? '../' : '../../',
    import.meta.url,
  ),
);
const cliPath = join(repoRoot, 'bin', 'streamscore.js');

/** The reference topology every streamscore scenario starts from. */
export const referenceTopologyFile = join(repoRoot, 'topologies', 'fraud.yaml');

export interface TopologyVariant {
  /** Registry directory, absolute (the variant file lives elsewhere). */
  readonly registryDir: string;
  readonly modelName: string;
  readonly maxDelayMs?: number;
  readonly maxBatchSize?: number;
  readonly maxQueuedEvents?: number;
  readonly inference?: {
    readonly mode: 'in-thread' | 'worker-threads';
    readonly workers?: number;
    readonly intraOpThreads?: number;
  };
  readonly executionProviders?: readonly ExecutionProvider[];
  /** Turns the drift side stream on (its reference: next to the model). */
  readonly drift?: boolean;
  readonly fetchMaxBytesPerPartition?: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly client?: KafkaClientName;
  /** `scaling.pipelines`: scoring pipelines in worker threads of the one process. */
  readonly pipelines?: number;
}

/**
 * Writes topologies/fraud.yaml with the variant's changes to `file`. Its `${VAR}` placeholders
 * stay, so the same environment points it at the bench's topics.
 */
export async function writeTopologyVariant(file: string, variant: TopologyVariant): Promise<void> {
  const document = parse(await readFile(referenceTopologyFile, 'utf8')) as {
    kafka: Record<string, unknown>;
    input: Record<string, unknown>;
    model: Record<string, unknown>;
    batching?: Record<string, unknown>;
    drift?: Record<string, unknown>;
    scaling?: Record<string, unknown>;
  };
  document.model['registry'] = variant.registryDir;
  document.model['name'] = variant.modelName;
  if (variant.inference !== undefined) document.model['inference'] = { ...variant.inference };
  if (variant.executionProviders !== undefined) {
    document.model['executionProviders'] = [...variant.executionProviders];
  }
  if (variant.client !== undefined) document.kafka['client'] = variant.client;
  if (variant.drift === true) document.drift = { ...document.drift, enabled: true };
  if (variant.pipelines !== undefined) {
    document.scaling = { ...document.scaling, pipelines: variant.pipelines };
  }
  const { fetchMaxBytesPerPartition, partitionsConsumedConcurrently } = variant;
  document.input = {
    ...document.input,
    ...(fetchMaxBytesPerPartition === undefined ? {} : { fetchMaxBytesPerPartition }),
    ...(partitionsConsumedConcurrently === undefined ? {} : { partitionsConsumedConcurrently }),
  };
  document.batching = {
    ...document.batching,
    ...(variant.maxDelayMs === undefined ? {} : { maxDelayMs: variant.maxDelayMs }),
    ...(variant.maxBatchSize === undefined ? {} : { maxBatchSize: variant.maxBatchSize }),
    ...(variant.maxQueuedEvents === undefined ? {} : { maxQueuedEvents: variant.maxQueuedEvents }),
  };
  await writeFile(
    file,
    `# Written by streamscore bench from topologies/fraud.yaml.\n${stringify(document)}`,
  );
}

export interface StreamscoreTopics {
  readonly brokers: string;
  readonly input: string;
  readonly output: string;
  readonly deadLetter: string;
  readonly group: string;
}

export interface StreamscoreUnderTest extends ChildUnderTest {
  readonly httpPort: number;
  /** Polls /readyz until the group is joined and the model warm. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Sum of a Prometheus series over its labels, from /metrics. */
  metric(name: string): Promise<number | undefined>;
  /** Mean events per inference batch so far (batch-size histogram sum / count). */
  meanBatchSize(): Promise<number | undefined>;
  /** Its memory now, by where it lives (from the process metrics). */
  memory(): Promise<ProcessMemory | undefined>;
  /** Mean milliseconds per pipeline stage so far (`streamscore_stage_duration_seconds`). */
  stageMeansMs(): Promise<Record<PipelineStage, number> | undefined>;
}

/** `only`: run just one part of the topology (`streamscore run --only`). */
export async function startStreamscore(
  topologyFile: string,
  topics: StreamscoreTopics,
  only?: 'scoring' | 'drift',
): Promise<StreamscoreUnderTest> {
  const httpPort = await findFreePort();
  const child = startChild(
    process.execPath,
    [
      cliPath,
      'run',
      topologyFile,
      '--http-port',
      String(httpPort),
      ...(only === undefined ? [] : ['--only', only]),
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        KAFKA_BROKERS: topics.brokers,
        INPUT_TOPIC: topics.input,
        OUTPUT_TOPIC: topics.output,
        DLQ_TOPIC: topics.deadLetter,
        CONSUMER_GROUP: topics.group,
        METRICS_PORT: String(httpPort),
      },
    },
  );
  const base = `http://127.0.0.1:${httpPort}`;
  const metric = async (name: string) =>
    sumPrometheusSamples(await (await fetch(`${base}/metrics`)).text(), name);
  return {
    ...child,
    httpPort,
    async waitReady(timeoutMs = 60_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if (child.hasExited()) {
          throw new Error(`streamscore exited before it was ready:\n${child.outputTail()}`);
        }
        try {
          if ((await fetch(`${base}/readyz`)).status === 200) return;
        } catch {
          // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`streamscore not ready after ${timeoutMs} ms:\n${child.outputTail()}`);
    },
    metric,
    async meanBatchSize() {
      const sum = await metric('streamscore_batch_size_events_sum');
      const count = await metric('streamscore_batch_size_events_count');
      return sum === undefined || !count ? undefined : sum / count;
    },
    async stageMeansMs() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const means: Partial<Record<PipelineStage, number>> = {};
      for (const stage of PIPELINE_STAGES) {
        const read = (suffix: string) =>
          sumPrometheusSamples(text, `streamscore_stage_duration_seconds_${suffix}`, { stage });
        const sum = read('sum');
        const count = read('count');
        if (sum === undefined || !count) return undefined;
        means[stage] = (sum / count) * 1000;
      }
      return means as Record<PipelineStage, number>;
    },
    async memory() {
      const text = await (await fetch(`${base}/metrics`)).text();
      const read = (name: string) => sumPrometheusSamples(text, `streamscore_process_${name}`);
      const rssBytes = read('process_resident_memory_bytes');
      const heapTotalBytes = read('nodejs_heap_size_total_bytes');
      const heapUsedBytes = read('nodejs_heap_size_used_bytes');
      const externalBytes = read('nodejs_external_memory_bytes');
      return rssBytes === undefined ||
        heapTotalBytes === undefined ||
        heapUsedBytes === undefined ||
        externalBytes === undefined
        ? undefined
        : { rssBytes, heapTotalBytes, heapUsedBytes, externalBytes };
    },
  };
}
