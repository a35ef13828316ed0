import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  processMatches,
  readFileTail,
  runCommand,
  spawnLongRunningProcess,
  stopProcess,
} from '../../../../tools/devstack/process-lifecycle.js';

// Real short-lived `sh` processes: signals and /proc cannot be faked meaningfully.
describe('process lifecycle', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamscore-process-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops a process that honours SIGTERM without escalating', async () => {
    const pid = await spawnLongRunningProcess({
      command: 'sh',
      args: ['-c', 'echo started; exec sleep 30'],
      logFilePath: join(dir, 'polite.log'),
      detached: false,
    });
    expect(isProcessAlive(pid)).toBe(true);
    while ((await readFileTail(join(dir, 'polite.log'))) === '') await sleep(20);
    expect(await stopProcess(pid, { graceMs: 5_000 })).toBe('terminated');
    expect(isProcessAlive(pid)).toBe(false);
    expect(await readFileTail(join(dir, 'polite.log'))).toBe('started\n');
  });

  it('escalates to SIGKILL once the grace period is over', async () => {
    const pid = await spawnLongRunningProcess({
      command: 'sh',
      args: ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'],
      logFilePath: join(dir, 'stubborn.log'),
      detached: false,
    });
    // The trap must be in place before the signal; wait for the shell to say so.
    while ((await readFileTail(join(dir, 'stubborn.log'))) === '') await sleep(20);
    const startedAt = performance.now();
    expect(await stopProcess(pid, { graceMs: 300 })).toBe('killed');
    expect(performance.now() - startedAt).toBeLessThan(3_000);
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('reports not-running for a pid that has exited', async () => {
    const child = spawn('true');
    await once(child, 'exit');
    expect(await stopProcess(child.pid as number, { graceMs: 100 })).toBe('not-running');
  });

  it('recognises a process by a marker in its command line', async () => {
    const pid = await spawnLongRunningProcess({
      command: 'sleep',
      args: ['29.5'],
      logFilePath: join(dir, 'marker.log'),
      detached: false,
    });
    try {
      expect(processMatches(pid, '29.5')).toBe(true);
      expect(processMatches(pid, 'kafka.Kafka')).toBe(false);
    } finally {
      await stopProcess(pid, { graceMs: 1_000 });
    }
    expect(processMatches(pid, '29.5')).toBe(false);
  });

  it('fails with STACK_FAILED when the program does not exist', async () => {
    await expect(
      spawnLongRunningProcess({
        command: join(dir, 'no-such-program'),
        args: [],
        logFilePath: join(dir, 'missing.log'),
        detached: false,
      }),
    ).rejects.toMatchObject({ code: 'STACK_FAILED' });
  });

  it('runs a command to completion, keeping its output and exit code', async () => {
    const result = await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3'], {
      timeoutMs: 5_000,
    });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false });
    expect(result.outputTail).toContain('out\n');
    expect(result.outputTail).toContain('err\n');
  });

  it('kills a command that outlives its timeout', async () => {
    const result = await runCommand('sleep', ['30'], { timeoutMs: 100 });
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true });
  });
});
