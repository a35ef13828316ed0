/**
 * CPU time and resident memory of a process, read from /proc (Linux). The bench reads the
 * system under test from outside, so every contender — streamscore, the baselines, the Python
 * peer — is measured the same way, worker and librdkafka threads included.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessUsage {
  /** User + system CPU seconds, all threads. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** Clock ticks per second of /proc/<pid>/stat times; Linux's USER_HZ is 100 nearly everywhere. */
function readTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

let ticksPerSecond: number | undefined;

/** The process's usage now, or undefined when it has gone (or this is not Linux). */
export function readProcessUsage(pid: number): ProcessUsage | undefined {
  ticksPerSecond ??= readTicksPerSecond();
  try {
    const cpuSeconds = parseProcStatCpuSeconds(
      readFileSync(`/proc/${pid}/stat`, 'utf8'),
      ticksPerSecond,
    );
    const rssBytes = parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (cpuSeconds === undefined || rssBytes === undefined) return undefined;
    return { cpuSeconds, rssBytes };
  } catch {
    return undefined;
  }
}

/**
 * utime + stime from a /proc/<pid>/stat line. The command name (field 2) is in parentheses and
 * may itself contain spaces and parentheses, so fields are counted after the last ')'.
 */
export function parseProcStatCpuSeconds(stat: string, ticks: number): number | undefined {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(afterName[11]);
  const stime = Number(afterName[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / ticks;
}

/** VmRSS from /proc/<pid>/status, in bytes. */
export function parseStatusRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match === null ? undefined : Number(match[1]) * 1024;
}
