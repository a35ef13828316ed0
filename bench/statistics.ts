/**
 * The arithmetic of the benchmark, kept pure so that every number in the report can be checked
 * by a unit test: quantiles, rates over a measurement window, CPU use and memory growth.
 */
import { nearestRankQuantile } from '../src/observability/index.js';

/** One observation of a system under test, taken by the bench's poll loop. */
export interface ProgressSample {
  /** `performance.now()`-style milliseconds. */
  readonly atMs: number;
  /** Records in the output topic (all partitions) at that moment. */
  readonly outputRecords: number;
  /** User + system CPU seconds of the process so far, when it could be read. */
  readonly cpuSeconds?: number;
  /** Resident set size in bytes, when it could be read. */
  readonly rssBytes?: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Summarises latencies (sorted in place: pass a copy if the order matters). */
export function summarizeLatencies(latenciesMs: Float64Array): LatencySummary {
  latenciesMs.sort();
  let sum = 0;
  for (const value of latenciesMs) sum += value;
  const count = latenciesMs.length;
  return {
    count,
    p50Ms: nearestRankQuantile(latenciesMs, 0.5),
    p99Ms: nearestRankQuantile(latenciesMs, 0.99),
    p999Ms: nearestRankQuantile(latenciesMs, 0.999),
    maxMs: count === 0 ? Number.NaN : (latenciesMs[count - 1] as number),
    meanMs: count === 0 ? Number.NaN : sum / count,
  };
}

/** The part of a run that counts: start-up and the tail of the last partitions left out. */
export interface MeasurementWindow {
  readonly start: ProgressSample;
  readonly end: ProgressSample;
}

/**
 * The steady part of a run: from the first sample with at least `from` of the final output
 * count to the first with at least `to` of it. Start-up (process start, group join, warm-up)
 * sits before `from`; after `to` the last partitions finish one by one. Falls back to the
 * whole run when the window would be shorter than `minWindowMs` (a run too fast to sample).
 * Undefined when nothing was output.
 */
export function steadyWindow(
  samples: readonly ProgressSample[],
  options: { readonly from?: number; readonly to?: number; readonly minWindowMs?: number } = {},
): MeasurementWindow | undefined {
  const from = options.from ?? 0.1;
  const to = options.to ?? 0.9;
  const minWindowMs = options.minWindowMs ?? 1_000;
  const last = samples.at(-1);
  if (last === undefined || last.outputRecords === 0) return undefined;
  const total = last.outputRecords;
  const start = samples.find((sample) => sample.outputRecords >= from * total);
  const end = samples.find((sample) => sample.outputRecords >= to * total);
  if (start !== undefined && end !== undefined && end.atMs - start.atMs >= minWindowMs) {
    return { start, end };
  }
  // The whole run, from the last sample before any output.
  const firstOutput = samples.findIndex((sample) => sample.outputRecords > 0);
  const before = samples[Math.max(0, firstOutput - 1)] as ProgressSample;
  return before === last ? undefined : { start: before, end: last };
}

/** Output records per second over the window. */
export function windowRate(window: MeasurementWindow): number {
  const seconds = (window.end.atMs - window.start.atMs) / 1000;
  return seconds > 0 ? (window.end.outputRecords - window.start.outputRecords) / seconds : 0;
}

/** Mean CPU cores busy over the window (CPU seconds per wall second); undefined without readings. */
export function windowCpuCores(window: MeasurementWindow): number | undefined {
  const { start, end } = window;
  if (start.cpuSeconds === undefined || end.cpuSeconds === undefined) return undefined;
  const seconds = (end.atMs - start.atMs) / 1000;
  return seconds > 0 ? (end.cpuSeconds - start.cpuSeconds) / seconds : undefined;
}

export interface RssProfile {
  /** Highest RSS seen during the run. */
  readonly peakBytes: number;
  /** Highest RSS while the second quarter of the output was written (warm, early). */
  readonly earlyBytes: number;
  /** Highest RSS while the last quarter was written. */
  readonly lateBytes: number;
  /** `lateBytes − earlyBytes`: what a long backlog adds. Near zero when memory is bounded. */
  readonly growthBytes: number;
}

/**
 * RSS over the course of a run, by progress through the output rather than by time, so that a
 * slow start does not count as "early". Undefined without RSS readings.
 */
export function rssProfile(samples: readonly ProgressSample[]): RssProfile | undefined {
  const withRss = samples.filter((sample) => sample.rssBytes !== undefined);
  if (withRss.length === 0) return undefined;
  const total = samples.at(-1)?.outputRecords ?? 0;
  const peak = (list: readonly ProgressSample[]) =>
    list.reduce((max, sample) => Math.max(max, sample.rssBytes as number), 0);
  const inRange = (lo: number, hi: number) =>
    withRss.filter((s) => s.outputRecords >= lo * total && s.outputRecords <= hi * total);
  const early = inRange(0.25, 0.5);
  const late = inRange(0.75, 1);
  const peakBytes = peak(withRss);
  const earlyBytes = early.length > 0 ? peak(early) : peakBytes;
  const lateBytes = late.length > 0 ? peak(late) : peakBytes;
  return { peakBytes, earlyBytes, lateBytes, growthBytes: lateBytes - earlyBytes };
}

/** `value / reference`, or undefined when either is missing or the reference is not positive. */
export function ratio(
  value: number | undefined,
  reference: number | undefined,
): number | undefined {
  if (value === undefined || reference === undefined) return undefined;
  if (!Number.isFinite(value) || !Number.isFinite(reference) || reference <= 0) return undefined;
  return value / reference;
}
