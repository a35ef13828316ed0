/** One or two lines per finished scenario, printed as the bench goes. */
import type { BacklogRun, LatencyAtLoad, ModelCeiling, ScenarioResult } from './bench-results.js';
import { mb, ms } from './comparisons.js';

export function describeResult(result: ScenarioResult): string[] {
  const took = `(${result.durationSeconds.toFixed(0)} s)`;
  if (result.status !== 'ok')
    return [`${result.status}: ${firstLine(result.reason ?? '')} ${took}`];
  switch (result.scenario) {
    case 'kafka-ceiling':
      return [
        ...(result.run === undefined ? [] : [describeRun(result.run)]),
        ...(result.scoredShapeRun === undefined
          ? []
          : [`with streamscore's output shape: ${describeRun(result.scoredShapeRun)}`]),
        took,
      ];
    case 'streamscore-fraud':
    case 'naive-baseline':
    case 'python-peer':
      return result.run === undefined ? [] : [`${describeRun(result.run)} ${took}`];
    case 'inference-ceiling':
      return [...(result.ceilings ?? []).map(describeCeiling), took];
    case 'heavy-model':
      return [
        ...(result.ceiling === undefined ? [] : [describeCeiling(result.ceiling)]),
        ...(result.inThread === undefined ? [] : [`in-thread: ${describeRun(result.inThread)}`]),
        ...(result.workerThreads === undefined
          ? []
          : [`worker threads: ${describeRun(result.workerThreads)}`]),
        took,
      ];
    case 'latency':
      return [
        ...(result.settings ?? []).flatMap((setting) =>
          setting.loads.map((load) => `maxDelayMs ${setting.maxDelayMs}, ${describeLoad(load)}`),
        ),
        ...(result.pythonPeer?.loads ?? []).map((load) => `Python peer, ${describeLoad(load)}`),
        ...(result.passthrough?.loads ?? []).map(
          (load) => `kafkajs passthrough, ${describeLoad(load)}`,
        ),
        took,
      ];
    case 'settings':
      return [
        ...(result.runs ?? []).map(({ change, run }) => `${change}: ${describeRun(run)}`),
        took,
      ];
    case 'gpu':
      return [
        ...(result.ceiling === undefined ? [] : [describeCeiling(result.ceiling)]),
        ...(result.run === undefined ? [] : [describeRun(result.run)]),
        took,
      ];
  }
}

function describeRun(run: BacklogRun): string {
  const parts = [`${Math.round(run.eventsPerSecond).toLocaleString('en-US')} events/s`];
  if (run.cpuCores !== undefined) parts.push(`${run.cpuCores.toFixed(2)} cores`);
  if (run.rss !== undefined) parts.push(`RSS peak ${mb(run.rss.peakBytes)}`);
  if (run.meanBatchSize !== undefined) parts.push(`mean batch ${run.meanBatchSize.toFixed(1)}`);
  parts.push(
    `${run.outputRecords.toLocaleString('en-US')} events${run.drained ? '' : ' (time cap)'}`,
  );
  return parts.join(', ');
}

function describeCeiling(ceiling: ModelCeiling): string {
  const rate = (value: number) => Math.round(value).toLocaleString('en-US');
  return `${ceiling.model} on ${ceiling.executionProvider}: ${rate(ceiling.inThread.rowsPerSecond)} rows/s in-thread, ${rate(ceiling.workerThreads.rowsPerSecond)} rows/s in worker threads`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function describeLoad(load: LatencyAtLoad): string {
  return `${Math.round(load.loadShare * 100)} % load (${Math.round(load.producedEventsPerSecond).toLocaleString('en-US')}/s): p50 ${ms(load.latency.p50Ms)}, p99 ${ms(load.latency.p99Ms)}, p99.9 ${ms(load.latency.p999Ms)}`;
}
