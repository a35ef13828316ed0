import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { StreamscoreError } from '../../../../src/errors.js';
import { parseFieldPath } from '../../../../src/features/index.js';
import {
  checkJsonLines,
  jsonLineRecord,
  MAX_BATCH_RECORDS,
  produceJsonLines,
  readJsonLines,
  sendDelayMs,
  singleRecordBatchBytes,
  type JsonLine,
  type KeyField,
} from '../../../../src/io/index.js';

const LIMIT = 1_048_588;

function line(value: unknown, lineNumber = 1): JsonLine {
  return { lineNumber, bytes: Buffer.from(JSON.stringify(value)), value };
}

function keyField(name: string): KeyField {
  return { name, path: parseFieldPath(name) };
}

async function* linesOf(values: readonly unknown[]): AsyncGenerator<JsonLine> {
  for (let i = 0; i < values.length; i++) yield line(values[i], i + 1);
}

/** A clock that only moves when slept on, recording every wait. */
function manualClock() {
  let nowMs = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => nowMs,
    sleep: async (ms: number) => {
      waits.push(ms);
      nowMs += ms;
    },
  };
}

describe('jsonLineRecord', () => {
  const options = { source: 'events.jsonl', maxMessageBytes: LIMIT };

  it('sends the line’s bytes as the value, without a key when no key field is given', () => {
    const record = jsonLineRecord(line({ id: 1 }), options);
    expect(record).toEqual({ key: null, value: Buffer.from('{"id":1}') });
  });

  it('keys by a dotted field, numbers and booleans as their text', () => {
    const event = { card: { id: 'c-7', n: 42, present: false } };
    const keyOf = (field: string) =>
      jsonLineRecord(line(event), { ...options, keyField: keyField(field) }).key;
    expect(keyOf('card.id')).toBe('c-7');
    expect(keyOf('card.n')).toBe('42');
    expect(keyOf('card.present')).toBe('false');
  });

  it.each([
    [{ other: 1 }, 'has no key field card.id'],
    [{ card: { id: null } }, 'has a null key field card.id'],
    [{ card: { id: { x: 1 } } }, 'has an object key field card.id'],
    [{ card: { id: [1] } }, 'has an array key field card.id'],
    [{ card: 'c-7' }, 'has no key field card.id'],
  ])('refuses %j as DATA_INVALID: %s', (event, problem) => {
    expect(() =>
      jsonLineRecord(line(event, 7), { ...options, keyField: keyField('card.id') }),
    ).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        message: `events.jsonl line 7 ${problem}; expected a string, number or boolean`,
        context: { file: 'events.jsonl', line: 7 },
      }),
    );
  });

  it('refuses a line too large for the topic, and takes one that just fits', () => {
    const big = line({ pad: 'x'.repeat(1000) }, 3);
    const fits = singleRecordBatchBytes({ key: null, value: big.bytes });
    expect(jsonLineRecord(big, { ...options, maxMessageBytes: fits }).value).toBe(big.bytes);
    expect(() => jsonLineRecord(big, { ...options, maxMessageBytes: fits - 1 })).toThrow(
      `events.jsonl line 3 is ${big.bytes.length} bytes, too large for the topic (max.message.bytes ${fits - 1})`,
    );
  });
});

describe('sendDelayMs', () => {
  it('waits until the events sent so far have taken their share of time at the rate', () => {
    const pace = { startedAtMs: 10_000, ratePerSecond: 100 };
    expect(sendDelayMs({ ...pace, nowMs: 10_000, produced: 0 })).toBe(0);
    expect(sendDelayMs({ ...pace, nowMs: 10_000, produced: 10 })).toBe(100);
    expect(sendDelayMs({ ...pace, nowMs: 10_040, produced: 10 })).toBe(60);
    // Behind the pace (a slow broker): no wait, and no burst to catch up beyond the rate.
    expect(sendDelayMs({ ...pace, nowMs: 11_000, produced: 10 })).toBe(0);
  });
});

describe('produceJsonLines', () => {
  const options = { source: 'events.jsonl', maxMessageBytes: LIMIT };

  it('sends every line once, in order, in batches of at most MAX_BATCH_RECORDS', async () => {
    const sent: Message[][] = [];
    const acknowledged: number[] = [];
    const values = Array.from({ length: 2_500 }, (_, i) => ({ id: i }));
    const produced = await produceJsonLines({
      ...options,
      lines: linesOf(values),
      send: async (messages) => {
        sent.push(messages);
      },
      onProduced: (count) => acknowledged.push(count),
    });
    expect(produced).toBe(2_500);
    expect(sent.flat().map((m) => JSON.parse(String(m.value)))).toEqual(values);
    expect(Math.max(...sent.map((batch) => batch.length))).toBeLessThanOrEqual(MAX_BATCH_RECORDS);
    expect(acknowledged.at(-1)).toBe(2_500);
  });

  it('keeps each batch within the topic’s max.message.bytes', async () => {
    const sent: Message[][] = [];
    const value = { pad: 'x'.repeat(300) };
    const maxMessageBytes = 2_000;
    await produceJsonLines({
      ...options,
      maxMessageBytes,
      lines: linesOf(Array.from({ length: 50 }, () => value)),
      send: async (messages) => {
        sent.push(messages);
      },
    });
    expect(sent.flat()).toHaveLength(50);
    for (const batch of sent) {
      const bytes = batch.reduce((sum, m) => sum + singleRecordBatchBytes(m) - 61, 61);
      expect(bytes).toBeLessThanOrEqual(maxMessageBytes);
    }
  });

  it('has at most one batch in flight, and sends a line at once when none is', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const release: Array<() => void> = [];
    const sent: number[] = [];
    const producing = produceJsonLines({
      ...options,
      lines: linesOf([{ n: 1 }, { n: 2 }, { n: 3 }]),
      send: async (messages) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise<void>((resolve) => release.push(resolve));
        sent.push(messages.length);
        inFlight--;
      },
    });
    // The first line goes out alone; the others wait for it, then leave together.
    await new Promise((resolve) => setImmediate(resolve));
    expect(release).toHaveLength(1);
    release.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    release.shift()?.();
    expect(await producing).toBe(3);
    expect(sent).toEqual([1, 2]);
    expect(mostInFlight).toBe(1);
  });

  it('paces sends to the rate, in batches of a tenth of a second’s events', async () => {
    const clock = manualClock();
    const sentAt: Array<[number, number]> = [];
    const startedAt = clock.now();
    await produceJsonLines({
      ...options,
      lines: linesOf(Array.from({ length: 200 }, (_, i) => ({ i }))),
      ratePerSecond: 100,
      clock,
      send: async (messages) => {
        sentAt.push([clock.now() - startedAt, messages.length]);
      },
    });
    expect(sentAt.reduce((sum, [, n]) => sum + n, 0)).toBe(200);
    expect(Math.max(...sentAt.map(([, n]) => n))).toBeLessThanOrEqual(10);
    // Never ahead of the rate: before each send, the events already sent had their time.
    let before = 0;
    for (const [atMs, count] of sentAt) {
      expect(atMs).toBeGreaterThanOrEqual(before * 10);
      before += count;
    }
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(1_900);
  });

  it('sends the lines before a bad one, then fails with its DATA_INVALID', async () => {
    const sent: Message[] = [];
    const lines = readJsonLines(
      (async function* () {
        yield Buffer.from('{"id":1}\n{"id":2}\nnot json\n{"id":4}\n');
      })(),
      'stdin',
    );
    const outcome = produceJsonLines({
      ...options,
      source: 'stdin',
      lines,
      send: async (messages) => {
        sent.push(...messages);
      },
    });
    await expect(outcome).rejects.toMatchObject({ code: 'DATA_INVALID', context: { line: 3 } });
    expect(sent.map((m) => String(m.value))).toEqual(['{"id":1}', '{"id":2}']);
  });

  it('stops at a failed send and rejects with its error, sending nothing more', async () => {
    const failed = new StreamscoreError('PRODUCE_FAILED', 'cannot write to t');
    let sends = 0;
    const outcome = produceJsonLines({
      ...options,
      lines: linesOf(Array.from({ length: 5_000 }, (_, i) => ({ i }))),
      send: async () => {
        sends++;
        if (sends === 2) throw failed;
      },
    });
    await expect(outcome).rejects.toBe(failed);
    expect(sends).toBe(2);
  });
});

describe('checkJsonLines', () => {
  it('counts the lines, or fails on the first one produceJsonLines would refuse', async () => {
    const options = { source: 'events.jsonl', maxMessageBytes: LIMIT, keyField: keyField('id') };
    expect(await checkJsonLines(linesOf([{ id: 1 }, { id: 2 }]), options)).toBe(2);
    await expect(checkJsonLines(linesOf([{ id: 1 }, { no: 2 }]), options)).rejects.toThrow(
      'events.jsonl line 2 has no key field id',
    );
  });
});
