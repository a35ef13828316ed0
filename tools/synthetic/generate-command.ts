import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  TRANSACTION_DRIFT_PRESETS,
  TRANSACTION_DRIFT_PRESET_NAMES,
  type TransactionDriftPresetName,
} from './transaction-drift.js';
import { writeTransactionsJsonl } from './write-transactions-jsonl.js';

interface GenerateOptions {
  count: number;
  seed: number;
  out: string;
  cards?: number;
  fraudRate?: number;
  startTime?: string;
  drift?: TransactionDriftPresetName;
  driftAfter?: number;
}

/**
 * `streamscore generate`: synthetic card transactions as JSON Lines, the data behind the demo,
 * the benchmarks and the reference fraud model's training set.
 */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('write synthetic card transactions as JSON Lines (one event per line)')
    .option('--count <n>', 'number of events', parseNonNegativeInteger, 10_000)
    .option('--seed <n>', 'seed: the same seed and options give the same events', parseInteger, 1)
    .option('--out <file|->', "output file, or '-' for stdout", '-')
    .option('--cards <n>', 'size of the card pool, up to 1000000 (default 10000)', parseCardCount)
    .option('--fraud-rate <rate>', 'target share of fraud labels (default 0.015)', parseRate)
    .option(
      '--start-time <iso>',
      'simulated time of the first event (default 2026-03-02T00:00:00Z)',
      parseIsoTime,
    )
    .addOption(
      new Option('--drift <preset>', 'shift features after --drift-after events').choices(
        TRANSACTION_DRIFT_PRESET_NAMES,
      ),
    )
    .option(
      '--drift-after <n>',
      'events before the drift starts (default 0)',
      parseNonNegativeInteger,
    )
    .addHelpText(
      'after',
      `\nDrift presets:\n${TRANSACTION_DRIFT_PRESET_NAMES.map(
        (name) => `  ${name.padEnd(18)} ${JSON.stringify(TRANSACTION_DRIFT_PRESETS[name])}`,
      ).join(
        '\n',
      )}\n\nExample:\n  streamscore generate --count 200000 --seed 1 --out train.jsonl\n  streamscore generate --count 100000 --drift ecom-surge --drift-after 50000 --out drifted.jsonl`,
    )
    .action(async (options: GenerateOptions, command: Command) => {
      if (options.driftAfter !== undefined && options.drift === undefined) {
        command.error('error: --drift-after needs --drift <preset>');
      }
      const toStdout = options.out === '-';
      const writing = writeTransactionsJsonl(toStdout ? process.stdout : options.out, {
        count: options.count,
        seed: options.seed,
        cards: options.cards,
        fraudRate: options.fraudRate,
        startTime: options.startTime,
        drift:
          options.drift === undefined
            ? undefined
            : {
                afterEvents: options.driftAfter ?? 0,
                shifts: TRANSACTION_DRIFT_PRESETS[options.drift],
              },
      });
      let written: number;
      try {
        ({ written } = await writing);
      } catch (error) {
        // `generate | head` closes the pipe early: the reader has what it wanted.
        if (toStdout && (error as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw error;
      }
      // stdout carries the events themselves when --out is '-'; report only for files.
      if (!toStdout) console.log(`wrote ${written} events to ${options.out}`);
    });
}

function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError('expected an integer');
  }
  return parsed;
}

function parseNonNegativeInteger(value: string): number {
  const parsed = parseInteger(value);
  if (parsed < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return parsed;
}

function parseCardCount(value: string): number {
  const parsed = parseInteger(value);
  if (parsed < 1 || parsed > 1_000_000) {
    throw new InvalidArgumentError('expected an integer in [1, 1000000]');
  }
  return parsed;
}

function parseRate(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed < 0.5)) {
    throw new InvalidArgumentError('expected a number in [0, 0.5)');
  }
  return parsed;
}

function parseIsoTime(value: string): string {
  if (Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-03-02T00:00:00Z');
  }
  return value;
}
