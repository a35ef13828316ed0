import { randomBytes } from 'node:crypto';

/**
 * JVM flags for one broker on a 2-core, shared development box: a small fixed heap, the
 * serial collector (no GC threads competing with the tests), C1 only (faster warm-up, and a
 * dev broker never runs long enough for C2 to pay off), and a crash rather than a wedged
 * broker on OOM.
 */
export const kafkaJvmFlags: readonly string[] = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (22 characters). Like
 * Kafka's own `Uuid.randomUuid()`, never one starting with '-': the storage tool's argument
 * parser would read it as an option (1 start in 64 failed before this).
 */
export function createClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const bytes = random(16);
    if (bytes.length !== 16) throw new RangeError(`cluster id needs 16 bytes, got ${bytes.length}`);
    const id = bytes.toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface KafkaServerSettings {
  /** PLAINTEXT listener on 127.0.0.1 that clients use. */
  readonly brokerPort: number;
  /** CONTROLLER listener on 127.0.0.1 for the KRaft quorum (of one). */
  readonly controllerPort: number;
  /** Directory holding the metadata log and topic partitions. */
  readonly logDir: string;
  /** A SASL_SSL listener beside PLAINTEXT; none when absent. */
  readonly secured?: SecuredListenerSettings;
}

/**
 * A SASL_SSL listener on 127.0.0.1, so that clients' TLS and SASL settings meet a real broker:
 * TLS with the keystore's key, and SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for each user.
 * No authorizer: an authenticated user may do anything.
 */
export interface SecuredListenerSettings {
  readonly port: number;
  /** PKCS12 keystore holding the broker's key and certificate (for 127.0.0.1). */
  readonly keystorePath: string;
  readonly keystorePassword: string;
  /** User names and their passwords. */
  readonly users: Readonly<Record<string, string>>;
}

const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** Broker settings as ordered key/value pairs, so tests can read them without parsing text. */
export function kafkaServerProperties(settings: KafkaServerSettings): Array<[string, string]> {
  const { brokerPort, controllerPort, logDir, secured } = settings;
  const plaintext = `PLAINTEXT://127.0.0.1:${brokerPort}`;
  const saslSsl = secured === undefined ? [] : [`SASL_SSL://127.0.0.1:${secured.port}`];
  return [
    // One process is both the broker and the whole controller quorum; a static voter list
    // means `storage format` needs no --standalone flag.
    ['process.roles', 'broker,controller'],
    ['node.id', '1'],
    ['controller.quorum.voters', `1@127.0.0.1:${controllerPort}`],
    ['listeners', [plaintext, `CONTROLLER://127.0.0.1:${controllerPort}`, ...saslSsl].join(',')],
    ['advertised.listeners', [plaintext, ...saslSsl].join(',')],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    [
      'listener.security.protocol.map',
      [
        'PLAINTEXT:PLAINTEXT',
        'CONTROLLER:PLAINTEXT',
        ...(secured ? ['SASL_SSL:SASL_SSL'] : []),
      ].join(','),
    ],
    ...(secured === undefined ? [] : securedListenerProperties(secured)),
    ['log.dirs', logDir],
    // Internal topics must fit a single broker.
    ['offsets.topic.replication.factor', '1'],
    // The default 50 partitions make the first consumer-group join slow on a small box.
    ['offsets.topic.num.partitions', '1'],
    ['transaction.state.log.replication.factor', '1'],
    ['transaction.state.log.min.isr', '1'],
    ['transaction.state.log.num.partitions', '1'],
    ['share.coordinator.state.topic.replication.factor', '1'],
    ['share.coordinator.state.topic.min.isr', '1'],
    // Tests join groups constantly; waiting 3 s for more members buys nothing here.
    ['group.initial.rebalance.delay.ms', '0'],
    // The 128 MB default would take a quarter of the 512 MB heap.
    ['log.cleaner.dedupe.buffer.size', '2097152'],
    // Left at Kafka's defaults on purpose: auto.create.topics.enable (true) and
    // message.max.bytes, so the dev stack behaves like a stock broker.
  ];
}

function securedListenerProperties(secured: SecuredListenerSettings): Array<[string, string]> {
  const quoted = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const plainUsers = Object.entries(secured.users)
    .map(([user, password]) => `user_${user}=${quoted(password)}`)
    .join(' ');
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  return [
    ['sasl.enabled.mechanisms', ['PLAIN', ...SCRAM_MECHANISMS].join(',')],
    [
      'listener.name.sasl_ssl.plain.sasl.jaas.config',
      `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    ],
    ...SCRAM_MECHANISMS.map((mechanism): [string, string] => [
      `listener.name.sasl_ssl.${mechanism.toLowerCase()}.sasl.jaas.config`,
      scram,
    ]),
    ['ssl.keystore.type', 'PKCS12'],
    ['ssl.keystore.location', secured.keystorePath],
    ['ssl.keystore.password', secured.keystorePassword],
    ['ssl.key.password', secured.keystorePassword],
  ];
}

/**
 * `storage format` arguments that store each user's SCRAM credentials in the new cluster's
 * metadata (KRaft keeps them there; there is no ZooKeeper to add them to later).
 */
export function scramFormatArguments(secured: SecuredListenerSettings | undefined): string[] {
  if (secured === undefined) return [];
  for (const value of Object.entries(secured.users).flat()) {
    // The storage tool splits the entry on these and has no escape for them.
    if (/[,=[\]"\s]/.test(value)) {
      throw new RangeError(`a SCRAM user name or password may not contain , = [ ] " or spaces`);
    }
  }
  return Object.entries(secured.users).flatMap(([user, password]) =>
    SCRAM_MECHANISMS.map(
      (mechanism) => `--add-scram=${mechanism}=[name=${user},password=${password}]`,
    ),
  );
}

/** Renders `server.properties`, escaping values the way java.util.Properties reads them. */
export function renderServerProperties(settings: KafkaServerSettings): string {
  return renderProperties(
    'Kafka broker+controller for the streamscore dev stack (generated; edits are lost).',
    kafkaServerProperties(settings),
  );
}

/** Log4j2 config: WARN and above to one file, so a healthy broker writes almost nothing. */
export function renderLog4j2Properties(logFilePath: string): string {
  return renderProperties(
    'Log4j2 config for the streamscore dev-stack broker (generated; edits are lost).',
    [
      ['status', 'warn'],
      ['name', 'streamscore-dev-kafka'],
      // Log4j's own hook races Kafka's shutdown and prints a warning to stdout on every stop.
      ['shutdownHook', 'disable'],
      ['appender.file.type', 'File'],
      ['appender.file.name', 'file'],
      ['appender.file.fileName', logFilePath],
      ['appender.file.layout.type', 'PatternLayout'],
      ['appender.file.layout.pattern', '[%d] %p %m (%c)%n'],
      ['rootLogger.level', 'warn'],
      ['rootLogger.appenderRef.file.ref', 'file'],
    ],
  );
}

function renderProperties(header: string, entries: ReadonlyArray<[string, string]>): string {
  const lines = [`# ${header}`];
  for (const [key, value] of entries) lines.push(`${key}=${escapePropertyValue(value)}`);
  return `${lines.join('\n')}\n`;
}

/** Backslash is the escape character in .properties files; a leading space would be dropped. */
export function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/^ /, '\\ ');
}
