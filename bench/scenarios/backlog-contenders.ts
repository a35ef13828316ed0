/**
 * The two ways a contender drains the shared backlog: streamscore itself (`streamscore run` on a
 * topology variant), or another program started as a process with the same environment.
 */
import { join } from 'node:path';
import { intraOpThreadsPerPipeline } from '../../src/engine/index.js';
import type { Topology } from '../../src/topology/index.js';
import type { BenchContext, RunTopics } from '../bench-context.js';
import type { BacklogRun } from '../bench-results.js';
import { measureBacklogRun } from '../backlog-run.js';
import { startChild, type ChildUnderTest } from '../child-process.js';
import { PEER_ENV } from '../peers/peer-environment.js';
import type { PythonEnvironment } from '../python-environment.js';
import { resolveModel } from '../../src/models/index.js';
import {
  startStreamscore,
  writeTopologyVariant,
  type TopologyVariant,
} from '../streamscore-under-test.js';

export async function runStreamscoreOnBacklog(
  context: BenchContext,
  options: {
    readonly label: string;
    readonly variant: TopologyVariant;
    readonly capSeconds: number;
    /**
     * With a drift-enabled variant: run the drift side stream as its own process beside the
     * scorer (`--only drift` and `--only scoring`); the scorer alone is measured.
     */
    readonly driftProcess?: boolean;
  },
): Promise<BacklogRun> {
  const backlog = await context.backlog();
  const topics = await context.createRunTopics(options.label);
  const topologyFile = join(context.scratchDir, `${options.label}.yaml`);
  await writeTopologyVariant(topologyFile, options.variant);
  const runTopics = { brokers: context.brokers, ...topics };
  const drift = options.driftProcess
    ? await startStreamscore(topologyFile, runTopics, 'drift')
    : undefined;
  try {
    await drift?.waitReady();
    const startedAtMs = performance.now();
    const scorer = await startStreamscore(
      topologyFile,
      runTopics,
      drift === undefined ? undefined : 'scoring',
    );
    return await measureBacklogRun({
      admin: context.admin,
      outputTopic: topics.output,
      backlogRecords: backlog.records,
      capSeconds: options.capSeconds,
      processUnderTest: scorer,
      startedAtMs,
      beforeStop: async () => ({
        meanBatchSize: await scorer.meanBatchSize().catch(() => undefined),
        memory: await scorer.memory().catch(() => undefined),
      }),
      config: variantConfig(options.variant, context.referenceTopology),
      onProgress: progressPrinter(context, options.label, backlog.records),
    });
  } finally {
    await drift?.stop();
    await context.dropRunTopics(topics);
  }
}

export async function runProcessOnBacklog(
  context: BenchContext,
  options: PeerProcess & {
    readonly label: string;
    readonly capSeconds: number;
    readonly config: BacklogRun['config'];
  },
): Promise<BacklogRun> {
  const backlog = await context.backlog();
  const topics = await context.createRunTopics(options.label);
  try {
    const startedAtMs = performance.now();
    const child = startPeer(context, topics, options);
    return await measureBacklogRun({
      admin: context.admin,
      outputTopic: topics.output,
      backlogRecords: backlog.records,
      capSeconds: options.capSeconds,
      processUnderTest: child,
      startedAtMs,
      config: options.config,
      onProgress: progressPrinter(context, options.label, backlog.records),
    });
  } finally {
    await context.dropRunTopics(topics);
  }
}

function progressPrinter(context: BenchContext, label: string, total: number) {
  return (records: number, seconds: number) =>
    context.print(
      `  ${label}: ${records.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} scored after ${seconds.toFixed(0)} s`,
    );
}

/** The settings a streamscore run used: the variant's, else the reference topology's. */
export function variantConfig(variant: TopologyVariant, reference: Topology): BacklogRun['config'] {
  const inference = { ...reference.model.inference, ...variant.inference };
  const pipelines = variant.pipelines ?? reference.scaling.pipelines;
  return {
    model: variant.modelName,
    maxBatchSize: variant.maxBatchSize ?? reference.batching.maxBatchSize,
    maxDelayMs: variant.maxDelayMs ?? reference.batching.maxDelayMs,
    maxQueuedEvents: variant.maxQueuedEvents ?? reference.batching.maxQueuedEvents,
    inferenceMode: inference.mode,
    workers: inference.mode === 'worker-threads' ? inference.workers : 1,
    intraOpThreads: intraOpThreadsPerPipeline(inference.intraOpThreads, pipelines),
    executionProviders: (variant.executionProviders ?? reference.model.executionProviders).join(
      ',',
    ),
    drift: variant.drift ?? reference.drift.enabled,
    fetchMaxBytesPerPartition:
      variant.fetchMaxBytesPerPartition ?? reference.input.fetchMaxBytesPerPartition,
    partitionsConsumedConcurrently:
      variant.partitionsConsumedConcurrently ?? reference.input.partitionsConsumedConcurrently,
    kafkaClient: variant.client ?? reference.kafka.client ?? 'platformatic',
    pipelines,
  };
}

/** How to start a peer process (the passthrough, the naive scorer, the Python peer). */
export interface PeerProcess {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** A peer process on a run's topics. */
export function startPeer(
  context: BenchContext,
  topics: RunTopics,
  peer: PeerProcess,
): ChildUnderTest {
  return startChild(peer.command, peer.args, {
    cwd: context.repoRoot,
    env: {
      ...process.env,
      ...peer.env,
      [PEER_ENV.brokers]: context.brokers,
      [PEER_ENV.inputTopic]: topics.input,
      [PEER_ENV.outputTopic]: topics.output,
      [PEER_ENV.group]: topics.group,
      // Topologies read by a peer (the naive scorer) take their dead-letter topic from here.
      DLQ_TOPIC: topics.deadLetter,
    },
  });
}

/** What a process run under `node` needs to find a compiled bench peer. */
export function peerScript(context: BenchContext, name: string): string {
  return join(context.repoRoot, 'dist', 'bench', 'peers', `${name}.js`);
}

/**
 * bench/python/python_scorer.py on the reference model, in the bench's Python venv. Rejects
 * with `PythonUnavailableError` where this machine has no Python for it.
 */
export async function pythonPeerProcess(
  context: BenchContext,
): Promise<PeerProcess & { readonly python: PythonEnvironment }> {
  const python = await context.python();
  const { referenceTopology: topology } = context;
  const model = await resolveModel(
    topology.model.registryDir,
    topology.model.name,
    topology.model.version,
  );
  return {
    python,
    command: python.python,
    args: [join(context.repoRoot, 'bench', 'python', 'python_scorer.py')],
    env: { MODEL_PATH: model.modelPath, PYTHONUNBUFFERED: '1' },
  };
}
