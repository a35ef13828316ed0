/**
 * `streamscore run` refusing to start, through the built CLI: each failure ends in exactly one
 * `streamscore: <CODE>: <message with the fix>` line on stderr, no stack trace, and the exit
 * code docs/errors.md documents (2: fix what was given; 1: fix the environment).
 */
import { createServer, type Server } from 'node:net';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../tools/devstack/index.js';
import { runCli, type CliRun } from '../harness/cli-run.js';
import { writeDriftTopology } from '../harness/drift-fixtures.js';
import { uniqueName } from '../harness/kafka-test-helpers.js';
import {
  createScoringTopics,
  fraudTopologyEnv,
  type ScoringTopics,
} from '../harness/scoring-fixtures.js';

const brokers = inject('kafkaBrokers');
const CONNECT_TIMEOUT_MS = 1_500;

/** The one `streamscore:` line of a failed run, after checking there is one and no stack. */
function failureLine(run: CliRun): string {
  const lines = run.stderr.split('\n').filter((line) => line.startsWith('streamscore:'));
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at \S+ \(/);
  return lines[0] as string;
}

describe('streamscore run start-up failures (built CLI)', () => {
  let dir: string;
  let topics: ScoringTopics;
  let env: Record<string, string>;

  /** topologies/fraud.yaml in the test directory, with the registry `registry` and an edit. */
  async function topology(name: string, registry = resolve('models')): Promise<string> {
    const source = (await readFile('topologies/fraud.yaml', 'utf8'))
      .replace('registry: ../models', `registry: ${registry}`)
      .replace(
        '  clientId: streamscore-fraud',
        `  clientId: streamscore-fraud\n  connectTimeoutMs: ${CONNECT_TIMEOUT_MS}`,
      );
    const file = join(dir, name);
    await writeFile(file, source);
    return file;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamscore-startup-'));
    topics = await createScoringTopics(brokers, 'startup', 1);
    env = fraudTopologyEnv(brokers, topics);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('broker unreachable: BROKER_UNREACHABLE within kafka.connectTimeoutMs, exit 1', async () => {
    const file = await topology('unreachable.yaml');
    const port = await findFreePort();
    const run = await runCli(['run', file], {
      env: { ...env, KAFKA_BROKERS: `127.0.0.1:${port}` },
    });
    expect(run.exitCode).toBe(1);
    expect(failureLine(run)).toMatch(
      new RegExp(
        `^streamscore: BROKER_UNREACHABLE: cannot connect to Kafka at 127\\.0\\.0\\.1:${port} within ${CONNECT_TIMEOUT_MS} ms \\(.+\\): start the cluster or fix kafka\\.brokers in ${file.replace(/[.]/g, '\\.')}`,
      ),
    );
    expect(run.elapsedMs).toBeLessThan(CONNECT_TIMEOUT_MS + 10_000);
  });

  it('topics missing: TOPIC_MISSING naming them and `topics create`, exit 1', async () => {
    const file = await topology('missing-topics.yaml');
    const input = uniqueName('absent-in');
    const run = await runCli(['run', file], { env: { ...env, INPUT_TOPIC: input } });
    expect(run.exitCode).toBe(1);
    expect(failureLine(run)).toBe(
      `streamscore: TOPIC_MISSING: topic ${input} not found on ${brokers}: create it with \`streamscore topics create ${file}\``,
    );
  });

  it('admin port taken: PORT_UNAVAILABLE naming host, port and the setting, exit 1', async () => {
    const file = await topology('port.yaml');
    const holder: Server = createServer();
    const port = await new Promise<number>((done) =>
      holder.listen(0, '127.0.0.1', () => done((holder.address() as { port: number }).port)),
    );
    try {
      const run = await runCli(['run', file, '--http-port', String(port)], { env });
      expect(run.exitCode).toBe(1);
      expect(failureLine(run)).toBe(
        `streamscore: PORT_UNAVAILABLE: the admin server cannot listen on 127.0.0.1:${port} (EADDRINUSE: the port is taken by another process): choose another with observability.httpPort or --http-port (0 picks a free one), or stop what holds it`,
      );
    } finally {
      holder.close();
    }
  });

  it('model version missing: MODEL_INVALID naming the manifest and `model add`, exit 2', async () => {
    const file = await topology('no-model.yaml');
    const run = await runCli(['run', file], { env: { ...env, MODEL_VERSION: '9' } });
    expect(run.exitCode).toBe(2);
    expect(failureLine(run)).toBe(
      `streamscore: MODEL_INVALID: cannot read model manifest ${resolve('models/fraud/9/model.json')} (not found): register the model with \`streamscore model add\`, or fix the topology's model.version`,
    );
  });

  it('model file changed: MODEL_INVALID with both checksums, exit 2', async () => {
    const registry = join(dir, 'registry');
    await cp('models/fraud', join(registry, 'fraud'), { recursive: true });
    const modelFile = join(registry, 'fraud', '1', 'model.onnx');
    const bytes = await readFile(modelFile);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(modelFile, bytes);
    const file = await topology('changed-model.yaml', registry);
    const run = await runCli(['run', file], { env });
    expect(run.exitCode).toBe(2);
    expect(failureLine(run)).toMatch(
      new RegExp(
        `^streamscore: MODEL_INVALID: model file ${modelFile} has sha256 [0-9a-f]{64} but ${join(registry, 'fraud', '1', 'model.json')} expects [0-9a-f]{64}: the file was changed or replaced: restore it, or register the new file as a new version with \`streamscore model add\`$`,
      ),
    );
  });

  it('drift store unreachable: STATE_UNAVAILABLE naming drift.redisUrl, exit 1', async () => {
    const port = await findFreePort();
    const file = await writeDriftTopology(dir, {
      name: uniqueName('startup-redis'),
      redisUrl: `redis://127.0.0.1:${port}`,
      windowMs: 1_000,
      flushIntervalMs: 200,
    });
    const run = await runCli(['run', file], { env });
    expect(run.exitCode).toBe(1);
    expect(failureLine(run)).toBe(
      `streamscore: STATE_UNAVAILABLE: cannot reach the drift state store at redis://127.0.0.1:${port} (drift.redisUrl of ${file})`,
    );
  });
});
