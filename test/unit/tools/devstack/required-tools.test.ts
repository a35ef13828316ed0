import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStreamscoreError, type StreamscoreError } from '../../../../src/errors.js';
import {
  createPathLookup,
  locateTools,
  toolInstallCommands,
  type ExecutableLookup,
} from '../../../../tools/devstack/required-tools.js';

const lookupIn =
  (installed: Record<string, string>): ExecutableLookup =>
  (name) =>
    installed[name];

function thrownBy(action: () => unknown): StreamscoreError {
  try {
    action();
  } catch (error) {
    if (isStreamscoreError(error)) return error;
    throw error;
  }
  throw new Error('expected a StreamscoreError');
}

describe('locateTools', () => {
  it('returns the path of every tool that is installed', () => {
    const lookup = lookupIn({ java: '/usr/bin/java', 'redis-server': '/usr/bin/redis-server' });
    expect(locateTools(['java', 'redis-server'], lookup)).toEqual({
      java: '/usr/bin/java',
      'redis-server': '/usr/bin/redis-server',
    });
  });

  it('names the missing tool and the exact command that installs it', () => {
    const error = thrownBy(() =>
      locateTools(['java', 'redis-server'], lookupIn({ java: '/usr/bin/java' })),
    );
    expect(error.code).toBe('DEPENDENCY_MISSING');
    expect(error.context).toEqual({ missing: 'redis-server' });
    expect(error.message).toContain('redis-server');
    expect(error.message).toContain('apt-get install -y redis-server');
    expect(error.message).not.toContain('openjdk');
  });

  it('lists every missing tool in one error', () => {
    const error = thrownBy(() => locateTools(['java', 'mvn', 'redis-server'], lookupIn({})));
    expect(error.context).toEqual({ missing: 'java,mvn,redis-server' });
    expect(error.message).toBe(
      'the local stack needs programs that are not on PATH; install with:\n' +
        '  - java (runs the Kafka broker): apt-get install -y openjdk-17-jre-headless\n' +
        '  - mvn (downloads the Kafka jars from Maven Central): apt-get install -y maven\n' +
        '  - redis-server (serves the Redis state store): apt-get install -y redis-server',
    );
  });

  it('has an install command for every tool', () => {
    expect(toolInstallCommands).toEqual({
      java: 'apt-get install -y openjdk-17-jre-headless',
      keytool: 'apt-get install -y openjdk-17-jre-headless',
      mvn: 'apt-get install -y maven',
      'redis-server': 'apt-get install -y redis-server',
    });
  });
});

describe('createPathLookup', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'streamscore-path-lookup-'));
    await mkdir(join(root, 'first'));
    await mkdir(join(root, 'second'));
    await mkdir(join(root, 'second', 'a-directory'));
    await writeFile(join(root, 'first', 'runnable-in-second'), '');
    await writeFile(join(root, 'second', 'runnable-in-second'), '#!/bin/sh\n');
    await chmod(join(root, 'second', 'runnable-in-second'), 0o755);
    await writeFile(join(root, 'first', 'tool'), '#!/bin/sh\n');
    await chmod(join(root, 'first', 'tool'), 0o755);
    await writeFile(join(root, 'second', 'tool'), '#!/bin/sh\n');
    await chmod(join(root, 'second', 'tool'), 0o755);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the first executable file on PATH, like a shell', () => {
    const lookup = createPathLookup([join(root, 'first'), join(root, 'second')].join(delimiter));
    expect(lookup('tool')).toBe(join(root, 'first', 'tool'));
    expect(lookup('runnable-in-second')).toBe(join(root, 'second', 'runnable-in-second'));
  });

  it('skips directories and returns undefined for what is not there', () => {
    const lookup = createPathLookup(join(root, 'second'));
    expect(lookup('a-directory')).toBeUndefined();
    expect(lookup('missing')).toBeUndefined();
    expect(createPathLookup(undefined)('tool')).toBeUndefined();
  });
});
