import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertRunnableBroker,
  isSupportedKafkaVersion,
  kafkaVersionDir,
  readCachedKafkaJars,
  renderKafkaPom,
  resolveCacheRootDir,
  resolveKafkaJars,
} from '../../../../tools/devstack/kafka-jars.js';
import { StreamscoreError } from '../../../../src/errors.js';

const silent = pino({ level: 'silent' });
const nothingInstalled = (): undefined => undefined;

describe('resolveCacheRootDir', () => {
  it('prefers STREAMSCORE_CACHE_DIR', () => {
    expect(
      resolveCacheRootDir(
        { STREAMSCORE_CACHE_DIR: '/ci/cache', XDG_CACHE_HOME: '/xdg' },
        '/home/u',
      ),
    ).toBe('/ci/cache');
  });

  it('falls back to XDG_CACHE_HOME, then ~/.cache', () => {
    expect(resolveCacheRootDir({ XDG_CACHE_HOME: '/xdg' }, '/home/u')).toBe('/xdg/streamscore');
    expect(resolveCacheRootDir({}, '/home/u')).toBe('/home/u/.cache/streamscore');
    expect(resolveCacheRootDir({ STREAMSCORE_CACHE_DIR: '' }, '/home/u')).toBe(
      '/home/u/.cache/streamscore',
    );
  });

  it('keeps one directory per Kafka version', () => {
    expect(kafkaVersionDir('/c', '4.1.1')).toBe('/c/kafka-4.1.1');
  });
});

describe('isSupportedKafkaVersion', () => {
  it('accepts 4.x releases only', () => {
    expect(isSupportedKafkaVersion('4.1.1')).toBe(true);
    expect(isSupportedKafkaVersion('4.0.0')).toBe(true);
    expect(isSupportedKafkaVersion('3.9.1')).toBe(false);
    expect(isSupportedKafkaVersion('4.1')).toBe(false);
    expect(isSupportedKafkaVersion('4.1.1; rm -rf /')).toBe(false);
  });
});

describe('renderKafkaPom', () => {
  it('depends on the broker and the log4j2 slf4j binding, packaging pom', () => {
    const pom = renderKafkaPom('4.1.1');
    expect(pom).toContain('<packaging>pom</packaging>');
    expect(pom).toContain(
      '<groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>4.1.1</version>',
    );
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version>');
    expect(pom).toContain('<artifactId>log4j-core</artifactId><version>2.24.3</version>');
  });
});

describe('assertRunnableBroker', () => {
  const jars = ['kafka_2.13-4.1.1.jar', 'log4j-slf4j-impl-2.24.3.jar', 'slf4j-api-1.7.36.jar'];

  it('accepts the broker jar with exactly the log4j2 binding', () => {
    expect(() => assertRunnableBroker(jars, '4.1.1', '/libs')).not.toThrow();
  });

  it('rejects a missing broker jar or a second slf4j binding', () => {
    expect(() => assertRunnableBroker(jars, '4.2.0', '/libs')).toThrow(
      /no kafka_2\.13-4\.2\.0\.jar/,
    );
    expect(() =>
      assertRunnableBroker([...jars, 'slf4j-reload4j-1.7.36.jar'], '4.1.1', '/libs'),
    ).toThrow(/log4j-slf4j-impl-2\.24\.3\.jar, slf4j-reload4j-1\.7\.36\.jar/);
  });
});

describe('the jar cache', () => {
  let cacheRootDir: string;

  beforeEach(async () => {
    cacheRootDir = await mkdtemp(join(tmpdir(), 'streamscore-jar-cache-'));
  });

  afterEach(async () => {
    await rm(cacheRootDir, { recursive: true, force: true });
  });

  async function seedCache(jars: Record<string, string>, manifestBytes?: number): Promise<void> {
    const versionDir = kafkaVersionDir(cacheRootDir, '4.1.1');
    await mkdir(join(versionDir, 'libs'), { recursive: true });
    for (const [file, content] of Object.entries(jars)) {
      await writeFile(join(versionDir, 'libs', file), content);
    }
    const manifest = {
      formatVersion: 1,
      kafkaVersion: '4.1.1',
      resolvedAt: '2026-01-01T00:00:00.000Z',
      jars: Object.entries(jars).map(([file, content]) => ({
        file,
        bytes: manifestBytes ?? Buffer.byteLength(content),
      })),
    };
    await writeFile(join(versionDir, 'manifest.json'), JSON.stringify(manifest));
  }

  it('is a hit when the manifest matches the jars, and then needs no Maven', async () => {
    await seedCache({ 'kafka_2.13-4.1.1.jar': 'broker', 'log4j-slf4j-impl-2.24.3.jar': 'log' });
    const distribution = await resolveKafkaJars({
      kafkaVersion: '4.1.1',
      cacheRootDir,
      lookupExecutable: nothingInstalled,
      logger: silent,
    });
    expect(distribution).toMatchObject({
      kafkaVersion: '4.1.1',
      cacheHit: true,
      jarCount: 2,
      totalBytes: 9,
      libsDir: join(cacheRootDir, 'kafka-4.1.1', 'libs'),
      versionDir: join(cacheRootDir, 'kafka-4.1.1'),
    });
  });

  it('is a miss when a jar differs from the manifest, which needs Maven', async () => {
    await seedCache({ 'kafka_2.13-4.1.1.jar': 'broker' }, 999);
    expect(await readCachedKafkaJars(kafkaVersionDir(cacheRootDir, '4.1.1'), '4.1.1')).toBe(
      undefined,
    );
    await expect(
      resolveKafkaJars({
        kafkaVersion: '4.1.1',
        cacheRootDir,
        lookupExecutable: nothingInstalled,
        logger: silent,
      }),
    ).rejects.toMatchObject({ code: 'DEPENDENCY_MISSING', context: { missing: 'mvn' } });
  });

  it('is a miss without a manifest, or with one for another version', async () => {
    const versionDir = kafkaVersionDir(cacheRootDir, '4.1.1');
    expect(await readCachedKafkaJars(versionDir, '4.1.1')).toBeUndefined();
    await seedCache({ 'kafka_2.13-4.1.1.jar': 'broker' });
    expect(await readCachedKafkaJars(versionDir, '4.0.0')).toBeUndefined();
  });

  it('refuses versions it cannot run before touching the cache', async () => {
    await expect(
      resolveKafkaJars({
        kafkaVersion: '3.9.1',
        cacheRootDir,
        lookupExecutable: nothingInstalled,
        logger: silent,
      }),
    ).rejects.toBeInstanceOf(StreamscoreError);
  });
});
