import { runStreamscoreOnBacklog } from './backlog-contenders.js';
import type { Scenario } from './scenario.js';

export const streamscoreFraudScenario: Scenario<'streamscore-fraud'> = {
  id: 'streamscore-fraud',
  title: 'streamscore, fraud model',
  method:
    '`node bin/streamscore.js run` on topologies/fraud.yaml (in-thread model, maxBatchSize 256, maxDelayMs 5) drains the whole pre-loaded backlog. Events/s = output records per second between 10 % and 90 % of the backlog; CPU and RSS of the scorer process from /proc/<pid> (RSS by progress: 25–50 % vs 75–100 %); mean batch size from its /metrics.',
  async run(context) {
    const { referenceTopology: topology } = context;
    const run = await runStreamscoreOnBacklog(context, {
      label: 'streamscore-fraud',
      variant: { registryDir: topology.model.registryDir, modelName: topology.model.name },
      capSeconds: context.plan.streamscoreCapSeconds,
    });
    return { run };
  },
};
