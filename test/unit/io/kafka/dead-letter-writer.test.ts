import { createHash } from 'node:crypto';
import type { Message } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  createDeadLetterWriter,
  HEADERS,
  singleRecordBatchBytes,
  type DeadLetter,
  type KafkaSink,
} from '../../../../src/io/index.js';

const logger = pino({ level: 'silent' });

/** A sink over a topic that takes records up to `limit` bytes each. */
function fakeSink(limit: number) {
  const written: Message[] = [];
  const sink: KafkaSink = {
    topic: 'dlq',
    maxMessageBytes: limit,
    send: async (messages) => {
      const refused = messages.filter((message) => singleRecordBatchBytes(message) > limit);
      written.push(...messages.filter((message) => !refused.includes(message)));
      return refused;
    },
    failure: () => undefined,
    abort: () => undefined,
  };
  return { sink, written };
}

function letter(offset: number, valueBytes: number, headerBytes = 0): DeadLetter {
  return {
    partition: 0,
    reason: 'DECODE_FAILED',
    detail: 'not a valid json event',
    record: {
      key: Buffer.from(`k${offset}`),
      value: Buffer.alloc(valueBytes, 0x7b),
      offset: String(offset),
      timestamp: '0',
      headers: headerBytes > 0 ? { big: Buffer.alloc(headerBytes) } : {},
    },
  };
}

const header = (message: Message, name: string) => String(message.headers?.[name] ?? '');

describe('dead-letter writer', () => {
  it('keeps every value that fits, writes the one that does not with its length and hash, and reports all', async () => {
    const { sink, written } = fakeSink(10_000);
    const done: DeadLetter[] = [];
    const writer = createDeadLetterWriter({
      sink,
      sourceTopic: 'in',
      onWritten: (letters) => done.push(...letters),
      logger,
    });
    const letters = [letter(1, 100), letter(2, 50_000), letter(3, 100)];
    writer.write(letters);
    expect(writer.inFlight()).toBe(3);
    await writer.idle();
    expect(writer.inFlight()).toBe(0);
    expect(done).toEqual(letters);
    const byOffset = new Map(written.map((m) => [header(m, HEADERS.sourceOffset), m]));
    expect((byOffset.get('1')?.value as Buffer).length).toBe(100);
    expect((byOffset.get('3')?.value as Buffer).length).toBe(100);
    const large = byOffset.get('2') as Message;
    expect(large.value).toBeNull();
    expect(String(large.key)).toBe('k2');
    expect(header(large, HEADERS.errorClass)).toBe('DECODE_FAILED');
    expect(header(large, HEADERS.valueOmitted)).toBe('true');
    expect(header(large, HEADERS.valueLength)).toBe('50000');
    expect(header(large, HEADERS.valueSha256)).toBe(
      createHash('sha256').update(Buffer.alloc(50_000, 0x7b)).digest('hex'),
    );
  });

  it('drops the input headers, then the key, before it drops the letter', async () => {
    const { sink, written } = fakeSink(2_000);
    const writer = createDeadLetterWriter({
      sink,
      sourceTopic: 'in',
      onWritten: () => undefined,
      logger,
    });
    writer.write([letter(1, 10, 5_000)]);
    await writer.idle();
    expect(written).toHaveLength(1);
    expect(header(written[0] as Message, HEADERS.headersOmitted)).toBe('true');
    expect(header(written[0] as Message, HEADERS.sourceOffset)).toBe('1');
    expect(String(written[0]?.key)).toBe('k1');
  });

  it('cuts a long error message', async () => {
    const { sink, written } = fakeSink(100_000);
    const writer = createDeadLetterWriter({
      sink,
      sourceTopic: 'in',
      onWritten: () => undefined,
      logger,
    });
    writer.write([{ ...letter(1, 10), detail: 'x'.repeat(10_000) }]);
    await writer.idle();
    expect(header(written[0] as Message, HEADERS.errorMessage).length).toBeLessThan(2_100);
  });
});
