import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { StreamscoreError } from '../../src/errors.js';
import type { KafkaBrokerRecord } from './kafka-broker.js';
import type { RedisServerRecord } from './redis-server.js';

/** A running dev stack as `dev up` leaves it for `dev status` and `dev down`. */
export interface DevStackRecord {
  readonly formatVersion: 1;
  readonly startedAt: string;
  readonly kafka: KafkaBrokerRecord;
  readonly redis: RedisServerRecord;
}

const port = z.number().int().min(1).max(65_535);
const pid = z.number().int().positive();

const devStackRecordSchema = z.object({
  formatVersion: z.literal(1),
  startedAt: z.string(),
  kafka: z.object({
    pid,
    kafkaVersion: z.string(),
    brokers: z.string(),
    port,
    controllerPort: port,
    clusterId: z.string(),
    dataDir: z.string(),
    classDataRecording: z.object({ partialPath: z.string(), archivePath: z.string() }).optional(),
  }),
  redis: z.object({ pid, port, url: z.string(), dataDir: z.string() }),
});

// The schema and the interface describe the same file; this fails to compile if they drift.
const schemaMatchesRecord: (parsed: z.infer<typeof devStackRecordSchema>) => DevStackRecord = (
  parsed,
) => parsed;

/** `.streamscore/dev-stack.json` under `cwd` (`.streamscore/` is gitignored). */
export function defaultStateFilePath(cwd: string): string {
  return join(cwd, '.streamscore', 'dev-stack.json');
}

/** The recorded stack, or undefined when there is no state file. */
export async function readStateFile(path: string): Promise<DevStackRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corruptStateFile(path, 'it is not JSON', error);
  }
  const parsed = devStackRecordSchema.safeParse(json);
  if (!parsed.success) throw corruptStateFile(path, z.prettifyError(parsed.error), parsed.error);
  return schemaMatchesRecord(parsed.data);
}

/** Replaces the state file atomically, so a reader never sees half a record. */
export async function writeStateFile(path: string, record: DevStackRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partialPath = `${path}.${process.pid}.partial`;
  await writeFile(partialPath, `${JSON.stringify(record, null, 2)}\n`);
  await rename(partialPath, path);
}

export async function removeStateFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

function corruptStateFile(path: string, why: string, cause: unknown): StreamscoreError {
  return new StreamscoreError(
    'STACK_FAILED',
    `dev-stack state file ${path} is unreadable (${why}); stop any leftover java/redis-server processes and delete it`,
    { cause, context: { file: path } },
  );
}
