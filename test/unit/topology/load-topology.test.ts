import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  loadTopology,
  parseTopology,
  replaceTopologyReference,
  topologyJsonSchema,
  topologyReferenceMarkdown,
  TopologyValidationError,
} from '../../../src/topology/index.js';

const FILE = 'topologies/test.yaml';

/** A valid topology; tests replace single lines to break exactly one thing. */
const VALID = `name: fraud-scoring
kafka:
  brokers: \${KAFKA_BROKERS:-127.0.0.1:9092}
  clientId: scorer
input:
  topic: transactions
  groupId: fraud-scorer
output:
  topic: transactions.scored
deadLetter:
  topic: transactions.dlq
features:
  - name: amount
    path: amount
    type: number
    transforms:
      - op: log1p
      - op: clip
        max: 12
  - name: channel
    path: channel
    type: category
    vocabulary: [pos, ecom, atm]
  - name: hour
    path: timestamp
    type: timestamp
    derive: hourOfDay
  - name: card_present
    path: card_present
    type: boolean
    default: false
model:
  name: fraud
  input: features
  outputs:
    - name: probabilities
      field: fraud_probability
      column: 1
batching:
  maxBatchSize: 256
  maxDelayMs: 5
  preferredBatchSizes: [64, 256, 64]
`;

function errorsOf(source: string, env: Record<string, string> = {}): string[] {
  try {
    parseTopology(source, FILE, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyValidationError);
    return (error as TopologyValidationError).message.split('\n');
  }
  throw new Error('expected the topology to be rejected');
}

describe('parseTopology', () => {
  it('compiles a valid topology with defaults filled in and frozen', () => {
    const topology = parseTopology(VALID, FILE, { env: {} });
    expect(topology.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(topology.input.format).toBe('json');
    expect(topology.output.scoreField).toBe('score');
    expect(topology.model.version).toBe('latest');
    expect(topology.model.executionProviders).toEqual(['cpu']);
    expect(topology.model.registryDir).toMatch(/\/topologies\/models$/);
    expect(topology.batching.preferredBatchSizes).toEqual([64, 256]);
    expect(topology.batching.maxQueuedEvents).toBe(10_000);
    expect(topology.featureWidth).toBe(1 + 3 + 1 + 1);
    expect(Object.isFrozen(topology)).toBe(true);
    expect(Object.isFrozen(topology.features[0])).toBe(true);
  });

  it('reports a wrong type with file, path, expectation, found value and position', () => {
    expect(errorsOf(VALID.replace('maxDelayMs: 5', 'maxDelayMs: fast'))).toEqual([
      'topologies/test.yaml: batching.maxDelayMs: expected a number ≥ 0, got "fast" (line 41, column 3)',
    ]);
  });

  it('reports integers, bounds, enums and discriminators in words', () => {
    const source = VALID.replace('maxBatchSize: 256', 'maxBatchSize: 0.5')
      .replace('derive: hourOfDay', 'derive: hour')
      .replace('- op: log1p', '- op: sqrt')
      .replace('type: boolean', 'type: bool');
    expect(errorsOf(source)).toEqual([
      'topologies/test.yaml: features[0].transforms[0].op: expected one of "log1p", "clip", "standardize", got "sqrt" (line 17, column 9)',
      'topologies/test.yaml: features[2].derive: expected one of "hourOfDay", "dayOfWeek", "dayOfMonth", "month", "epochSeconds", got "hour" (line 27, column 5)',
      'topologies/test.yaml: features[3].type: expected one of "number", "boolean", "category", "timestamp", got "bool" (line 30, column 5)',
      'topologies/test.yaml: batching.maxBatchSize: expected an integer, got 0.5 (line 40, column 3)',
    ]);
  });

  it('reports every unknown key with the keys that are allowed', () => {
    const source = VALID.replace('  clientId: scorer', '  clientId: scorer\n  brokerz: x').replace(
      'batching:',
      'batchin: {}\nbatching:',
    );
    expect(errorsOf(source)).toEqual([
      'topologies/test.yaml: kafka.brokerz: unknown key (allowed: brokers, clientId, client, tls, sasl, connectTimeoutMs) (line 5, column 3)',
      'topologies/test.yaml: batchin: unknown key (allowed: name, kafka, input, output, deadLetter, features, model, batching, scaling, drift, observability) (line 40, column 1)',
    ]);
  });

  it('reports missing required fields at their parent', () => {
    const source = VALID.replace('  groupId: fraud-scorer\n', '');
    expect(errorsOf(source)).toEqual([
      'topologies/test.yaml: input.groupId: missing (expected a non-empty string) (line 5, column 1)',
    ]);
  });

  it('interpolates ${VAR} and ${VAR:-default}, re-typing plain single placeholders', () => {
    const source = VALID.replace('maxDelayMs: 5', 'maxDelayMs: ${DELAY_MS}').replace(
      'clientId: scorer',
      'clientId: "${CLIENT}"',
    );
    const topology = parseTopology(source, FILE, {
      env: { KAFKA_BROKERS: 'k1:9092, k2:9092', DELAY_MS: '12.5', CLIENT: '42' },
    });
    expect(topology.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(topology.batching.maxDelayMs).toBe(12.5);
    expect(topology.kafka.clientId).toBe('42');
  });

  it('keeps $${...} as a literal', () => {
    const source = VALID.replace('clientId: scorer', () => 'clientId: a$${B}c');
    expect(parseTopology(source, FILE, { env: {} }).kafka.clientId).toBe('a${B}c');
  });

  it('names a missing environment variable without default, with the rest of the problems', () => {
    const source = VALID.replace('topic: transactions.dlq', 'topic: ${DLQ_TOPIC}').replace(
      'maxDelayMs: 5',
      'maxDelayMs: -1',
    );
    expect(errorsOf(source)).toEqual([
      'topologies/test.yaml: deadLetter.topic: environment variable DLQ_TOPIC is not set and has no default (write ${DLQ_TOPIC:-default} to give one) (line 11, column 3)',
      'topologies/test.yaml: batching.maxDelayMs: expected a number ≥ 0, got -1 (line 41, column 3)',
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(
      errorsOf(VALID.replace('clientId: scorer', 'clientId: ${CLIENT}'), { CLIENT: '' }),
    ).toEqual([
      'topologies/test.yaml: kafka.clientId: environment variable CLIENT is not set and has no default (write ${CLIENT:-default} to give one) (line 4, column 3)',
    ]);
  });

  it('rejects a literal SASL password and keeps an interpolated one out of logs', () => {
    const literal = VALID.replace(
      '  clientId: scorer',
      '  clientId: scorer\n  sasl:\n    mechanism: plain\n    username: svc\n    password: hunter2',
    );
    expect(errorsOf(literal)).toEqual([
      'topologies/test.yaml: kafka.sasl.password: a secret must come from the environment: write ${VARIABLE} instead of the value (line 8, column 5)',
    ]);

    const fromEnv = literal.replace('password: hunter2', 'password: ${SASL_PASSWORD}');
    const topology = parseTopology(fromEnv, FILE, { env: { SASL_PASSWORD: 'hunter2' } });
    expect(topology.kafka.sasl?.password.reveal()).toBe('hunter2');
    expect(JSON.stringify(topology)).not.toContain('hunter2');
    expect(inspect(topology, { depth: 10 })).not.toContain('hunter2');
  });

  it('checks rules that span fields', () => {
    const source = VALID.replace('topic: transactions.scored', 'topic: transactions')
      .replace('- name: hour', '- name: amount')
      .replace('[pos, ecom, atm]', '[pos, ecom, pos]')
      .replace('max: 12', 'max: 12\n        min: 13')
      .replace('preferredBatchSizes: [64, 256, 64]', 'preferredBatchSizes: [64, 512]');
    expect(errorsOf(source)).toEqual([
      'topologies/test.yaml: features[2].name: duplicate feature name "amount" (first at features[0].name) (line 25, column 5)',
      'topologies/test.yaml: features[0].transforms[1].min: clip min 13 is above max 12 (line 20, column 9)',
      'topologies/test.yaml: features[1].vocabulary[2]: duplicate vocabulary value "pos" (first at features[1].vocabulary[0]) (line 24, column 29)',
      'topologies/test.yaml: output.topic: must differ from input.topic ("transactions"): scoring would read its own output (line 9, column 3)',
      'topologies/test.yaml: batching.preferredBatchSizes[1]: 512 is above batching.maxBatchSize (256) (line 43, column 29)',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(errorsOf('name: [unclosed\nkafka: {}\n')[0]).toMatch(
      /^topologies\/test\.yaml: invalid YAML: .+ \(line \d+, column \d+\)$/,
    );
  });

  it('reports a missing file', async () => {
    await expect(loadTopology('topologies/nope.yaml')).rejects.toThrow(
      'topologies/nope.yaml: file not found',
    );
  });
});

describe('schemas/topology.schema.json', () => {
  it('is the JSON Schema derived from the zod schema (regenerate: npm run schema)', async () => {
    const committed: unknown = JSON.parse(await readFile('schemas/topology.schema.json', 'utf8'));
    expect(committed).toEqual(topologyJsonSchema());
  });
});

describe('docs/topology.md topology reference', () => {
  it('is the reference rendered from the schema (regenerate: npm run schema)', async () => {
    const doc = await readFile('docs/topology.md', 'utf8');
    expect(doc).toBe(replaceTopologyReference(doc, topologyReferenceMarkdown()));
  });
});
