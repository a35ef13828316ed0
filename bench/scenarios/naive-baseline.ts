import { referenceTopologyFile } from '../streamscore-under-test.js';
import { peerScript, runProcessOnBacklog } from './backlog-contenders.js';
import type { Scenario } from './scenario.js';

export const naiveBaselineScenario: Scenario<'naive-baseline'> = {
  id: 'naive-baseline',
  title: 'Naive per-event scorer',
  method:
    'dist/bench/peers/naive-scorer.js: kafkajs eachMessage, JSON decode, the fraud topology’s features, session.run on a [1, 15] tensor, an awaited send (acks=all) per event — the same output record as streamscore. Time-capped run on the backlog; events/s between 10 % and 90 % of what it scored.',
  async run(context) {
    const run = await runProcessOnBacklog(context, {
      label: 'naive-baseline',
      command: process.execPath,
      args: [peerScript(context, 'naive-scorer'), referenceTopologyFile],
      capSeconds: context.plan.naiveCapSeconds,
      config: { program: 'dist/bench/peers/naive-scorer.js', batchSize: 1, acks: 'all' },
    });
    return { run };
  },
};
