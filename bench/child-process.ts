/**
 * A system under test run as its own process, so that its CPU and memory are its own and no
 * contender shares an event loop with the bench. Its output is kept (the tail) for errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildUnderTest {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code, or the signal name, once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** The last lines the process wrote to stdout and stderr. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 16_384;

/**
 * Contenders still running, so that an interrupted bench can signal them synchronously from its
 * signal handler (a SIGTERM to the bench alone would otherwise leave them running).
 */
const running = new Set<ChildProcess>();

export function terminateRunningChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function startChild(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): ChildUnderTest {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  let exitedAlready = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedAlready = true;
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      exitedAlready = true;
      running.delete(child);
      keep(`\nspawn failed: ${error.message}\n`);
      resolve('spawn-error');
    });
  });
  let stopping: Promise<void> | undefined;
  if (child.pid === undefined) keep(`\ncould not start ${command}\n`);

  return {
    child,
    pid: child.pid ?? -1,
    exited,
    hasExited: () => exitedAlready,
    outputTail: () => output,
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (exitedAlready) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
