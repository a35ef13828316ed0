import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { countRecords, encodedTransactions } from '../bench-kafka.js';
import { findResult, type LatencyPeer, type LatencySetting } from '../bench-results.js';
import { PythonUnavailableError } from '../python-environment.js';
import type { BenchContext, RunTopics } from '../bench-context.js';
import { produceAtFixedRate, type LoadPhase } from '../fixed-rate-producer.js';
import { createLatencyJoin } from '../latency-join.js';
import {
  startStreamscore,
  writeTopologyVariant,
  type StreamscoreUnderTest,
} from '../streamscore-under-test.js';
import type { ChildUnderTest } from '../child-process.js';
import {
  peerScript,
  pythonPeerProcess,
  startPeer,
  type PeerProcess,
} from './backlog-contenders.js';
import { HEADERS, readWholeTopic } from '../../src/io/index.js';
import type { Scenario } from './scenario.js';

/** Pre-encoded events the load producer cycles through. */
const VALUE_POOL_SIZE = 20_000;
/** Idle time between load phases, so one phase's queue does not spill into the next. */
const GAP_SECONDS = 1;

export const latencyScenario: Scenario<'latency'> = {
  id: 'latency',
  title: 'Latency at a fixed load',
  method:
    'streamscore (fraud topology) on a fresh live input topic; a producer in the bench sends at 25 %, 50 % and 75 % of the streamscore fraud peak, after a warm-up, with 1 s idle between phases; once per maxDelayMs setting (with the shipped `kafka.client`; the mean time per pipeline stage read from its /metrics after the run), then with the Python peer in streamscore’s place (what a user would run instead), then with the scored-shape kafkajs passthrough of the Kafka ceiling (no batching delay, no decode, no model: what a plain kafkajs consume → produce shows here). Latency per event = output record’s Kafka timestamp (output topic set to LogAppendTime: when the broker appended it) − input record’s Kafka timestamp (CreateTime, set by the load producer), joined through the source partition/offset headers; topics read after the run, never during it.',
  async run(context) {
    const peak = findResult(context.results, 'streamscore-fraud')?.run?.eventsPerSecond;
    if (peak === undefined || peak <= 0) {
      throw new Error('needs the streamscore fraud peak, but that scenario did not succeed');
    }
    const values = [...encodedTransactions(VALUE_POOL_SIZE, 3, VALUE_POOL_SIZE)]
      .flat()
      .map((record) => record.value);
    const { referenceTopology: topology } = context;
    const settings: LatencySetting[] = [];
    for (const maxDelayMs of context.plan.latencyMaxDelaysMs) {
      const label = `latency-${maxDelayMs}ms`;
      let scorer: StreamscoreUnderTest | undefined;
      const measured = await measureUnderLoad(context, peak, values, {
        label,
        description: `streamscore, maxDelayMs ${maxDelayMs}`,
        async start(topics) {
          const topologyFile = join(context.scratchDir, `${label}.yaml`);
          await writeTopologyVariant(topologyFile, {
            registryDir: topology.model.registryDir,
            modelName: topology.model.name,
            maxDelayMs,
            client: topology.kafka.client ?? 'platformatic',
          });
          scorer = await startStreamscore(topologyFile, { brokers: context.brokers, ...topics });
          await scorer.waitReady();
          return scorer;
        },
        beforeStop: async () => {
          const meanBatchSize = await scorer?.meanBatchSize().catch(() => undefined);
          const stageMeansMs = await scorer?.stageMeansMs().catch(() => undefined);
          return {
            ...(meanBatchSize === undefined ? {} : { meanBatchSize }),
            ...(stageMeansMs === undefined ? {} : { stageMeansMs }),
          };
        },
      });
      settings.push({ maxDelayMs, ...measured });
    }
    const python = await pythonPeerProcess(context).catch((error: unknown) => {
      if (error instanceof PythonUnavailableError) return undefined;
      throw error;
    });
    const pythonPeer =
      python === undefined
        ? undefined
        : await measurePeerUnderLoad(context, peak, values, {
            label: 'latency-python-peer',
            description: 'Python peer',
            program: 'bench/python/python_scorer.py',
            process: python,
          });
    const passthrough = await measurePeerUnderLoad(context, peak, values, {
      label: 'latency-passthrough',
      description: 'kafkajs passthrough (scored shape)',
      program: 'dist/bench/peers/kafka-passthrough.js (BENCH_OUTPUT_SHAPE=scored)',
      process: {
        command: process.execPath,
        args: [peerScript(context, 'kafka-passthrough')],
        env: { BENCH_OUTPUT_SHAPE: 'scored' },
      },
    });
    return {
      peakEventsPerSecond: peak,
      settings,
      ...(pythonPeer === undefined ? {} : { pythonPeer }),
      passthrough,
    };
  },
};

/** What sits between the load producer and the output topic in one latency run. */
interface LatencyContender {
  readonly label: string;
  readonly description: string;
  /** Starts it on the run's topics; resolves once it reads them. */
  start(topics: RunTopics): Promise<ChildUnderTest>;
  /** Read from it after the load, before it stops. */
  beforeStop?(): Promise<Pick<LatencySetting, 'meanBatchSize' | 'stageMeansMs'>>;
}

/** A peer process (no readiness endpoint of its own) under the same loads as streamscore. */
async function measurePeerUnderLoad(
  context: BenchContext,
  peak: number,
  values: readonly Buffer[],
  peer: {
    readonly label: string;
    readonly description: string;
    readonly program: string;
    readonly process: PeerProcess;
  },
): Promise<LatencyPeer> {
  const measured = await measureUnderLoad(context, peak, values, {
    label: peer.label,
    description: peer.description,
    async start(topics) {
      const child = startPeer(context, topics, peer.process);
      await waitForGroup(context, topics.group, child);
      return child;
    },
  });
  return {
    program: peer.program,
    loads: measured.loads,
    unmatchedOutputs: measured.unmatchedOutputs,
  };
}

async function measureUnderLoad(
  context: BenchContext,
  peak: number,
  values: readonly Buffer[],
  contender: LatencyContender,
): Promise<Omit<LatencySetting, 'maxDelayMs'>> {
  const { plan } = context;
  const topics = await context.createRunTopics(contender.label, {
    live: true,
    logAppendTime: true,
  });
  const shares = plan.latencyLoadShares;
  const phases: LoadPhase[] = [
    { ratePerSecond: (shares[0] ?? 0.25) * peak, seconds: plan.latencyWarmupSeconds },
  ];
  const measuredPhaseIndex: number[] = [];
  for (const share of shares) {
    phases.push({ ratePerSecond: 0, seconds: GAP_SECONDS });
    measuredPhaseIndex.push(phases.length);
    phases.push({ ratePerSecond: share * peak, seconds: plan.latencyPhaseSeconds });
  }

  let underTest: ChildUnderTest | undefined;
  const producer = context.kafka.producer({ allowAutoTopicCreation: false });
  try {
    underTest = await contender.start(topics);
    await producer.connect();
    context.print(
      `  ${contender.description}: load ${shares.map((share) => Math.round(share * peak).toLocaleString('en-US')).join(' → ')} events/s, ${plan.latencyPhaseSeconds} s each`,
    );
    const produced = await produceAtFixedRate(
      producer,
      { topic: topics.input, partitions: plan.partitions },
      phases,
      values,
    );
    const total = produced.reduce((sum, phase) => sum + phase.produced, 0);
    const drainDeadline = performance.now() + 30_000;
    while (performance.now() < drainDeadline) {
      const done =
        (await countRecords(context.admin, topics.output)) +
        (await countRecords(context.admin, topics.deadLetter));
      if (done >= total) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const readings = (await contender.beforeStop?.()) ?? {};
    await underTest.stop();

    const join = createLatencyJoin(produced.map((phase) => phase.startedAtEpochMs));
    const reader = { groupIdPrefix: 'streamscore-bench-reader' };
    await readWholeTopic(
      context.kafka,
      topics.input,
      (partition, message) =>
        join.addInput(partition, Number(message.offset), Number(message.timestamp)),
      reader,
    );
    let unmatchedOutputs = 0;
    await readWholeTopic(
      context.kafka,
      topics.output,
      (_partition, message) => {
        const sourcePartition = Number(headerText(message, HEADERS.sourcePartition));
        const sourceOffset = Number(headerText(message, HEADERS.sourceOffset));
        if (!join.addOutput(sourcePartition, sourceOffset, Number(message.timestamp))) {
          unmatchedOutputs++;
        }
      },
      reader,
    );
    const summaries = join.summarize();
    return {
      ...readings,
      unmatchedOutputs,
      loads: shares.map((share, index) => {
        const phaseIndex = measuredPhaseIndex[index] as number;
        const phase = produced[phaseIndex];
        const seconds =
          phase === undefined ? 0 : (phase.endedAtEpochMs - phase.startedAtEpochMs) / 1000;
        return {
          loadShare: share,
          targetEventsPerSecond: share * peak,
          producedEventsPerSecond:
            phase === undefined || seconds <= 0 ? 0 : phase.produced / seconds,
          latency: summaries[phaseIndex] as LatencySetting['loads'][number]['latency'],
        };
      }),
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await underTest?.stop();
    await context.dropRunTopics(topics);
  }
}

/** A peer has no readiness endpoint: it reads its topics once its consumer group is stable. */
async function waitForGroup(
  context: BenchContext,
  groupId: string,
  child: ChildUnderTest,
): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (child.hasExited()) throw new Error(`the peer exited:\n${child.outputTail()}`);
    const { groups } = await context.admin.describeGroups([groupId]);
    if (groups[0]?.state === 'Stable') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the peer's consumer group ${groupId} was not stable after 60 s`);
}

function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value[0] : value)?.toString();
}
