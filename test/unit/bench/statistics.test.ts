import { describe, expect, it } from 'vitest';
import {
  ratio,
  rssProfile,
  steadyWindow,
  summarizeLatencies,
  windowCpuCores,
  windowRate,
  type ProgressSample,
} from '../../../bench/statistics.js';

const sample = (atMs: number, outputRecords: number, extra: Partial<ProgressSample> = {}) => ({
  atMs,
  outputRecords,
  ...extra,
});

describe('summarizeLatencies', () => {
  it('sorts and summarises', () => {
    const summary = summarizeLatencies(Float64Array.from([30, 10, 20, 40]));
    expect(summary).toEqual({ count: 4, p50Ms: 20, p99Ms: 40, p999Ms: 40, maxMs: 40, meanMs: 25 });
  });

  it('reports an empty phase as NaN rather than zero latency', () => {
    const summary = summarizeLatencies(new Float64Array(0));
    expect(summary.count).toBe(0);
    expect(summary.p99Ms).toBeNaN();
  });
});

describe('steadyWindow', () => {
  // Start-up: nothing for 2 s, then 1000 records/s, then a slow tail.
  const samples = [
    sample(0, 0, { cpuSeconds: 0 }),
    sample(1000, 0, { cpuSeconds: 0.5 }),
    sample(2000, 0, { cpuSeconds: 1 }),
    sample(3000, 1000, { cpuSeconds: 2 }),
    sample(4000, 2000, { cpuSeconds: 3 }),
    sample(5000, 3000, { cpuSeconds: 4 }),
    sample(6000, 4000, { cpuSeconds: 5 }),
    sample(7000, 4500, { cpuSeconds: 5.5 }),
    sample(8000, 5000, { cpuSeconds: 5.75 }),
  ];

  it('runs from the first sample at 10 % of the final count to the first at 90 %', () => {
    const window = steadyWindow(samples);
    expect(window?.start.atMs).toBe(3000);
    expect(window?.end.atMs).toBe(7000);
    expect(windowRate(window!)).toBe(875);
    expect(windowCpuCores(window!)).toBe(0.875);
  });

  it('falls back to the whole run when the window would be too short to measure', () => {
    const fast = [sample(0, 0), sample(200, 0), sample(400, 900), sample(600, 1000)];
    const window = steadyWindow(fast);
    expect(window?.start.atMs).toBe(200);
    expect(window?.end.atMs).toBe(600);
    expect(windowRate(window!)).toBe(2500);
  });

  it('is undefined when nothing came out', () => {
    expect(steadyWindow([sample(0, 0), sample(1000, 0)])).toBeUndefined();
    expect(steadyWindow([])).toBeUndefined();
  });

  it('has no CPU figure without readings', () => {
    expect(windowCpuCores({ start: sample(0, 0), end: sample(1000, 10) })).toBeUndefined();
  });
});

describe('rssProfile', () => {
  it('compares RSS by progress through the output, not by time', () => {
    const mb = 1024 * 1024;
    const profile = rssProfile([
      sample(0, 0, { rssBytes: 50 * mb }),
      sample(1000, 300, { rssBytes: 120 * mb }),
      sample(2000, 400, { rssBytes: 130 * mb }),
      sample(3000, 800, { rssBytes: 125 * mb }),
      sample(4000, 1000, { rssBytes: 140 * mb }),
    ]);
    expect(profile).toEqual({
      peakBytes: 140 * mb,
      earlyBytes: 130 * mb,
      lateBytes: 140 * mb,
      growthBytes: 10 * mb,
    });
  });

  it('is undefined without RSS readings', () => {
    expect(rssProfile([sample(0, 10)])).toBeUndefined();
  });
});

describe('ratio', () => {
  it('divides, and refuses missing or non-positive references', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(undefined, 10)).toBeUndefined();
    expect(ratio(30, undefined)).toBeUndefined();
    expect(ratio(30, 0)).toBeUndefined();
    expect(ratio(Number.NaN, 10)).toBeUndefined();
  });
});
