import { describe, expect, it } from 'vitest';
import { sumPrometheusSamples } from '../../../src/observability/index.js';

describe('sumPrometheusSamples', () => {
  const text = [
    '# HELP streamscore_batch_size_events Events per inference batch.',
    'streamscore_batch_size_events_bucket{le="256",topology="t"} 10',
    'streamscore_batch_size_events_sum{topology="t"} 2000',
    'streamscore_batch_size_events_count{topology="t"} 10',
    'streamscore_events_scored_total{topology="t",model="a"} 5',
    'streamscore_events_scored_total{topology="t",model="b"} 7',
  ].join('\n');

  it('sums one series over its labels, not its longer-named siblings', () => {
    expect(sumPrometheusSamples(text, 'streamscore_events_scored_total')).toBe(12);
    expect(sumPrometheusSamples(text, 'streamscore_batch_size_events_sum')).toBe(2000);
    expect(sumPrometheusSamples(text, 'streamscore_batch_size_events')).toBeUndefined();
  });

  it('keeps only the samples carrying every given label', () => {
    expect(sumPrometheusSamples(text, 'streamscore_events_scored_total', { model: 'b' })).toBe(7);
    expect(sumPrometheusSamples(text, 'streamscore_events_scored_total', { model: 'c' })).toBe(
      undefined,
    );
  });
});
