import { describe, expect, it } from 'vitest';
import {
  createClusterId,
  escapePropertyValue,
  kafkaJvmFlags,
  kafkaServerProperties,
  renderLog4j2Properties,
  renderServerProperties,
  scramFormatArguments,
} from '../../../../tools/devstack/kafka-properties.js';

/** Reads .properties text the simple way java.util.Properties would for these files. */
function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const separator = line.indexOf('=');
    entries.set(line.slice(0, separator), line.slice(separator + 1).replace(/\\\\/g, '\\'));
  }
  return entries;
}

describe('createClusterId', () => {
  it('is 16 random bytes in base64url without padding: 22 characters', () => {
    const id = createClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('encodes exactly the bytes it is given', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(createClusterId(() => bytes)).toBe('ABEiM0RVZneImaq7zN3u_w');
  });

  it("draws again rather than start with '-', which CLI parsers read as an option", () => {
    const draws = [
      Buffer.from('fbff00112233445566778899aabbccdd', 'hex'), // '-_8AESIzRFVmd4iZqrvM3Q'
      Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
    ];
    expect(createClusterId(() => draws.shift() as Buffer)).toBe('ABEiM0RVZneImaq7zN3u_w');
    expect(draws).toEqual([]);
  });

  it('never starts with a dash over many draws', () => {
    for (let i = 0; i < 2_000; i += 1) expect(createClusterId().startsWith('-')).toBe(false);
  });

  it('differs between calls', () => {
    expect(createClusterId()).not.toBe(createClusterId());
  });

  it('rejects a random source that returns the wrong length', () => {
    expect(() => createClusterId(() => Buffer.alloc(8))).toThrow(RangeError);
  });
});

describe('renderServerProperties', () => {
  const settings = { brokerPort: 39092, controllerPort: 39093, logDir: '/tmp/data/kraft-logs' };
  const properties = parseProperties(renderServerProperties(settings));

  it('runs one combined broker and controller on 127.0.0.1', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('node.id')).toBe('1');
    expect(properties.get('controller.quorum.voters')).toBe('1@127.0.0.1:39093');
    expect(properties.get('listeners')).toBe(
      'PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:39093',
    );
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:39092');
    expect(properties.get('controller.listener.names')).toBe('CONTROLLER');
    expect(properties.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(properties.get('listener.security.protocol.map')).toBe(
      'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    );
    expect(properties.get('log.dirs')).toBe('/tmp/data/kraft-logs');
  });

  it('sizes internal topics for a single broker', () => {
    expect(Object.fromEntries(properties)).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'offsets.topic.num.partitions': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'transaction.state.log.num.partitions': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'share.coordinator.state.topic.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'log.cleaner.dedupe.buffer.size': '2097152',
    });
  });

  it('keeps Kafka defaults for topic auto-creation and message size', () => {
    expect(properties.has('auto.create.topics.enable')).toBe(false);
    expect(properties.has('message.max.bytes')).toBe(false);
  });

  it('never names localhost', () => {
    expect(renderServerProperties(settings)).not.toMatch(/localhost/);
  });

  it('renders every key once, in the order given', () => {
    const keys = kafkaServerProperties(settings).map(([key]) => key);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...properties.keys()]).toEqual(keys);
  });

  it('escapes backslashes in paths', () => {
    const windowsLike = renderServerProperties({ ...settings, logDir: 'C:\\kafka\\data' });
    expect(windowsLike).toContain('log.dirs=C:\\\\kafka\\\\data');
    expect(parseProperties(windowsLike).get('log.dirs')).toBe('C:\\kafka\\data');
  });
});

describe('a secured listener', () => {
  const secured = {
    port: 39094,
    keystorePath: '/tmp/tls/broker.p12',
    keystorePassword: 'store-pass',
    users: { scorer: 'pa"ss' },
  };
  const properties = parseProperties(
    renderServerProperties({
      brokerPort: 39092,
      controllerPort: 39093,
      logDir: '/tmp/data/kraft-logs',
      secured,
    }),
  );

  it('listens for SASL_SSL beside PLAINTEXT, which brokers keep talking among themselves', () => {
    expect(properties.get('listeners')).toBe(
      'PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:39093,SASL_SSL://127.0.0.1:39094',
    );
    expect(properties.get('advertised.listeners')).toBe(
      'PLAINTEXT://127.0.0.1:39092,SASL_SSL://127.0.0.1:39094',
    );
    expect(properties.get('listener.security.protocol.map')).toBe(
      'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    );
    expect(properties.get('inter.broker.listener.name')).toBe('PLAINTEXT');
  });

  it('serves TLS from the keystore and accepts each user with PLAIN and both SCRAMs', () => {
    expect(properties.get('ssl.keystore.location')).toBe('/tmp/tls/broker.p12');
    expect(properties.get('ssl.keystore.password')).toBe('store-pass');
    expect(properties.get('sasl.enabled.mechanisms')).toBe('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512');
    expect(properties.get('listener.name.sasl_ssl.plain.sasl.jaas.config')).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required user_scorer="pa\\"ss";',
    );
    expect(properties.get('listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config')).toBe(
      'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    );
  });

  it('stores the SCRAM credentials when the storage is formatted', () => {
    const users = { scorer: '0f1e2d3c' };
    expect(scramFormatArguments({ ...secured, users })).toEqual([
      '--add-scram=SCRAM-SHA-256=[name=scorer,password=0f1e2d3c]',
      '--add-scram=SCRAM-SHA-512=[name=scorer,password=0f1e2d3c]',
    ]);
    expect(scramFormatArguments(undefined)).toEqual([]);
  });

  it('refuses SCRAM credentials the storage tool would split', () => {
    expect(() => scramFormatArguments(secured)).toThrow(RangeError);
    expect(() => scramFormatArguments({ ...secured, users: { 'a,b': 'x' } })).toThrow(RangeError);
  });
});

describe('escapePropertyValue', () => {
  it('escapes what java.util.Properties would otherwise reinterpret', () => {
    expect(escapePropertyValue('a\\b')).toBe('a\\\\b');
    expect(escapePropertyValue('line\nbreak')).toBe('line\\nbreak');
    expect(escapePropertyValue(' leading')).toBe('\\ leading');
    expect(escapePropertyValue('plain:value=ok')).toBe('plain:value=ok');
  });
});

describe('renderLog4j2Properties', () => {
  it('sends WARN and above to the given file only', () => {
    const properties = parseProperties(renderLog4j2Properties('/tmp/data/server.log'));
    expect(Object.fromEntries(properties)).toMatchObject({
      'appender.file.type': 'File',
      'appender.file.fileName': '/tmp/data/server.log',
      'rootLogger.level': 'warn',
      'rootLogger.appenderRef.file.ref': 'file',
    });
    expect([...properties.keys()].filter((key) => key.startsWith('appender.console'))).toEqual([]);
  });
});

describe('kafkaJvmFlags', () => {
  it('fits a small box: fixed small heap, serial GC, C1 only, exit on OOM', () => {
    expect(kafkaJvmFlags).toEqual(
      expect.arrayContaining([
        '-Xms256m',
        '-Xmx512m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-XX:+ExitOnOutOfMemoryError',
      ]),
    );
  });
});
