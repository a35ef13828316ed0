import { describe, expect, it } from 'vitest';
import { createBenchPlan, selectScenarios } from '../../../bench/bench-plan.js';
import { SCENARIO_IDS } from '../../../bench/bench-results.js';

describe('selectScenarios', () => {
  it('selects every scenario by default', () => {
    expect(selectScenarios(undefined).scenarios).toEqual([...SCENARIO_IDS]);
    expect(selectScenarios('all').scenarios).toEqual([...SCENARIO_IDS]);
  });

  it('runs a subset in the canonical order and names unknown ones', () => {
    const selection = selectScenarios('python-peer, kafka-ceiling,nope');
    expect(selection.scenarios).toEqual(['kafka-ceiling', 'python-peer']);
    expect(selection.unknown).toEqual(['nope']);
  });

  it('adds the fraud throughput run that the latency scenario takes its load from', () => {
    const selection = selectScenarios('latency');
    expect(selection.scenarios).toEqual(['streamscore-fraud', 'latency']);
    expect(selection.added).toEqual(['streamscore-fraud']);
  });
});

describe('createBenchPlan', () => {
  it('drains a 2M-event backlog in the full plan and stays small in the quick one', () => {
    expect(createBenchPlan(false).backlogRecords).toBe(2_000_000);
    const quick = createBenchPlan(true);
    expect(quick.backlogRecords).toBeLessThanOrEqual(100_000);
    expect(quick.latencyLoadShares).toEqual([0.25, 0.5, 0.75]);
    expect(quick.latencyMaxDelaysMs).toHaveLength(2);
  });
});
