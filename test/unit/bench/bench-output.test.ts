import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  benchOutputPaths,
  rewriteBenchOutputs,
  writeBenchOutputs,
} from '../../../bench/bench-output.js';
import { sampleBench } from './bench-fixtures.js';

describe('benchOutputPaths', () => {
  it('keeps quick runs apart from the full run’s results and report', () => {
    expect(benchOutputPaths({ repoRoot: '/repo', quick: false })).toEqual({
      resultsDir: '/repo/bench/results',
      reportFile: '/repo/bench/REPORT.md',
    });
    expect(benchOutputPaths({ repoRoot: '/repo', quick: true })).toEqual({
      resultsDir: '/repo/bench/results/quick',
      reportFile: '/repo/bench/results/quick/REPORT.md',
    });
    expect(benchOutputPaths({ repoRoot: '/repo', quick: true, outDir: '/tmp/x' })).toEqual({
      resultsDir: '/tmp/x',
      reportFile: '/tmp/x/REPORT.md',
    });
  });
});

describe('writeBenchOutputs', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('writes one dated file per scenario with its comparisons, a summary and the report', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-output-'));
    const paths = benchOutputPaths({ repoRoot: '/unused', quick: false, outDir: dir });
    await writeBenchOutputs(paths, sampleBench());
    const files = (await readdir(dir)).sort();
    expect(files).toContain('2026-11-23-streamscore-fraud.json');
    expect(files).toContain('2026-11-23-summary.json');
    expect(files).toContain('REPORT.md');
    expect(files).toHaveLength(11);
    const fraud = JSON.parse(
      await readFile(join(dir, '2026-11-23-streamscore-fraud.json'), 'utf8'),
    ) as { result: { scenario: string }; comparisons: Array<{ toNaive: number }> };
    expect(fraud.result.scenario).toBe('streamscore-fraud');
    expect(fraud.comparisons[0]?.toNaive).toBeCloseTo(15);
    const summary = JSON.parse(await readFile(join(dir, '2026-11-23-summary.json'), 'utf8')) as {
      targets: unknown[];
    };
    expect(summary.targets).toHaveLength(13);
  });

  it('writes a saved run again from its summary, to the same report', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-output-'));
    const paths = benchOutputPaths({ repoRoot: '/unused', quick: false, outDir: dir });
    await writeBenchOutputs(paths, sampleBench());
    const report = await readFile(paths.reportFile, 'utf8');
    const again = join(dir, 'AGAIN.md');
    const written = await rewriteBenchOutputs(join(dir, '2026-11-23-summary.json'), again);
    expect(written).toContain(again);
    expect(await readFile(again, 'utf8')).toBe(report);
  });
});
