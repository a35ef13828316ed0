import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { kafkajsConfig } from '../../../../src/io/kafka/kafka-client.js';
import { platformaticConnectionOptions } from '../../../../src/io/kafka/platformatic-client.js';
import { Secret, type KafkaConnection } from '../../../../src/topology/index.js';

const logger = pino({ level: 'silent' });

async function pemFiles() {
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-tls-'));
  const files = {
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'cert.pem'),
    keyFile: join(dir, 'key.pem'),
  };
  await writeFile(files.caFile, 'CA PEM');
  await writeFile(files.certFile, 'CERT PEM');
  await writeFile(files.keyFile, 'KEY PEM');
  return files;
}

describe('Kafka client settings: one topology, the same cluster for both clients', () => {
  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)(
    'maps brokers, client id, mutual TLS and SASL %s to kafkajs and to @platformatic/kafka',
    async (mechanism) => {
      const connection: KafkaConnection = {
        brokers: ['b1:9093', 'b2:9093'],
        clientId: 'scorer',
        tls: { ...(await pemFiles()), rejectUnauthorized: false },
        sasl: { mechanism, username: 'svc', password: new Secret('from-env') },
      };
      const kafkajs = kafkajsConfig(connection, logger);
      const platformatic = platformaticConnectionOptions(connection);

      expect(kafkajs.brokers).toEqual(['b1:9093', 'b2:9093']);
      expect(platformatic.bootstrapBrokers).toEqual(['b1:9093', 'b2:9093']);
      expect(kafkajs.clientId).toBe('scorer');
      expect(platformatic.clientId).toBe('scorer');
      const tls = { rejectUnauthorized: false, ca: ['CA PEM'], cert: 'CERT PEM', key: 'KEY PEM' };
      expect(kafkajs.ssl).toEqual(tls);
      expect(platformatic.tls).toEqual(tls);
      expect(kafkajs.sasl).toEqual({ mechanism, username: 'svc', password: 'from-env' });
      expect(platformatic.sasl).toEqual({
        mechanism: mechanism.toUpperCase(),
        username: 'svc',
        password: 'from-env',
      });
    },
  );

  it('leaves TLS and SASL out for a PLAINTEXT cluster with both clients', () => {
    const connection: KafkaConnection = { brokers: ['127.0.0.1:9092'], clientId: 'scorer' };
    const kafkajs = kafkajsConfig(connection, logger);
    const platformatic = platformaticConnectionOptions(connection);
    expect(kafkajs.ssl).toBeUndefined();
    expect(kafkajs.sasl).toBeUndefined();
    expect(platformatic.tls).toBeUndefined();
    expect(platformatic.sasl).toBeUndefined();
  });
});
