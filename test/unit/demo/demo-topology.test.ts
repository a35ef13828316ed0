import { describe, expect, it } from 'vitest';
import { DEMO_DRIFT_SETTINGS, loadDemoTopology } from '../../../src/demo/demo-topology.js';
import { loadTopology } from '../../../src/topology/index.js';

describe('the demo topology', () => {
  it('is the reference topology with drift on at demo speed, and validates', async () => {
    const reference = await loadTopology('topologies/fraud.yaml', { env: {} });
    const demo = await loadDemoTopology('topologies/fraud.yaml', {});
    expect({ ...demo, drift: reference.drift }).toEqual(reference);
    expect(demo.drift).toMatchObject(DEMO_DRIFT_SETTINGS);
    // One process: the counts stay in memory, and it evaluates.
    expect(demo.drift.redisUrl).toBeUndefined();
    // Enough events for a verdict in every fast window at the demo's default 2 000/s.
    expect((demo.drift.evaluation.fast.windowMs / 1000) * 2_000).toBeGreaterThanOrEqual(
      demo.drift.thresholds.minEvents,
    );
  });
});
