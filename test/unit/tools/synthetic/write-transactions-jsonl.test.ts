import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTransactionGenerator,
  writeTransactionsJsonl,
} from '../../../../tools/synthetic/index.js';

describe('writeTransactionsJsonl', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'streamscore-jsonl-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes one generated event per line to a file', async () => {
    const path = join(directory, 'events.jsonl');
    const drift = { afterEvents: 1_000, shifts: { amountScale: 2 } };
    const result = await writeTransactionsJsonl(path, { count: 2_500, seed: 9, drift });
    expect(result).toEqual({ written: 2_500 });
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const events = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(events).toEqual(createTransactionGenerator({ seed: 9, drift }).nextBatch(2_500));
  });

  it('writes to a stream it is given and leaves it open', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeTransactionsJsonl(stream, { count: 3, seed: 1 });
    expect(stream.writableEnded).toBe(false);
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
  });

  it('writes an empty file for a count of 0 and rejects a negative count', async () => {
    const path = join(directory, 'empty.jsonl');
    await writeTransactionsJsonl(path, { count: 0, seed: 1 });
    expect(await readFile(path, 'utf8')).toBe('');
    await expect(writeTransactionsJsonl(path, { count: -1, seed: 1 })).rejects.toThrow(RangeError);
  });

  it('fails when the file cannot be written', async () => {
    await expect(
      writeTransactionsJsonl(join(directory, 'missing', 'events.jsonl'), { count: 10, seed: 1 }),
    ).rejects.toThrow(/ENOENT/);
  });
});
