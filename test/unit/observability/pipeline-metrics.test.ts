import { readFile } from 'node:fs/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  createDriftAlertMetrics,
  createPipelineMetrics,
} from '../../../src/observability/index.js';

describe.each([
  ['pipeline', createPipelineMetrics],
  ['drift alert', createDriftAlertMetrics],
])('%s metrics', (_, createMetrics) => {
  it('are all documented in the docs/metrics.md reference, with help text for the on-call reader', async () => {
    const registry = new Registry();
    createMetrics(registry);
    const doc = await readFile('docs/metrics.md', 'utf8');
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.length).toBeGreaterThan(5);
    for (const metric of metrics) {
      expect(doc, metric.name).toMatch(new RegExp(`\\| \`${metric.name}\` +\\|`));
      expect(metric.help.length, metric.name).toBeGreaterThan(20);
    }
  });
});
