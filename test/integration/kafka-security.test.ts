/**
 * The topology's `kafka.tls` and `kafka.sasl` against a real broker's SASL_SSL listener, with
 * each client of the scoring path (the admin and drift clients are kafkajs either way): TLS
 * verified against the broker's CA, each SASL mechanism the topology offers, and clear
 * start-up failures for a wrong password and for a certificate nobody vouches for.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../src/engine/index.js';
import { Secret, type Topology } from '../../src/topology/index.js';
import {
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  uniqueGroupId,
} from '../harness/kafka-test-helpers.js';
import {
  createScoringTopics,
  generateTransactions,
  KAFKA_CLIENTS,
  loadFraudTopology,
  produceRoundRobin,
  quietLogger,
} from '../harness/scoring-fixtures.js';
import { startSecuredBroker, type SecuredBroker } from '../harness/secured-broker.js';

type Mechanism = NonNullable<Topology['kafka']['sasl']>['mechanism'];

let broker: SecuredBroker;
const running: Service[] = [];

beforeAll(async () => {
  broker = await startSecuredBroker();
}, 120_000);

afterAll(async () => {
  await broker?.stop();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop(10_000)));
});

/** The fraud topology on fresh topics, connecting to the secured listener. */
async function securedTopology(
  label: string,
  client: (typeof KAFKA_CLIENTS)[number],
  connection: { mechanism?: Mechanism; password?: string; caFile?: string | undefined } = {},
) {
  const topics = await createScoringTopics(broker.brokers, label, 2);
  const loaded = await loadFraudTopology(broker.brokers, topics, { client });
  const caFile = 'caFile' in connection ? connection.caFile : broker.caFile;
  const topology: Topology = {
    ...loaded,
    kafka: {
      ...loaded.kafka,
      brokers: [broker.securedBrokers],
      tls: { ...(caFile === undefined ? {} : { caFile }), rejectUnauthorized: true },
      sasl: {
        mechanism: connection.mechanism ?? 'scram-sha-256',
        username: broker.username,
        password: new Secret(connection.password ?? broker.password),
      },
      connectTimeoutMs: 5_000,
    },
  };
  return { topics, topology };
}

async function startService(topology: Topology): Promise<void> {
  const service = createService({ topology, logger: quietLogger(), httpPort: 0 });
  running.push(service);
  await service.start();
}

describe.each(KAFKA_CLIENTS)('kafka.tls and kafka.sasl on a real broker with %s', (client) => {
  it.each<Mechanism>(['plain', 'scram-sha-256', 'scram-sha-512'])(
    'scores every event over TLS with SASL %s',
    async (mechanism) => {
      const count = 500;
      const { topics, topology } = await securedTopology(`secured-${mechanism}`, client, {
        mechanism,
      });
      // Produced and read back over PLAINTEXT: only the scorer goes through the secured listener.
      const kafka = createTestKafka(broker.brokers);
      const events = generateTransactions(count, 41);
      await produceRoundRobin(
        kafka,
        topics.input,
        2,
        events.map((event) => JSON.stringify(event)),
      );
      await startService(topology);
      const output = await consumeRecords(createTestConsumer(kafka, uniqueGroupId('secured')), {
        topic: topics.output,
        count,
      });
      expect(
        new Set(output.map((record) => JSON.parse(record.value ?? '').transaction_id)),
      ).toEqual(new Set(events.map((event) => event.transaction_id)));
    },
  );

  it('fails to start with a wrong password, saying authentication failed', async () => {
    const { topology } = await securedTopology('secured-wrong-password', client, {
      password: 'not-the-password',
    });
    await expect(startService(topology)).rejects.toMatchObject({
      code: 'BROKER_UNREACHABLE',
      message: expect.stringMatching(/cannot connect to Kafka.*(authentication|SASL)/i),
    });
  });

  it('fails to start when the broker’s certificate is not signed by a trusted CA', async () => {
    const { topology } = await securedTopology('secured-untrusted', client, {
      caFile: undefined,
    });
    await expect(startService(topology)).rejects.toMatchObject({
      code: 'BROKER_UNREACHABLE',
      message: expect.stringMatching(/cannot connect to Kafka.*certificate/i),
    });
  });
});
