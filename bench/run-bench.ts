/**
 * `streamscore bench`: starts a throwaway local Kafka (fresh temp dirs), runs the selected
 * scenarios one after another — never two at once, they would measure each other — and writes
 * one JSON file per scenario plus the markdown report. A failed scenario is recorded as failed
 * and the rest still run; the stack and scratch files are removed however the run ends.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  createDevStack,
  createPathLookup,
  defaultKafkaVersion,
  resolveCacheRootDir,
  type DevStack,
} from '../tools/devstack/index.js';
import type { Logger } from '../src/observability/index.js';
import { loadTopology } from '../src/topology/index.js';
import { createBenchContext, type BenchContext } from './bench-context.js';
import { createBenchKafka } from './bench-kafka.js';
import {
  benchOutputPaths,
  resultFilePath,
  writeBenchOutputs,
  writeScenarioResult,
} from './bench-output.js';
import { createBenchPlan, selectScenarios } from './bench-plan.js';
import type { BenchResults, ScenarioId, ScenarioResult } from './bench-results.js';
import { terminateRunningChildren } from './child-process.js';
import { collectMachineInfo } from './machine-info.js';
import { describeResult } from './result-lines.js';
import { SCENARIOS, ScenarioSkipped } from './scenarios/index.js';
import { referenceTopologyFile, repoRoot } from './streamscore-under-test.js';

export interface BenchOptions {
  readonly quick: boolean;
  /** Comma-separated scenario ids; all when undefined. */
  readonly scenarios?: string;
  /** Where the JSON results and the report go, instead of the defaults. */
  readonly outDir?: string;
  /** An existing Kafka to use instead of starting a local one. */
  readonly brokers?: string;
  readonly logger: Logger;
  readonly print: (line: string) => void;
}

export interface BenchOutcome extends BenchResults {
  /** Every file written: scenario results, the summary and the report. */
  readonly files: readonly string[];
}

export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const { print, logger } = options;
  const selection = selectScenarios(options.scenarios);
  if (selection.unknown.length > 0) {
    throw new Error(`unknown scenario ${selection.unknown.join(', ')}`);
  }
  for (const id of selection.added) {
    print(`also running ${id}: the latency scenario takes its load from its peak`);
  }
  const plan = createBenchPlan(options.quick);
  const paths = benchOutputPaths({ repoRoot, quick: options.quick, outDir: options.outDir });
  const startedAt = new Date().toISOString();
  // Taken first, so the load average shows what else was running, not the bench's own broker.
  const machine = collectMachineInfo(
    options.brokers === undefined ? defaultKafkaVersion : 'external',
  );
  const cacheRootDir = resolveCacheRootDir(process.env, homedir());
  const scratchDir = await mkdtemp(join(tmpdir(), 'streamscore-bench-'));

  let stack: DevStack | undefined;
  // An interrupted bench must not leave a broker or a contender behind: signal them
  // synchronously (the process exits before anything awaited would finish) and go.
  const onSignal = (): void => {
    terminateRunningChildren();
    stack?.terminate();
    rmSync(scratchDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    let brokers = options.brokers;
    if (brokers === undefined) {
      stack = createDevStack({
        cacheRootDir,
        dataRootDir: join(scratchDir, 'stack'),
        detached: false,
        lookupExecutable: createPathLookup(process.env['PATH']),
        logger,
      });
      print('starting a local Kafka for the bench (fresh temp dirs)');
      brokers = (await stack.start()).kafka.brokers;
      print(`kafka ${machine.kafka} at ${brokers}`);
    }
    const results: ScenarioResult[] = [];
    const kafka = createBenchKafka(brokers, logger);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const context = createBenchContext({
        plan,
        brokers,
        kafka,
        admin,
        scratchDir,
        cacheDir: join(cacheRootDir, 'bench'),
        referenceTopology: await loadTopology(referenceTopologyFile, { env: {} }),
        print,
        results,
      });
      for (const [index, id] of selection.scenarios.entries()) {
        print(`[${index + 1}/${selection.scenarios.length}] ${SCENARIOS[id].title}`);
        const result = await runScenario(id, context, options.quick);
        results.push(result);
        for (const line of describeResult(result)) print(`  ${line}`);
        await writeScenarioResult(resultFilePath(paths, startedAt, id), machine, result);
      }
    } finally {
      await admin.disconnect();
    }

    const bench: BenchResults = {
      machine,
      quick: options.quick,
      backlog: { records: plan.backlogRecords, partitions: plan.partitions },
      startedAt,
      results,
    };
    const files = await writeBenchOutputs(paths, bench);
    print(
      `results: ${relative(process.cwd(), paths.resultsDir) || '.'}; report: ${relative(process.cwd(), paths.reportFile)}`,
    );
    return { ...bench, files };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (stack !== undefined) {
      print('stopping the local Kafka');
      await stack
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'stack stop failed'));
    }
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/** Runs one scenario and records it as ok, skipped (with the reason) or failed (with the error). */
async function runScenario(
  id: ScenarioId,
  context: BenchContext,
  quick: boolean,
): Promise<ScenarioResult> {
  const scenario = SCENARIOS[id];
  const started = performance.now();
  const base = {
    scenario: id,
    title: scenario.title,
    method: scenario.method,
    startedAt: new Date().toISOString(),
    quick,
  };
  const durationSeconds = () => (performance.now() - started) / 1000;
  try {
    const measured = await scenario.run(context);
    return {
      ...base,
      ...measured,
      status: 'ok',
      durationSeconds: durationSeconds(),
    } as ScenarioResult;
  } catch (error) {
    return {
      ...base,
      status: error instanceof ScenarioSkipped ? 'skipped' : 'failed',
      reason: error instanceof Error ? error.message : String(error),
      durationSeconds: durationSeconds(),
    } as ScenarioResult;
  }
}
