import { runStreamscoreOnBacklog } from './backlog-contenders.js';
import { WORKER_SETTINGS } from './inference-ceiling.js';
import type { Scenario } from './scenario.js';
import { SHIPPED_CHANGE } from '../comparisons.js';
import type { TopologyVariant } from '../streamscore-under-test.js';

/**
 * The settings a user can turn, each tried alone against the shipped topology: batch size
 * either side of the default, a shorter queue, inference in worker threads instead of in-thread, and the drift
 * side stream (whose cost on scoring throughput must stay under 10 %). The shipped topology
 * runs at the start, the middle and the end, and every change is compared with the mean of
 * those three: on a shared machine throughput drifts by several per cent over a sweep.
 */
const SHIPPED = { change: SHIPPED_CHANGE, variant: {} };

const SWEEP: readonly {
  readonly label: string;
  readonly change: string;
  readonly variant: Omit<TopologyVariant, 'registryDir' | 'modelName'>;
  readonly driftProcess?: boolean;
}[] = [
  { label: 'shipped-1', ...SHIPPED },
  {
    label: 'pipelines-1',
    change: 'scaling.pipelines 1 (scoring on the main thread; ONNX Runtime picks its threads)',
    variant: { pipelines: 1 },
  },
  { label: 'batch-64', change: 'maxBatchSize 64', variant: { maxBatchSize: 64 } },
  { label: 'batch-1024', change: 'maxBatchSize 1024', variant: { maxBatchSize: 1024 } },
  { label: 'queue-2048', change: 'maxQueuedEvents 2048', variant: { maxQueuedEvents: 2048 } },
  {
    label: 'fetch-256k',
    change: 'input.fetchMaxBytesPerPartition 256 KiB (1 MiB shipped)',
    variant: { fetchMaxBytesPerPartition: 262_144 },
  },
  {
    // kafkajs's setting: the platformatic consumer fetches every assigned partition at once.
    label: 'kafkajs-partitions-4',
    change: 'kafka.client kafkajs, input.partitionsConsumedConcurrently 4',
    variant: { client: 'kafkajs', partitionsConsumedConcurrently: 4 },
  },
  { label: 'shipped-2', ...SHIPPED },
  {
    label: 'worker-threads',
    change: `inference in worker threads (${WORKER_SETTINGS.workers} × ${WORKER_SETTINGS.intraOpThreads})`,
    variant: { inference: { mode: 'worker-threads', ...WORKER_SETTINGS } },
  },
  {
    label: 'drift',
    change: 'drift side stream on, in its worker thread of the scoring process (memory store)',
    variant: { drift: true },
  },
  {
    label: 'drift-process',
    change: 'drift side stream on, as its own process beside the scorer (memory store)',
    variant: { drift: true },
    driftProcess: true,
  },
  { label: 'shipped-3', ...SHIPPED },
];

export const settingsSweepScenario: Scenario<'settings'> = {
  id: 'settings',
  title: 'Settings sweep (fraud model)',
  method:
    'streamscore on the fraud backlog once per setting, each run time-capped and read from the beginning with its own group: the shipped topology at the start, the middle and the end, and one change at a time between (one scoring pipeline instead of the shipped two, maxBatchSize 64 and 1024, maxQueuedEvents 2048, 256 KiB fetches per partition, 4 partitions consumed at once, inference in worker threads, the drift side stream on in a worker thread of the scoring process and as its own process, where only the scoring process CPU is counted). Events/s, CPU and mean batch as for the fraud backlog run; each change compared with the mean of the three shipped runs.',
  async run(context) {
    const { referenceTopology: topology } = context;
    const runs = [];
    for (const { label, change, variant, driftProcess } of SWEEP) {
      const run = await runStreamscoreOnBacklog(context, {
        label: `settings-${label}`,
        variant: {
          registryDir: topology.model.registryDir,
          modelName: topology.model.name,
          ...variant,
        },
        capSeconds: context.plan.settingsCapSeconds,
        driftProcess,
      });
      runs.push({ label, change, run });
    }
    return { runs };
  },
};
