import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { StreamscoreError } from '../errors.js';
import { parseFieldPath } from '../features/index.js';
import {
  checkJsonLines,
  connectTopicWriter,
  produceJsonLines,
  readJsonLines,
  type KeyField,
} from '../io/index.js';
import { createLogger } from '../observability/index.js';
import { connectTimeoutOption, parsePositiveNumber } from './cli-options.js';
import { createProduceProgress } from './produce-progress.js';

interface ProduceOptions {
  file?: string;
  keyField?: KeyField;
  rate?: number;
  brokers?: string;
  connectTimeoutMs: number;
}

const PROGRESS_INTERVAL_MS = 1_000;

export function registerProduceCommand(program: Command): void {
  program
    .command('produce')
    .description(
      'Send JSON Lines to a topic, each line as one record’s value (its bytes as they are), ' +
        'acknowledged by all in-sync replicas; progress on stderr',
    )
    .argument('<topic>', 'an existing topic (`streamscore topics create <topology>` makes them)')
    .option('-f, --file <events.jsonl>', 'read this file (default: stdin)')
    .option(
      '--key-field <path>',
      'record key from this field of each line, e.g. card_id or merchant.id (default: no key)',
      parseKeyField,
    )
    .option(
      '--rate <events/s>',
      'at most this many events per second (default: as fast as acknowledged)',
      parsePositiveNumber,
    )
    .option(
      '-b, --brokers <host:port,...>',
      'bootstrap brokers (default: $KAFKA_BROKERS, else 127.0.0.1:9092)',
    )
    .addOption(connectTimeoutOption())
    .action(async (topic: string, options: ProduceOptions) => {
      const brokers = brokerList(options.brokers);
      const input = await openInput(options.file);
      // Failures end as one StreamscoreError line; kafkajs's own retries are noise here.
      const logger = createLogger({ level: 'error' }, process.stderr);
      const writer = await connectTopicWriter({
        connection: { brokers, clientId: 'streamscore-produce' },
        topic,
        logger,
        connectTimeoutMs: options.connectTimeoutMs,
        configuredBy: options.brokers === undefined ? '$KAFKA_BROKERS or --brokers' : '--brokers',
      });
      try {
        const recordOptions = {
          source: input.source,
          maxMessageBytes: writer.maxMessageBytes,
          ...(options.keyField === undefined ? {} : { keyField: options.keyField }),
        };
        // A file is checked whole first, so a bad line anywhere fails before anything is sent.
        const total = input.rereadable
          ? await checkJsonLines(readJsonLines(input.open(), input.source), recordOptions)
          : undefined;
        await produceWithProgress(topic, total, (onProduced) =>
          produceJsonLines({
            ...recordOptions,
            lines: readJsonLines(input.open(), input.source),
            send: (messages) => writer.send(messages),
            ...(options.rate === undefined ? {} : { ratePerSecond: options.rate }),
            onProduced,
          }),
        );
      } finally {
        await writer.disconnect();
      }
    });
}

async function produceWithProgress(
  topic: string,
  total: number | undefined,
  produce: (onProduced: (count: number) => void) => Promise<number>,
): Promise<void> {
  const progress = createProduceProgress({
    topic,
    now: () => Date.now(),
    ...(total === undefined ? {} : { total }),
  });
  const print = (line: string) => process.stderr.write(`${line}\n`);
  const timer = setInterval(() => print(progress.intervalLine()), PROGRESS_INTERVAL_MS);
  try {
    await produce((count) => progress.produced(count));
    print(progress.summaryLine('done'));
  } catch (error) {
    print(progress.summaryLine('failed'));
    throw error;
  } finally {
    clearInterval(timer);
  }
}

interface JsonLinesInput {
  /** `stdin` or the file name, as errors name it. */
  readonly source: string;
  /** A regular file, which can be read twice (checked, then sent); a pipe or stdin cannot. */
  readonly rereadable: boolean;
  open(): Readable;
}

async function openInput(file: string | undefined): Promise<JsonLinesInput> {
  if (file === undefined) return { source: 'stdin', rereadable: false, open: () => process.stdin };
  let regular: boolean;
  try {
    regular = (await stat(file)).isFile();
  } catch (error) {
    throw new StreamscoreError(
      'DATA_INVALID',
      `cannot read data file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { cause: error, context: { file } },
    );
  }
  return { source: file, rereadable: regular, open: () => createReadStream(file) };
}

function brokerList(option: string | undefined): string[] {
  const fromEnvironment = process.env['KAFKA_BROKERS'];
  const configured =
    option ??
    (fromEnvironment !== undefined && fromEnvironment !== '' ? fromEnvironment : '127.0.0.1:9092');
  const brokers = configured
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0) {
    throw new StreamscoreError('USAGE', 'no Kafka broker given: pass --brokers host:port', {
      context: { brokers: configured },
    });
  }
  return brokers;
}

function parseKeyField(value: string): KeyField {
  try {
    return { name: value, path: parseFieldPath(value) };
  } catch (error) {
    throw new InvalidArgumentError(
      `${(error as Error).message}: expected a dotted path such as card_id or merchant.id`,
    );
  }
}
