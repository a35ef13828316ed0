import { describe, expect, it } from 'vitest';
import { summarizeBacklogRun } from '../../../bench/backlog-run.js';

describe('summarizeBacklogRun', () => {
  it('reports the steady rate, CPU per event and whether the backlog was drained', () => {
    const samples = [
      { atMs: 100, outputRecords: 0, cpuSeconds: 0, rssBytes: 100 },
      { atMs: 1100, outputRecords: 100, cpuSeconds: 1, rssBytes: 100 },
      { atMs: 2100, outputRecords: 600, cpuSeconds: 2, rssBytes: 110 },
      { atMs: 3100, outputRecords: 1000, cpuSeconds: 3, rssBytes: 105 },
    ];
    const run = summarizeBacklogRun(samples, {
      backlogRecords: 1000,
      drained: true,
      startedAtMs: 0,
      config: { model: 'fraud' },
      meanBatchSize: 200,
    });
    expect(run).toMatchObject({
      eventsPerSecond: 450,
      outputRecords: 1000,
      drained: true,
      windowSeconds: 2,
      runSeconds: 3.1,
      cpuCores: 1,
      meanBatchSize: 200,
      config: { model: 'fraud' },
    });
    expect(run.cpuSecondsPerMillionEvents).toBeCloseTo(2222.2, 1);
    expect(run.rss?.peakBytes).toBe(110);
  });

  it('reports zero for a run that scored nothing', () => {
    const run = summarizeBacklogRun([{ atMs: 0, outputRecords: 0 }], {
      backlogRecords: 10,
      drained: false,
      startedAtMs: 0,
      config: {},
    });
    expect(run.eventsPerSecond).toBe(0);
    expect(run.cpuCores).toBeUndefined();
  });
});
