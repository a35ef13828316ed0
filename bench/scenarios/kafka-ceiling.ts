import { peerScript, runProcessOnBacklog } from './backlog-contenders.js';
import type { Scenario } from './scenario.js';

export const kafkaCeilingScenario: Scenario<'kafka-ceiling'> = {
  id: 'kafka-ceiling',
  title: 'Kafka ceiling',
  method:
    'A kafkajs process copies the pre-loaded backlog to a fresh output topic: eachBatch, one awaited send (acks=all) per fetched batch, all partitions concurrently, no decode, no model; then again writing records shaped like the streamscore output (score object appended to the value, provenance headers), still without decode or model; then that scored shape with @platformatic/kafka (bench/peers/platformatic-passthrough.ts: each delivered fetch in sends of at most 512 KiB, 4 in flight, offsets committed after each acknowledgement). Events/s = output records per second between 10 % and 90 % of the final count (offsets polled every 200 ms); CPU and RSS from /proc/<pid>.',
  async run(context) {
    const passthrough = (shape: 'same' | 'scored') =>
      runProcessOnBacklog(context, {
        label: `kafka-ceiling-${shape}`,
        command: process.execPath,
        args: [peerScript(context, 'kafka-passthrough')],
        env: { BENCH_OUTPUT_SHAPE: shape },
        capSeconds: context.plan.kafkaCeilingCapSeconds,
        config: { program: 'dist/bench/peers/kafka-passthrough.js', acks: 'all', shape },
      });
    const run = await passthrough('same');
    const scoredShapeRun = await passthrough('scored');
    const platformaticScoredShapeRun = await runProcessOnBacklog(context, {
      label: 'kafka-ceiling-platformatic',
      command: process.execPath,
      args: [peerScript(context, 'platformatic-passthrough')],
      capSeconds: context.plan.kafkaCeilingCapSeconds,
      config: {
        program: 'dist/bench/peers/platformatic-passthrough.js',
        acks: 'all',
        shape: 'scored',
      },
    });
    return { run, scoredShapeRun, platformaticScoredShapeRun };
  },
};
