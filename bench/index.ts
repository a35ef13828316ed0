// The benchmark suite behind `streamscore bench` / `npm run bench`; see bench/README.md.
export { runBench, type BenchOptions, type BenchOutcome } from './run-bench.js';
export { benchOutputPaths, rewriteBenchOutputs, type BenchOutputPaths } from './bench-output.js';
export { createBenchPlan, selectScenarios, type BenchPlan } from './bench-plan.js';
export {
  SCENARIO_IDS,
  isScenarioId,
  type BenchResults,
  type ScenarioId,
  type ScenarioResult,
} from './bench-results.js';
export { evaluateTargets, throughputRows, TARGETS } from './comparisons.js';
export { renderBenchReport } from './report-markdown.js';
export { registerBenchCommand } from './bench-command.js';
