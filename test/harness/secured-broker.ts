/**
 * A Kafka broker of one test file's own with a SASL_SSL listener beside PLAINTEXT: TLS with a
 * certificate made for 127.0.0.1 at start (keytool), and SASL PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512 for one user. Topics are set up over PLAINTEXT; the clients under test connect
 * to the secured listener with the CA file, user and password it hands out.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKafkaBroker } from '../../tools/devstack/index.js';
import { resolveBrokerRuntime } from './broker-runtime.js';
import { quietLogger } from './scoring-fixtures.js';

const run = promisify(execFile);

export interface SecuredBroker {
  /** PLAINTEXT bootstrap address, for setting up topics and reading results. */
  readonly brokers: string;
  /** SASL_SSL bootstrap address. */
  readonly securedBrokers: string;
  /** PEM of the broker's self-signed certificate: the CA clients must trust. */
  readonly caFile: string;
  readonly username: string;
  readonly password: string;
  /** Stops the broker and removes its data dir and keystore. */
  stop(): Promise<void>;
}

export async function startSecuredBroker(): Promise<SecuredBroker> {
  const logger = quietLogger();
  const {
    tools: { java, keytool },
    distribution,
  } = await resolveBrokerRuntime(logger, ['keytool']);
  const dataDir = await mkdtemp(join(tmpdir(), 'streamscore-secured-kafka-'));
  // Beside the broker's data dir, which storage format wants to itself.
  const tlsDir = await mkdtemp(join(tmpdir(), 'streamscore-secured-tls-'));
  const keystorePath = join(tlsDir, 'broker.p12');
  const caFile = join(tlsDir, 'ca.pem');
  const keystorePassword = randomBytes(12).toString('hex');
  const removeDirs = () =>
    Promise.all([dataDir, tlsDir].map((dir) => rm(dir, { recursive: true, force: true })));
  const username = 'scorer';
  const password = randomBytes(12).toString('hex');
  try {
    const keystore = ['-keystore', keystorePath, '-storepass', keystorePassword];
    await run(keytool, [
      '-genkeypair',
      '-alias',
      'broker',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      '2',
      '-dname',
      'CN=127.0.0.1',
      '-ext',
      'SAN=IP:127.0.0.1,DNS:localhost',
      '-storetype',
      'PKCS12',
      '-keypass',
      keystorePassword,
      ...keystore,
    ]);
    await run(keytool, ['-exportcert', '-rfc', '-alias', 'broker', '-file', caFile, ...keystore]);
    const broker = createKafkaBroker({
      javaPath: java,
      distribution,
      dataDir,
      secured: { keystorePath, keystorePassword, users: { [username]: password } },
      detached: false,
      logger,
    });
    const record = await broker.start();
    return {
      brokers: record.brokers,
      securedBrokers: record.securedBrokers as string,
      caFile,
      username,
      password,
      async stop() {
        try {
          await broker.stop();
        } finally {
          await removeDirs();
        }
      },
    };
  } catch (error) {
    await removeDirs();
    throw error;
  }
}
