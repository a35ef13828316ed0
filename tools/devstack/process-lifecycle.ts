import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamscoreError } from '../../src/errors.js';

export interface LongRunningProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr are appended here: the process must not depend on our pipes. */
  readonly logFilePath: string;
  /**
   * Detached processes lead their own session and outlive this Node process (the CLI's
   * `dev up`); attached ones share our process group, so a Ctrl-C reaches them too (tests).
   */
  readonly detached: boolean;
  readonly cwd?: string;
}

/** Starts a server process with its output in a log file; resolves once it has a pid. */
export async function spawnLongRunningProcess(options: LongRunningProcessOptions): Promise<number> {
  const logFd = openSync(options.logFilePath, 'a');
  try {
    const child = spawn(options.command, [...options.args], {
      stdio: ['ignore', logFd, logFd],
      detached: options.detached,
      cwd: options.cwd,
    });
    // Rejects on 'error' (e.g. ENOENT), so a missing binary surfaces here, not as a crash.
    await once(child, 'spawn');
    if (child.pid === undefined) throw new Error(`${options.command} started without a pid`);
    if (options.detached) child.unref();
    return child.pid;
  } catch (error) {
    throw new StreamscoreError('STACK_FAILED', `could not start ${options.command}`, {
      cause: error,
      context: { command: options.command, log: options.logFilePath },
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(logFd);
  }
}

export interface CommandResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** The last bytes of stdout and stderr, interleaved, for error messages. */
  readonly outputTail: string;
  readonly durationMs: number;
}

const outputTailBytes = 16 * 1024;

/** Runs a short command to completion, keeping only the tail of its output. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { readonly timeoutMs: number; readonly cwd?: string },
): Promise<CommandResult> {
  const startedAt = performance.now();
  const child = spawn(command, [...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  let tail = Buffer.alloc(0);
  const keepTail = (chunk: Buffer): void => {
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > outputTailBytes) tail = tail.subarray(tail.length - outputTailBytes);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  try {
    const [exitCode, signal] = (await once(child, 'close')) as [
      number | null,
      NodeJS.Signals | null,
    ];
    return {
      exitCode,
      signal,
      timedOut,
      outputTail: tail.toString('utf8'),
      durationMs: performance.now() - startedAt,
    };
  } catch (error) {
    throw new StreamscoreError('STACK_FAILED', `could not run ${command}`, {
      cause: error,
      context: { command },
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether `pid` is a live process. A zombie counts as dead: our container's PID 1 may never
 * reap the orphans that `dev up` leaves behind, and `kill(pid, 0)` succeeds on zombies.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = linuxProcessState(pid);
  return state !== 'Z' && state !== 'X';
}

function linuxProcessState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself contain spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * Whether the live process `pid` still looks like the one we started, judged by a marker in
 * its command line (a config path, a port). Pids are reused; this keeps `dev down` from
 * signalling an unrelated process after a reboot. Without /proc (macOS) we trust the pid.
 */
export function processMatches(pid: number, commandLineMarker: string): boolean {
  if (!isProcessAlive(pid)) return false;
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  return commandLine.split('\0').some((arg) => arg.includes(commandLineMarker));
}

export type StopOutcome = 'not-running' | 'terminated' | 'killed';

/**
 * SIGTERM, then SIGKILL once `graceMs` has passed. Resolves when the process is gone, so the
 * caller may delete its files; bounded by `graceMs` plus a few seconds.
 */
export async function stopProcess(
  pid: number,
  options: { readonly graceMs: number; readonly pollMs?: number },
): Promise<StopOutcome> {
  const pollMs = options.pollMs ?? 100;
  if (!isProcessAlive(pid)) return 'not-running';
  signalProcess(pid, 'SIGTERM');
  if (await waitForExit(pid, options.graceMs, pollMs)) return 'terminated';
  signalProcess(pid, 'SIGKILL');
  if (await waitForExit(pid, 5_000, pollMs)) return 'killed';
  throw new StreamscoreError('STACK_FAILED', `process ${pid} is still alive after SIGKILL`, {
    context: { pid },
  });
}

/**
 * Sends SIGTERM and returns at once, for exit paths that cannot await (a signal handler that
 * races `process.exit`). The process shuts itself down; nobody waits for it.
 */
export function requestTermination(pid: number): void {
  if (isProcessAlive(pid)) signalProcess(pid, 'SIGTERM');
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForExit(pid: number, timeoutMs: number, pollMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (performance.now() >= deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

/** The last `maxBytes` of a log file, or '' when it does not exist; for error messages. */
export async function readFileTail(path: string, maxBytes = 4096): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
