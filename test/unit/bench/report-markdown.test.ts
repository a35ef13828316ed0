import { describe, expect, it } from 'vitest';
import { renderBenchReport } from '../../../bench/report-markdown.js';
import { sampleBench } from './bench-fixtures.js';

describe('renderBenchReport', () => {
  const report = renderBenchReport(sampleBench());

  it('names the machine and every moving part’s version', () => {
    expect(report).toContain(
      '| Test CPU | 2 | 24.0 GiB | Linux 6 | v20.20.2 | 4.1.1 | 2.2.4 | 1.30.0 |',
    );
  });

  it('gives each target its verdict', () => {
    expect(report).toContain(
      '| streamscore fraud ≥ 1× the Python peer (goal 2×) | 0.75× the Python peer | ❌ missed by 25 % (0.75× vs 1.00×) |',
    );
    expect(report).toContain('✅ met, 13 % above');
  });

  it('tabulates throughput against ceilings and baselines', () => {
    expect(report).toMatch(
      /\| streamscore, fraud model \(one pipeline, kafkajs\) \| 45,000 \| 90 % of Kafka ceiling \| 122 % of 37,037 \| 15\.0× \| 0\.75× \| 1\.00 \|/,
    );
    expect(report).toContain('| fraud@1 | cpu | worker-threads | 2 × 1 | 256 | 600,000 |');
  });

  it('sets each missed target beside the same run’s reference measurement', () => {
    expect(report).toContain(
      "- Kafka ceiling and Python peer: kafkajs writing streamscore's output shape, without decode or model, reaches 40,000 events/s (80 % of the plain ceiling), and the Python peer 1.50× of that; streamscore reaches 113 % of it, and 122 % of the Kafka and model ceilings combined (37,037).",
    );
    expect(report).toContain(
      '- Heavy model: against the Kafka and model ceilings combined, in-thread 113 % of 8,000; worker threads 65 % of 9,231',
    );
    expect(report).toContain(
      '- Latency: the plain kafkajs passthrough under the same 50 % load shows p99 9.0 ms',
    );
  });

  it('lists latency per setting and load beside the Python peer and the passthrough reference, and what was skipped', () => {
    expect(report).toContain(
      '| streamscore, maxDelayMs 5 | 50 % | 22,500 | 22,400 | 6.0 ms | 12 ms | 20 ms | 30 ms | 1,000 |',
    );
    expect(report).toContain(
      '| Python peer | 50 % | 22,500 | 22,450 | 8.0 ms | 20 ms | 25 ms | 28 ms | 1,000 | – |',
    );
    expect(report).toContain(
      '| kafkajs passthrough (reference) | 50 % | 22,500 | 22,450 | 4.0 ms | 9.0 ms | 15 ms | 18 ms | 1,000 | – |',
    );
    expect(report).toContain('| GPU | skipped | no NVIDIA GPU on this machine |');
  });

  it('breaks streamscore’s latency down by pipeline stage, from its own metrics', () => {
    expect(report).toContain('| setting | fetch | batch fill | inference | output | sum |');
    expect(report).toContain('| maxDelayMs 5 | 1.5 ms | 3.0 ms | 0.5 ms | 4.0 ms | 9.0 ms |');
  });

  it('compares each setting of the sweep with the shipped topology', () => {
    expect(report).toContain("mean of the sweep's runs of the shipped topology (40,000 events/s)");
    expect(report).toContain(
      '| none (topologies/fraud.yaml) | 42,000 | 1.05× | 1.00 | 23.8 | — | 200 MB |',
    );
    expect(report).toContain('| maxBatchSize 64 | 30,000 | 0.75× | 1.00 | 33.3 | 64.0 | 200 MB |');
  });

  it('escapes pipes inside cells', () => {
    const results = sampleBench().results.map((result) =>
      result.scenario === 'gpu' ? { ...result, reason: 'a | b' } : result,
    );
    expect(renderBenchReport(sampleBench(results))).toContain('| GPU | skipped | a \\| b |');
  });

  it('marks a quick run so that it cannot pass for the benchmark', () => {
    expect(report).not.toContain('Quick run');
    expect(renderBenchReport(sampleBench(undefined, true))).toContain('**Quick run**');
  });
});
