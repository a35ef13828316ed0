/**
 * What really is in a set of topics, as a client that shares no code with streamscore sees it:
 * count_records.py (Python confluent-kafka, i.e. librdkafka) reads every partition from its low
 * to its high watermark by assignment, committing nothing. Fault tests count every event id in
 * the output and dead-letter topics with it, so a bug in our kafkajs code cannot hide itself.
 */
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensurePythonEnvironment } from '../../bench/python-environment.js';
import { resolveCacheRootDir } from '../../tools/devstack/index.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const counterScript = fileURLToPath(new URL('./count_records.py', import.meta.url));

/** A dead letter whose value the DLQ topic could not hold, as its headers describe it. */
export interface RecordWithoutValue {
  readonly key: string | null;
  /** Header `streamscore.error.value-length`, when present. */
  readonly valueLength: number | null;
  /** Whether header `streamscore.error.value-sha256` holds a SHA-256 in hex. */
  readonly hasSha256: boolean;
}

export interface TopicCount {
  readonly partitions: number;
  readonly records: number;
  /** Each key (as UTF-8 text) and how many records carry it. */
  readonly keys: Readonly<Record<string, number>>;
  readonly nullKeys: number;
  /** Records whose value is not null. */
  readonly withValue: number;
  /** Records per `streamscore.error.class` header: dead letters; none on an output topic. */
  readonly errorClasses: Readonly<Record<string, number>>;
  /** Every record whose value is null, in offset order per partition. */
  readonly withoutValue: readonly RecordWithoutValue[];
  /** Distinct `streamscore.error.message` headers, the first 200. */
  readonly messages: readonly string[];
}

export interface IndependentCount {
  readonly topics: Readonly<Record<string, TopicCount>>;
}

export interface CountRecordsOptions {
  /** Bootstrap address, `host:port[,host:port]`. */
  readonly brokers: string;
  readonly topics: readonly string[];
  /** How long the count may take, topic metadata and reading included. Default 60 s. */
  readonly timeoutMs?: number;
}

let pythonReady: Promise<string> | undefined;

/**
 * The bench's virtual environment (bench/python/requirements.txt pins confluent-kafka), shared
 * rather than a second one: installed from PyPI once, by scripts/bootstrap.sh on a fresh machine.
 */
export function harnessPython(): Promise<string> {
  pythonReady ??= ensurePythonEnvironment({
    requirementsFile: join(repoRoot, 'bench', 'python', 'requirements.txt'),
    cacheDir: join(resolveCacheRootDir(process.env, homedir()), 'bench'),
    print: (line) => process.stderr.write(`${line}\n`),
  }).then((environment) => environment.python);
  return pythonReady;
}

/** Counts the records of `topics` as they are when the count starts. */
export async function countRecords(options: CountRecordsOptions): Promise<IndependentCount> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const python = await harnessPython();
  const args = [
    counterScript,
    '--bootstrap-servers',
    options.brokers,
    '--timeout-s',
    String(timeoutMs / 1000),
    ...options.topics,
  ];
  let stdout: string;
  try {
    // The script keeps its own deadline; this one only catches a wedged interpreter.
    ({ stdout } = await run(python, args, {
      maxBuffer: 256 * 1024 * 1024,
      timeout: timeoutMs + 15_000,
    }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `independent count of ${options.topics.join(', ')} at ${options.brokers} failed: ${stderr || String(error)}`,
      { cause: error },
    );
  }
  return JSON.parse(stdout) as IndependentCount;
}

/** How many times each key was seen across `counts` (an event id in output or DLQ). */
export function keysAcross(...counts: readonly TopicCount[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const count of counts) {
    for (const [key, times] of Object.entries(count.keys)) {
      seen.set(key, (seen.get(key) ?? 0) + times);
    }
  }
  return seen;
}

/** The expected keys that none of `counts` holds, in the order expected. */
export function missingKeys(
  expected: Iterable<string>,
  ...counts: readonly TopicCount[]
): string[] {
  const seen = keysAcross(...counts);
  return [...expected].filter((key) => !seen.has(key));
}

/** Keys seen more than once across `counts`, with how many times, sorted by key. */
export function duplicatedKeys(...counts: readonly TopicCount[]): Array<[string, number]> {
  return [...keysAcross(...counts)]
    .filter(([, times]) => times > 1)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Keys seen that were never expected (a record from another run, a corrupted key). */
export function unexpectedKeys(
  expected: Iterable<string>,
  ...counts: readonly TopicCount[]
): string[] {
  const wanted = new Set(expected);
  return [...keysAcross(...counts).keys()].filter((key) => !wanted.has(key)).sort();
}
