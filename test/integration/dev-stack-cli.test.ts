/**
 * `streamscore dev up|status|down` end to end, through the built CLI (`npm run build` first;
 * `npm test` does). Each test runs in a fresh temp cwd so the default state file
 * `.streamscore/dev-stack.json` lands there; the jar cache is the one the harness filled.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findFreePorts } from '../../tools/devstack/index.js';
import { createTopic, uniqueTopicName } from '../harness/kafka-test-helpers.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliPath = join(repoRoot, 'bin', 'streamscore.js');

interface CliRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stderr lines that are pino JSON records. */
  readonly logs: ReadonlyArray<Record<string, unknown>>;
}

function runCli(cwd: string, args: readonly string[], timeoutMs = 90_000): Promise<CliRun> {
  const env = { ...process.env };
  // The test relies on the default state file under its own cwd.
  delete env['STREAMSCORE_STATE'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr, logs: parseLogLines(stderr) });
    });
  });
}

function parseLogLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Zombie-aware: the detached servers are orphans whose reaper may be slow or absent. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function kafkaClusterId(brokers: string): Promise<string | undefined> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect();
  }
}

async function topicNames(brokers: string): Promise<string[]> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

async function redisPing(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    return await redis.ping();
  } finally {
    redis.disconnect();
  }
}

describe('streamscore dev (built CLI)', () => {
  let cwd: string;
  let stateFile: string;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before the integration tests');
    }
    const help = await runCli(tmpdir(), ['dev', '--help']);
    // An unknown `dev` would print the root help (exit 0), hence the check on the usage line.
    if (help.exitCode !== 0 || !help.stdout.includes('Usage: streamscore dev')) {
      throw new Error(
        `the built CLI has no \`dev\` command (is registerDevCommand wired into src/cli/main.ts?):\n${help.stdout}${help.stderr}`,
      );
    }
  });

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'streamscore-dev-cli-'));
    stateFile = join(cwd, '.streamscore', 'dev-stack.json');
  });

  afterEach(async () => {
    // A failed assertion must not leave a broker behind.
    if (existsSync(stateFile)) await runCli(cwd, ['dev', 'down']);
    await rm(cwd, { recursive: true, force: true });
  });

  it('starts, reuses, reports, restarts the broker of and stops a stack recorded in the state file', async () => {
    const [kafkaPort, redisPort] = await findFreePorts(2);
    const expected = {
      kafka: `127.0.0.1:${kafkaPort}`,
      redis: `redis://127.0.0.1:${redisPort}`,
    };
    const upArgs = [
      'dev',
      'up',
      '--json',
      '--kafka-port',
      `${kafkaPort}`,
      '--redis-port',
      `${redisPort}`,
    ];

    const up = await runCli(cwd, upArgs);
    expect(up.exitCode, up.stderr).toBe(0);
    // Exactly one JSON object on stdout; progress goes to stderr.
    expect(up.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(up.stdout)).toEqual(expected);
    expect(existsSync(stateFile)).toBe(true);
    const recorded = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      kafka: { pid: number; dataDir: string; clusterId: string };
      redis: { pid: number; dataDir: string };
    };
    expect(isAlive(recorded.kafka.pid)).toBe(true);
    expect(isAlive(recorded.redis.pid)).toBe(true);
    // The CLI has exited; the servers it left running answer real clients.
    expect(await kafkaClusterId(expected.kafka)).toBe(recorded.kafka.clusterId);
    expect(await redisPing(expected.redis)).toBe('PONG');

    const again = await runCli(cwd, ['dev', 'up', '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(expected);
    expect(again.logs.some((log) => log['msg'] === 'dev stack already running; reusing it')).toBe(
      true,
    );
    // Without --json: the addresses for people, and a line to paste into the shell.
    const forPeople = await runCli(cwd, ['dev', 'up']);
    expect(forPeople.exitCode, forPeople.stderr).toBe(0);
    expect(forPeople.stdout.split('\n')).toContain(`export KAFKA_BROKERS=${expected.kafka}`);

    const status = await runCli(cwd, ['dev', 'status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      stateFile,
      recorded: true,
      healthy: true,
      kafka: { address: expected.kafka, pid: recorded.kafka.pid, alive: true, answering: true },
      redis: { address: expected.redis, pid: recorded.redis.pid, alive: true, answering: true },
    });

    // `dev broker restart`: a new broker process over the same data dir, on the same port.
    const topic = uniqueTopicName('dev-cli-restart');
    await createTopic(expected.kafka, topic);
    const restart = await runCli(cwd, ['dev', 'broker', 'restart', '--json']);
    expect(restart.exitCode, restart.stderr).toBe(0);
    const restarted = JSON.parse(restart.stdout) as { pid: number };
    expect(restarted).toMatchObject({
      kafka: expected.kafka,
      stopped: 'terminated',
      started: true,
    });
    expect(restarted.pid).not.toBe(recorded.kafka.pid);
    expect(isAlive(restarted.pid)).toBe(true);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      kafka: {
        pid: restarted.pid,
        clusterId: recorded.kafka.clusterId,
        dataDir: recorded.kafka.dataDir,
      },
      redis: { pid: recorded.redis.pid },
    });
    expect(await kafkaClusterId(expected.kafka)).toBe(recorded.kafka.clusterId);
    expect(await topicNames(expected.kafka)).toContain(topic);

    const down = await runCli(cwd, ['dev', 'down', '--json']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({
      stopped: true,
      kafka: 'terminated',
      redis: 'terminated',
    });
    expect(existsSync(stateFile)).toBe(false);
    expect(existsSync(recorded.kafka.dataDir)).toBe(false);
    expect(existsSync(recorded.redis.dataDir)).toBe(false);
    expect(isAlive(restarted.pid)).toBe(false);
    expect(isAlive(recorded.redis.pid)).toBe(false);

    const after = await runCli(cwd, ['dev', 'status', '--json']);
    expect(after.exitCode).toBe(1);
    expect(JSON.parse(after.stdout)).toMatchObject({ recorded: false, healthy: false });

    const downAgain = await runCli(cwd, ['dev', 'down', '--json']);
    expect(downAgain.exitCode, downAgain.stderr).toBe(0);
    expect(JSON.parse(downAgain.stdout)).toMatchObject({ stopped: false });
  });

  it('starts again from the jar cache without running Maven', async () => {
    const up = await runCli(cwd, ['dev', 'up', '--json']);
    expect(up.exitCode, up.stderr).toBe(0);
    const addresses = JSON.parse(up.stdout) as { kafka: string; redis: string };
    expect(addresses.kafka).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(addresses.redis).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const messages = up.logs.map((log) => log['msg']);
    expect(messages).toContain('kafka jars: cache hit');
    expect(messages).not.toContain('kafka jars: resolving with Maven');

    const down = await runCli(cwd, ['dev', 'down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(existsSync(stateFile)).toBe(false);
  });
});
