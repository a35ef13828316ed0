import type { KafkaClientName } from '../../src/io/index.js';
import { runStreamscoreOnBacklog } from './backlog-contenders.js';
import type { Scenario } from './scenario.js';

export const streamscoreFraudScenario: Scenario<'streamscore-fraud'> = {
  id: 'streamscore-fraud',
  title: 'streamscore, fraud model',
  method:
    '`node bin/streamscore.js run` on topologies/fraud.yaml (2 scoring pipelines in worker threads, in-thread model, maxBatchSize 256, maxDelayMs 5) drains the whole pre-loaded backlog, first with the shipped `kafka.client`, then with the other one. Events/s = output records per second between 10 % and 90 % of the backlog; CPU and RSS of the scorer process from /proc/<pid> (RSS by progress: 25–50 % vs 75–100 %); mean batch size from its /metrics.',
  async run(context) {
    const { referenceTopology: topology } = context;
    const shipped: KafkaClientName = topology.kafka.client ?? 'platformatic';
    const other: KafkaClientName = shipped === 'kafkajs' ? 'platformatic' : 'kafkajs';
    const runWith = (client: KafkaClientName) =>
      runStreamscoreOnBacklog(context, {
        label: `streamscore-fraud-${client}`,
        variant: {
          registryDir: topology.model.registryDir,
          modelName: topology.model.name,
          client,
        },
        capSeconds: context.plan.streamscoreCapSeconds,
      });
    const run = await runWith(shipped);
    const otherClientRun = await runWith(other);
    return { run, otherClientRun };
  },
};
