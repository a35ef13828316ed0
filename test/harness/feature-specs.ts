import { parseTopology, type FeatureSpec } from '../../src/topology/index.js';

/**
 * Feature specs from a YAML list, put through the real topology schema inside a minimal
 * topology, so defaults are what users get.
 */
export function featuresFrom(yaml: string): readonly FeatureSpec[] {
  const source = `name: t
kafka: { brokers: 127.0.0.1:9092 }
input: { topic: in, groupId: g }
output: { topic: out }
deadLetter: { topic: dlq }
model: { name: m, input: x, outputs: [{ name: y, field: y }] }
features:
${yaml}`;
  return parseTopology(source, 'test.yaml', { env: {} }).features;
}
