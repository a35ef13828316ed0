import type { ScenarioId } from '../bench-results.js';
import { gpuScenario } from './gpu.js';
import { heavyModelScenario } from './heavy-model.js';
import { inferenceCeilingScenario } from './inference-ceiling.js';
import { kafkaCeilingScenario } from './kafka-ceiling.js';
import { latencyScenario } from './latency.js';
import { naiveBaselineScenario } from './naive-baseline.js';
import { pythonPeerScenario } from './python-peer.js';
import type { Scenario } from './scenario.js';
import { settingsSweepScenario } from './settings-sweep.js';
import { streamscoreFraudScenario } from './streamscore-fraud.js';

/** Every scenario by id; `--scenarios` picks from these, and they run in SCENARIO_IDS order. */
export const SCENARIOS: { readonly [Id in ScenarioId]: Scenario<Id> } = {
  'kafka-ceiling': kafkaCeilingScenario,
  'inference-ceiling': inferenceCeilingScenario,
  'streamscore-fraud': streamscoreFraudScenario,
  'heavy-model': heavyModelScenario,
  latency: latencyScenario,
  'naive-baseline': naiveBaselineScenario,
  'python-peer': pythonPeerScenario,
  settings: settingsSweepScenario,
  gpu: gpuScenario,
};

export { ScenarioSkipped, type Measured, type Scenario } from './scenario.js';
