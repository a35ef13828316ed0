import { InvalidArgumentError, type Command } from 'commander';
import { benchOutputPaths, rewriteBenchOutputs } from './bench-output.js';
import { selectScenarios } from './bench-plan.js';
import { SCENARIO_IDS } from './bench-results.js';
import { runBench } from './run-bench.js';
import { createLogger } from '../src/observability/index.js';

interface BenchCommandOptions {
  quick?: boolean;
  rewrite?: string;
  scenarios?: string;
  out?: string;
  brokers?: string;
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(
      'Throughput and latency benchmarks, side by side with their ceilings and baselines, on a ' +
        'throwaway local Kafka; writes bench/results/<date>-<scenario>.json and bench/REPORT.md',
    )
    .option(
      '--quick',
      'tiny backlogs and short windows (under 3 minutes): checks that every scenario works; ' +
        'results go to bench/results/quick/',
    )
    .option(
      '--scenarios <list>',
      `comma-separated subset of: ${SCENARIO_IDS.join(', ')} (default: all)`,
      parseScenarioList,
    )
    .option('--out <dir>', 'write the JSON results and REPORT.md to this directory instead')
    .option(
      '--rewrite <summary.json>',
      'run nothing: write the comparisons, the summary and the report of a saved run again from its summary (after the report code changed); the report goes to --out or bench/REPORT.md',
    )
    .option(
      '--brokers <host:port>',
      'benchmark against this Kafka instead of starting a local one (topics are created and deleted)',
    )
    .action(async (options: BenchCommandOptions) => {
      if (options.rewrite !== undefined) {
        const { reportFile } = benchOutputPaths({
          repoRoot: process.cwd(),
          quick: false,
          outDir: options.out,
        });
        for (const file of await rewriteBenchOutputs(options.rewrite, reportFile)) {
          console.log(`wrote ${file}`);
        }
        return;
      }
      const logger = createLogger({ level: 'warn' }, process.stderr);
      const outcome = await runBench({
        quick: options.quick ?? false,
        scenarios: options.scenarios,
        outDir: options.out,
        brokers: options.brokers,
        logger,
        print: (line) => console.log(line),
      });
      if (outcome.results.some((result) => result.status === 'failed')) process.exitCode = 1;
    });
}

function parseScenarioList(value: string): string {
  const { unknown } = selectScenarios(value);
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown scenario ${unknown.join(', ')} (choose from ${SCENARIO_IDS.join(', ')})`,
    );
  }
  return value;
}
