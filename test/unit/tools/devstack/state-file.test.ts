import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultStateFilePath,
  readStateFile,
  removeStateFile,
  writeStateFile,
  type DevStackRecord,
} from '../../../../tools/devstack/state-file.js';

const record: DevStackRecord = {
  formatVersion: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  kafka: {
    pid: 4242,
    kafkaVersion: '4.1.1',
    brokers: '127.0.0.1:39092',
    port: 39092,
    controllerPort: 39093,
    clusterId: 'AAECAwQFBgcICQoLDA0ODw',
    dataDir: '/tmp/x/kafka-abc',
    classDataRecording: {
      partialPath: '/c/kafka-broker.jsa.1.partial',
      archivePath: '/c/kafka-broker.jsa',
    },
  },
  redis: { pid: 4343, port: 36379, url: 'redis://127.0.0.1:36379', dataDir: '/tmp/x/redis-abc' },
};

describe('the dev-stack state file', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamscore-state-'));
    path = join(dir, '.streamscore', 'dev-stack.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to .streamscore/dev-stack.json in the working directory', () => {
    expect(defaultStateFilePath('/repo')).toBe('/repo/.streamscore/dev-stack.json');
  });

  it('round-trips a record, creating its directory, leaving no partial file', async () => {
    await writeStateFile(path, record);
    expect(await readStateFile(path)).toEqual(record);
    expect(await readdir(dirname(path))).toEqual(['dev-stack.json']);
  });

  it('reads as undefined when absent, also after removal', async () => {
    expect(await readStateFile(path)).toBeUndefined();
    await writeStateFile(path, record);
    await removeStateFile(path);
    await removeStateFile(path);
    expect(await readStateFile(path)).toBeUndefined();
  });

  it('names the file and the fix when it is not JSON', async () => {
    await writeStateFile(path, record);
    await writeFile(path, '{ truncated');
    await expect(readStateFile(path)).rejects.toMatchObject({
      code: 'STACK_FAILED',
      context: { file: path },
      message: expect.stringContaining(`${path} is unreadable (it is not JSON)`),
    });
  });

  it('rejects a record of the wrong shape with the offending field', async () => {
    await writeStateFile(path, record);
    await writeFile(path, JSON.stringify({ ...record, redis: { ...record.redis, port: 'x' } }));
    await expect(readStateFile(path)).rejects.toMatchObject({
      code: 'STACK_FAILED',
      message: expect.stringContaining('redis.port'),
    });
  });
});
