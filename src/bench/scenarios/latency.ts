import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { HEADERS } from '../../io/record-headers.js';
import { countRecords, encodedTransactions } from '../bench-kafka.js';
import { findResult, type LatencySetting } from '../bench-results.js';
import type { BenchContext } from '../bench-context.js';
import { produceAtFixedRate, type LoadPhase } from '../fixed-rate-producer.js';
import { createLatencyJoin } from '../latency-join.js';
import { startStreamscore, writeTopologyVariant } from '../streamscore-under-test.js';
import { readWholeTopic } from '../../io/index.js';
import type { Scenario } from './scenario.js';

/** Pre-encoded events the load producer cycles through. */
const VALUE_POOL_SIZE = 20_000;
/** Idle time between load phases, so one phase's queue does not spill into the next. */
const GAP_SECONDS = 1;

export const latencyScenario: Scenario<'latency'> = {
  id: 'latency',
  title: 'Latency at a fixed load',
  method:
    'streamscore (fraud topology) on a fresh live input topic; a producer in the bench sends at 25 %, 50 % and 75 % of the streamscore fraud peak, after a warm-up, with 1 s idle between phases; once per maxDelayMs setting. Latency per event = output record’s Kafka timestamp (output topic set to LogAppendTime: when the broker appended it) − input record’s Kafka timestamp (CreateTime, set by the load producer), joined through the source partition/offset headers; topics read after the run, never during it.',
  async run(context) {
    const peak = findResult(context.results, 'streamscore-fraud')?.run?.eventsPerSecond;
    if (peak === undefined || peak <= 0) {
      throw new Error('needs the streamscore fraud peak, but that scenario did not succeed');
    }
    const values = [...encodedTransactions(VALUE_POOL_SIZE, 3, VALUE_POOL_SIZE)]
      .flat()
      .map((record) => record.value);
    const settings: LatencySetting[] = [];
    for (const maxDelayMs of context.plan.latencyMaxDelaysMs) {
      settings.push(await measureLatencySetting(context, peak, maxDelayMs, values));
    }
    return { peakEventsPerSecond: peak, settings };
  },
};

async function measureLatencySetting(
  context: BenchContext,
  peak: number,
  maxDelayMs: number,
  values: readonly Buffer[],
): Promise<LatencySetting> {
  const { plan, referenceTopology: topology } = context;
  const label = `latency-${maxDelayMs}ms`;
  const topics = await context.createRunTopics(label, { live: true, logAppendTime: true });
  const topologyFile = join(context.scratchDir, `${label}.yaml`);
  await writeTopologyVariant(topologyFile, {
    registryDir: topology.model.registryDir,
    modelName: topology.model.name,
    maxDelayMs,
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

  const scorer = await startStreamscore(topologyFile, { brokers: context.brokers, ...topics });
  const producer = context.kafka.producer({ allowAutoTopicCreation: false });
  try {
    await scorer.waitReady();
    await producer.connect();
    context.print(
      `  maxDelayMs ${maxDelayMs}: load ${shares.map((share) => Math.round(share * peak).toLocaleString('en-US')).join(' → ')} events/s, ${plan.latencyPhaseSeconds} s each`,
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
    const meanBatchSize = await scorer.meanBatchSize().catch(() => undefined);
    await scorer.stop();

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
      maxDelayMs,
      meanBatchSize,
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
    await scorer.stop();
    await context.dropRunTopics(topics);
  }
}

function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value[0] : value)?.toString();
}
