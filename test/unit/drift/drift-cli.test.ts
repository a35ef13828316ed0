/**
 * `streamscore profile` and `streamscore drift compare` as a user runs them, on the reference
 * fraud topology and model (ONNX Runtime on the CPU; no Kafka): events are generated into a
 * temporary directory, profiled, compared.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerDriftCommand } from '../../../src/cli/drift-command.js';
import { registerProfileCommand } from '../../../src/cli/profile-command.js';
import { parseReferenceProfile } from '../../../src/drift/index.js';
import { type DriftReport } from '../../../src/drift/report/index.js';
import { isStreamscoreError } from '../../../src/errors.js';
import {
  TRANSACTION_DRIFT_PRESETS,
  writeTransactionsJsonl,
} from '../../../tools/synthetic/index.js';

const TOPOLOGY = 'topologies/fraud.yaml';
const PROFILE = 'models/fraud/1/reference.json';
let directory: string;

async function run(args: string[]): Promise<string> {
  const program = new Command('streamscore').exitOverride();
  registerProfileCommand(program);
  registerDriftCommand(program);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
  return printed.join('\n');
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'streamscore-drift-'));
  await writeTransactionsJsonl(join(directory, 'holdout.jsonl'), { count: 4000, seed: 2 });
  await writeTransactionsJsonl(join(directory, 'shifted.jsonl'), {
    count: 3000,
    seed: 9,
    drift: { afterEvents: 0, shifts: TRANSACTION_DRIFT_PRESETS['amount-shift-2sd'] },
  });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('streamscore drift compare', () => {
  it('compares events with the committed fraud profile and prints the JSON report', async () => {
    const output = await run([
      'drift',
      'compare',
      '--topology',
      TOPOLOGY,
      '--reference',
      PROFILE,
      '--current',
      join(directory, 'shifted.jsonl'),
      '--json',
    ]);
    const report = JSON.parse(output) as DriftReport;
    expect(report.format).toBe('streamscore-drift-report');
    expect(report.model).toEqual({ name: 'fraud', version: 1 });
    expect(report.current.events).toBe(3000);
    expect(report.current.unscoredEvents).toBe(0);
    expect(report.subjects.map((subject) => subject.name)).toEqual([
      'amount_log',
      'hour_of_day',
      'card_present',
      'txn_count_1h',
      'amount_sum_24h_log',
      'channel',
      'merchant_category',
      'merchant_country',
      '__score__',
      '__label__',
    ]);
    const amount = report.subjects.find((subject) => subject.name === 'amount_log');
    expect(amount?.level).toBe('critical');
    expect(amount?.statistics.meanShift).toBeGreaterThan(1);
    const score = report.subjects.find((subject) => subject.name === '__score__');
    expect(score?.source).toBe('score');
    expect(score?.origin).toBe('probabilities[:, 1]');
  });

  it('builds the reference from events when given data, and prints a table', async () => {
    const output = await run([
      'drift',
      'compare',
      '--topology',
      TOPOLOGY,
      '--reference',
      join(directory, 'holdout.jsonl'),
      '--current',
      join(directory, 'shifted.jsonl'),
      '--window-events',
      '500',
    ]);
    expect(output).toMatch(/^dataset: /);
    expect(output).toContain('reference: 4000 events (data ');
    expect(output.split('\n').find((line) => line.startsWith('amount_log'))).toContain('critical');
  });

  it('refuses a profile built for another feature spec', async () => {
    const document = JSON.parse(await readFile(PROFILE, 'utf8')) as {
      subjects: { name: string }[];
    };
    (document.subjects[0] as { name: string }).name = 'renamed';
    const tampered = join(directory, 'tampered.json');
    await writeFile(tampered, JSON.stringify(document));
    const failure = await run([
      'drift',
      'compare',
      '--topology',
      TOPOLOGY,
      '--reference',
      tampered,
      '--current',
      join(directory, 'shifted.jsonl'),
    ]).catch((error: unknown) => error);
    expect(isStreamscoreError(failure) && failure.code).toBe('PROFILE_INVALID');
    expect((failure as Error).message).toContain('subject 0 is renamed (feature');
  });
});

describe('streamscore profile', () => {
  it('writes a profile that reads back and matches the model', async () => {
    const out = join(directory, 'reference.json');
    const output = await run([
      'profile',
      '--topology',
      TOPOLOGY,
      '--data',
      join(directory, 'holdout.jsonl'),
      '--out',
      out,
      '--window-events',
      '400',
    ]);
    expect(output).toContain('profiled 4000 events of holdout.jsonl with fraud@1');
    const profile = parseReferenceProfile(JSON.parse(await readFile(out, 'utf8')), out);
    expect(profile.data.events).toBe(4000);
    expect(profile.calibration?.windows).toBe(3);
    expect(profile.model?.score).toEqual({
      output: 'probabilities',
      column: 1,
      field: 'fraud.probability',
    });
  });
});
