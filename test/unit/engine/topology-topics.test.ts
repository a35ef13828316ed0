import { describe, expect, it } from 'vitest';
import { topologyTopics } from '../../../src/engine/index.js';
import { loadTopology } from '../../../src/topology/index.js';

describe('the topics of a topology', () => {
  it('are its input, output and dead-letter topics, sized as asked', async () => {
    const topology = await loadTopology('topologies/fraud.yaml', { env: {} });
    expect(topologyTopics(topology, { partitions: 6, replicationFactor: 1 })).toEqual([
      { role: 'input', topic: 'transactions', partitions: 6, replicationFactor: 1 },
      { role: 'output', topic: 'transactions.scored', partitions: 6, replicationFactor: 1 },
      { role: 'dead letters', topic: 'transactions.dlq', partitions: 6, replicationFactor: 1 },
    ]);
    // Unsized: the broker's defaults.
    expect(topologyTopics(topology)[0]).toEqual({ role: 'input', topic: 'transactions' });
  });

  it('add the drift alert topic (compacted) and the retrain topic when drift is on', async () => {
    const topology = await loadTopology('topologies/fraud.yaml', { env: {} });
    const withDrift = { ...topology, drift: { ...topology.drift, enabled: true } };
    expect(topologyTopics(withDrift, { partitions: 2 }).slice(3)).toEqual([
      {
        role: 'drift alerts',
        topic: 'fraud-scoring.drift-alerts',
        partitions: 2,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
      { role: 'retrain requests', topic: 'fraud-scoring.retrain-requests', partitions: 2 },
    ]);
  });
});
