/**
 * `streamscore run` as a real child process (built CLI, `npm run build` first), for tests that
 * signal or kill it. Its admin port is chosen up front so the test can poll /readyz and /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../tools/devstack/index.js';
import { sumPrometheusSamples } from '../../src/observability/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliPath = join(repoRoot, 'bin', 'streamscore.js');

export interface ScorerProcess {
  readonly child: ChildProcess;
  readonly httpPort: number;
  /** Everything the process wrote to stderr/stdout so far (pino JSON lines). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Polls /readyz until it answers 200. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** GET one of its admin server's paths. */
  get(path: string): Promise<{ status: number; text: string }>;
  /** Prometheus samples of one metric name, summed over labels (those with `labels`, if given). */
  metric(name: string, labels?: Readonly<Record<string, string>>): Promise<number | undefined>;
}

export async function startScorerProcess(
  topologyFile: string,
  env: Record<string, string>,
  extraArgs: readonly string[] = [],
): Promise<ScorerProcess> {
  const httpPort = await findFreePort();
  const child = spawn(
    process.execPath,
    [cliPath, 'run', topologyFile, '--http-port', String(httpPort), ...extraArgs],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  let exitedAlready = false;
  void exited.then(() => (exitedAlready = true));

  const fetchText = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${path}`);
    return { status: response.status, text: await response.text() };
  };

  return {
    child,
    httpPort,
    output: () => output,
    exited,
    async waitReady(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (exitedAlready) throw new Error(`scorer exited before ready:\n${output}`);
        try {
          if ((await fetchText('/readyz')).status === 200) return;
        } catch {
          // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`scorer not ready after ${timeoutMs} ms:\n${output}`);
    },
    get: fetchText,
    async metric(name, labels = {}) {
      return sumPrometheusSamples((await fetchText('/metrics')).text, name, labels);
    },
  };
}
