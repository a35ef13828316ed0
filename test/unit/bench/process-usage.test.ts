import { describe, expect, it } from 'vitest';
import {
  parseProcStatCpuSeconds,
  parseStatusRssBytes,
  readProcessUsage,
} from '../../../bench/process-usage.js';

describe('parseProcStatCpuSeconds', () => {
  it('adds utime and stime (fields 14 and 15) in clock ticks', () => {
    const stat =
      '4242 (node) S 1 4242 4242 0 -1 4194304 9000 0 0 0 250 50 0 0 20 0 11 0 100 1000000 30000 ' +
      '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';
    expect(parseProcStatCpuSeconds(stat, 100)).toBe(3);
  });

  it('counts fields after the last parenthesis, whatever the command name holds', () => {
    const stat =
      '77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 1000 500 0 0 20 0 1 0 5 100 10 0 0 0 0';
    expect(parseProcStatCpuSeconds(stat, 100)).toBe(15);
  });

  it('gives up on a line it cannot read', () => {
    expect(parseProcStatCpuSeconds('garbage', 100)).toBeUndefined();
  });
});

describe('parseStatusRssBytes', () => {
  it('reads VmRSS in bytes', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmPeak:\t 9 kB\nVmRSS:\t  123456 kB\n')).toBe(
      123456 * 1024,
    );
    expect(parseStatusRssBytes('Name:\tzombie\n')).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('readProcessUsage', () => {
  it('reads this very process', () => {
    const usage = readProcessUsage(process.pid);
    expect(usage?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(usage?.cpuSeconds).toBeGreaterThan(0);
  });

  it('is undefined for a process that does not exist', () => {
    expect(readProcessUsage(2 ** 22 + 1)).toBeUndefined();
  });
});
