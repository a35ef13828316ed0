import { describe, expect, it } from 'vitest';
import { StreamscoreError } from '../../../src/errors.js';
import { readJsonLines, type JsonLine } from '../../../src/io/index.js';

async function* chunksOf(...chunks: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

async function readAll(...chunks: (string | Buffer)[]): Promise<JsonLine[]> {
  const lines: JsonLine[] = [];
  for await (const line of readJsonLines(chunksOf(...chunks), 'events.jsonl')) lines.push(line);
  return lines;
}

async function failure(...chunks: (string | Buffer)[]): Promise<StreamscoreError> {
  const error = await readAll(...chunks).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StreamscoreError);
  return error as StreamscoreError;
}

describe('readJsonLines', () => {
  it('yields each line’s bytes exactly as given, with its number and parsed value', async () => {
    const lines = await readAll('{"a": 1}\n{ "b" :"ü" }\n');
    expect(
      lines.map(({ lineNumber, bytes, value }) => [lineNumber, bytes.toString(), value]),
    ).toEqual([
      [1, '{"a": 1}', { a: 1 }],
      [2, '{ "b" :"ü" }', { b: 'ü' }],
    ]);
  });

  it('joins lines split across chunks, even inside a multi-byte character', async () => {
    const bytes = Buffer.from('{"name":"Zoë"}\n{"n":2}');
    const split = bytes.indexOf(Buffer.from('ë')) + 1;
    const lines = await readAll(
      bytes.subarray(0, split),
      bytes.subarray(split, split + 3),
      bytes.subarray(split + 3),
    );
    expect(lines.map(({ value }) => value)).toEqual([{ name: 'Zoë' }, { n: 2 }]);
  });

  it('reads a last line without a newline, strips CRLF and skips blank lines, counting them', async () => {
    const lines = await readAll('{"a":1}\r\n\n  \t\r\n{"a":2}\n\n{"a":3}');
    expect(lines.map(({ lineNumber, bytes }) => [lineNumber, bytes.toString()])).toEqual([
      [1, '{"a":1}'],
      [4, '{"a":2}'],
      [6, '{"a":3}'],
    ]);
  });

  it('yields nothing for empty input', async () => {
    expect(await readAll()).toEqual([]);
    expect(await readAll('\n\n')).toEqual([]);
  });

  it('fails with DATA_INVALID naming the line that is not JSON', async () => {
    const error = await failure('{"a":1}\n\n{"a":\n{"a":3}\n');
    expect(error.code).toBe('DATA_INVALID');
    expect(error.message).toMatch(/^events\.jsonl line 3 is not JSON \(.+\)$/);
    expect(error.context).toEqual({ file: 'events.jsonl', line: 3 });
  });

  it('takes a line of other blanks (no-break spaces) for what it is: not JSON', async () => {
    const error = await failure('{"a":1}\n\u00a0\n');
    expect(error.message).toMatch(/^events\.jsonl line 2 is not JSON/);
  });

  it('fails with DATA_INVALID on a line that is not UTF-8, rather than replacing its bytes', async () => {
    const error = await failure(
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]),
    );
    expect(error.message).toBe('events.jsonl line 1 is not UTF-8');
  });

  it('reports a failed read (a missing file) as DATA_INVALID', async () => {
    async function* missing(): AsyncGenerator<Buffer> {
      yield* [];
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    }
    const read = async () => {
      for await (const line of readJsonLines(missing(), 'gone.jsonl')) expect(line).toBeUndefined();
    };
    await expect(read()).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: 'cannot read gone.jsonl (ENOENT)',
    });
  });
});
