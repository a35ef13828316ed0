/**
 * Where a bench run's files go and what they hold: one JSON file per scenario (the machine, the
 * result, its ratios to ceilings and baselines), a summary with every target's verdict, and the
 * markdown report. Quick runs go to their own directory so they never pose as the full run.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BenchResults, MachineInfo, ScenarioResult } from './bench-results.js';
import { evaluateTargets, throughputRows } from './comparisons.js';
import { renderBenchReport } from './report-markdown.js';

export interface BenchOutputPaths {
  readonly resultsDir: string;
  readonly reportFile: string;
}

export function benchOutputPaths(options: {
  readonly repoRoot: string;
  readonly quick: boolean;
  readonly outDir?: string;
}): BenchOutputPaths {
  if (options.outDir !== undefined) {
    return { resultsDir: options.outDir, reportFile: join(options.outDir, 'REPORT.md') };
  }
  if (options.quick) {
    const dir = join(options.repoRoot, 'bench', 'results', 'quick');
    return { resultsDir: dir, reportFile: join(dir, 'REPORT.md') };
  }
  return {
    resultsDir: join(options.repoRoot, 'bench', 'results'),
    reportFile: join(options.repoRoot, 'bench', 'REPORT.md'),
  };
}

/** `<resultsDir>/<date>-<scenario>.json`, date of the run's start (UTC). */
export function resultFilePath(paths: BenchOutputPaths, startedAt: string, name: string): string {
  return join(paths.resultsDir, `${startedAt.slice(0, 10)}-${name}.json`);
}

/** Written as soon as a scenario ends, so a crash later in the run keeps what was measured. */
export async function writeScenarioResult(
  file: string,
  machine: MachineInfo,
  result: ScenarioResult,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ machine, result }, null, 2)}\n`);
}

/**
 * Rewrites every scenario file with its comparisons (they need all scenarios' numbers), then
 * writes the summary and the report. Returns the files written.
 */
export async function writeBenchOutputs(
  paths: BenchOutputPaths,
  bench: BenchResults,
): Promise<string[]> {
  const rows = throughputRows(bench.results);
  const written: string[] = [];
  for (const result of bench.results) {
    const comparisons = rows
      .filter((row) => row.scenario === result.scenario)
      .map(({ system, run, ceiling, toCeiling, toNaive, toPython }) => ({
        system,
        eventsPerSecond: run.eventsPerSecond,
        ceiling,
        toCeiling,
        toNaive,
        toPython,
      }));
    const file = resultFilePath(paths, bench.startedAt, result.scenario);
    await writeFile(
      file,
      `${JSON.stringify({ machine: bench.machine, result, comparisons }, null, 2)}\n`,
    );
    written.push(file);
  }
  const summaryFile = resultFilePath(paths, bench.startedAt, 'summary');
  await writeFile(
    summaryFile,
    `${JSON.stringify({ ...bench, targets: evaluateTargets(bench.results), throughput: rows }, null, 2)}\n`,
  );
  written.push(summaryFile);
  await mkdir(dirname(paths.reportFile), { recursive: true });
  await writeFile(paths.reportFile, renderBenchReport(bench));
  written.push(paths.reportFile);
  return written;
}

/**
 * Writes a saved run's outputs again from its summary (`<date>-summary.json`): after the
 * comparisons or the report change, the numbers need no new run.
 */
export async function rewriteBenchOutputs(
  summaryFile: string,
  reportFile: string,
): Promise<string[]> {
  const { machine, quick, backlog, startedAt, results } = JSON.parse(
    await readFile(summaryFile, 'utf8'),
  ) as BenchResults;
  return writeBenchOutputs(
    { resultsDir: dirname(summaryFile), reportFile },
    { machine, quick, backlog, startedAt, results },
  );
}
