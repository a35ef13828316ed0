import { describe, expect, it } from 'vitest';
import { DEMO_DRIFT_SETTINGS, loadDemoTopology } from '../../../../tools/demo/demo-topology.js';
import { loadTopology } from '../../../../src/topology/index.js';

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

  it('gives a run its own topics and consumer group, resolved from the file as it stands', async () => {
    const env = { INPUT_TOPIC: 'payments' };
    const shared = await loadDemoTopology('topologies/fraud.yaml', env);
    const run = await loadDemoTopology('topologies/fraud.yaml', env, 'demo-abc');
    expect(run.input).toEqual({
      ...shared.input,
      topic: 'payments.demo-abc',
      groupId: 'streamscore-fraud.demo-abc',
    });
    expect(run.output.topic).toBe('transactions.scored.demo-abc');
    expect(run.deadLetter.topic).toBe('transactions.dlq.demo-abc');
    expect(run.drift.alertTopic).toBe('fraud-scoring.drift-alerts.demo-abc');
    expect(run.drift.retrainTopic).toBe('fraud-scoring.retrain-requests.demo-abc');
    expect({
      ...run,
      input: shared.input,
      output: shared.output,
      deadLetter: shared.deadLetter,
      drift: shared.drift,
    }).toEqual(shared);
    expect({
      ...run.drift,
      alertTopic: shared.drift.alertTopic,
      retrainTopic: shared.drift.retrainTopic,
    }).toEqual(shared.drift);
  });
});
