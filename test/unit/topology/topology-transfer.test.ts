import { describe, expect, it } from 'vitest';
import {
  parseTopology,
  Secret,
  topologyForThread,
  topologyFromThread,
} from '../../../src/topology/index.js';

const SOURCE = `
name: transfer
kafka:
  brokers: localhost:9092
  sasl:
    mechanism: scram-sha-512
    username: scorer
    password: \${KAFKA_PASSWORD}
input: { topic: in, groupId: scorers }
output: { topic: out }
deadLetter: { topic: dlq }
features:
  - { name: amount, path: amount, type: number }
model: { name: fraud, version: 1, input: features, outputs: [{ name: probabilities, field: probability }] }
drift:
  enabled: true
  redisUrl: redis://:\${REDIS_PASSWORD}@localhost:6379
  webhookUrl: https://hooks.example/\${HOOK_TOKEN}
`;

describe('a topology crossing into a worker thread', () => {
  const topology = parseTopology(SOURCE, '/etc/streamscore/transfer.yaml', {
    env: { KAFKA_PASSWORD: 'kafka-pw', REDIS_PASSWORD: 'redis-pw', HOOK_TOKEN: 'hook-token' },
  });

  it('arrives equal, secrets usable again, through a real structured clone', () => {
    const arrived = topologyFromThread(structuredClone(topologyForThread(topology)));
    expect(arrived.kafka.sasl?.password).toBeInstanceOf(Secret);
    expect(arrived.kafka.sasl?.password.reveal()).toBe('kafka-pw');
    expect(arrived.drift.redisUrl?.reveal()).toBe('redis://:redis-pw@localhost:6379');
    expect(arrived.drift.webhookUrl?.reveal()).toBe('https://hooks.example/hook-token');
    expect(JSON.parse(JSON.stringify(arrived))).toEqual(JSON.parse(JSON.stringify(topology)));
    expect(Object.isFrozen(arrived.drift)).toBe(true);
    expect(Object.isFrozen(arrived.features[0])).toBe(true);
  });

  it('still hides the secrets when the arrived topology is logged', () => {
    const arrived = topologyFromThread(structuredClone(topologyForThread(topology)));
    const logged = JSON.stringify(arrived);
    for (const secret of ['kafka-pw', 'redis-pw', 'hook-token']) {
      expect(logged).not.toContain(secret);
    }
  });
});
