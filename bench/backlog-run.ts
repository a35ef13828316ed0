/**
 * Measures one process draining a pre-loaded backlog: the output topic's record count and the
 * process's CPU and RSS are sampled together on one clock until the backlog is done, the time
 * cap is reached or the process dies. The rate is taken over the steady window (10 % → 90 % of
 * the final output), so start-up and the last partitions' tail do not count.
 */
import type { Admin } from 'kafkajs';
import type { BacklogRun, ProcessMemory } from './bench-results.js';
import type { ChildUnderTest } from './child-process.js';
import { countRecords } from './bench-kafka.js';
import { readProcessUsage } from './process-usage.js';
import {
  rssProfile,
  steadyWindow,
  windowCpuCores,
  windowRate,
  type ProgressSample,
} from './statistics.js';

export interface BacklogRunOptions {
  readonly admin: Admin;
  readonly outputTopic: string;
  /** Records waiting in the input topic; the run is done when the output has as many. */
  readonly backlogRecords: number;
  /** Wall-clock cap from process start; slow contenders are measured on part of the backlog. */
  readonly capSeconds: number;
  readonly processUnderTest: ChildUnderTest;
  /** When the process was started (`performance.now()`). */
  readonly startedAtMs: number;
  /** Runs while the process is still up, after the last sample: e.g. a /metrics scrape. */
  readonly beforeStop?: () => Promise<Pick<BacklogRun, 'meanBatchSize' | 'memory'>>;
  readonly config: BacklogRun['config'];
  readonly pollIntervalMs?: number;
  /** Receives a progress line now and then. */
  readonly onProgress?: (outputRecords: number, elapsedSeconds: number) => void;
}

export async function measureBacklogRun(options: BacklogRunOptions): Promise<BacklogRun> {
  const { admin, outputTopic, processUnderTest, startedAtMs } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const samples: ProgressSample[] = [];
  const deadline = startedAtMs + options.capSeconds * 1000;
  let lastProgressAt = startedAtMs;
  let drained = false;
  let extra: Pick<BacklogRun, 'meanBatchSize' | 'memory'>;
  try {
    for (;;) {
      const outputRecords = await countRecords(admin, outputTopic);
      const usage = readProcessUsage(processUnderTest.pid);
      const atMs = performance.now();
      samples.push({ atMs, outputRecords, ...usage });
      if (outputRecords >= options.backlogRecords) {
        drained = true;
        break;
      }
      if (processUnderTest.hasExited()) {
        throw new Error(
          `${outputTopic}: the process under test exited after ${outputRecords} of ${options.backlogRecords} records:\n${processUnderTest.outputTail()}`,
        );
      }
      if (atMs >= deadline) break;
      if (atMs - lastProgressAt >= 5_000) {
        lastProgressAt = atMs;
        options.onProgress?.(outputRecords, (atMs - startedAtMs) / 1000);
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
    extra = (await options.beforeStop?.()) ?? {};
  } finally {
    await processUnderTest.stop();
  }
  return summarizeBacklogRun(samples, {
    backlogRecords: options.backlogRecords,
    drained,
    startedAtMs,
    config: options.config,
    ...extra,
  });
}

/** The numbers of a finished run; pure, for the unit tests. */
export function summarizeBacklogRun(
  samples: readonly ProgressSample[],
  run: {
    readonly backlogRecords: number;
    readonly drained: boolean;
    readonly startedAtMs: number;
    readonly config: BacklogRun['config'];
    readonly meanBatchSize?: number;
    readonly memory?: ProcessMemory;
  },
): BacklogRun {
  const last = samples.at(-1);
  const outputRecords = last?.outputRecords ?? 0;
  const window = steadyWindow(samples);
  const eventsPerSecond = window === undefined ? 0 : windowRate(window);
  const cpuCores = window === undefined ? undefined : windowCpuCores(window);
  const windowEvents =
    window === undefined ? 0 : window.end.outputRecords - window.start.outputRecords;
  const windowCpuSeconds =
    window?.start.cpuSeconds !== undefined && window.end.cpuSeconds !== undefined
      ? window.end.cpuSeconds - window.start.cpuSeconds
      : undefined;
  return {
    eventsPerSecond,
    outputRecords,
    backlogRecords: run.backlogRecords,
    drained: run.drained,
    windowSeconds: window === undefined ? 0 : (window.end.atMs - window.start.atMs) / 1000,
    runSeconds: last === undefined ? 0 : (last.atMs - run.startedAtMs) / 1000,
    cpuCores,
    cpuSecondsPerMillionEvents:
      windowCpuSeconds === undefined || windowEvents === 0
        ? undefined
        : (windowCpuSeconds / windowEvents) * 1e6,
    rss: rssProfile(samples),
    meanBatchSize: run.meanBatchSize,
    ...(run.memory === undefined ? {} : { memory: run.memory }),
    config: run.config,
  };
}
