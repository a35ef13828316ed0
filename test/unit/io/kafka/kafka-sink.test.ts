import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  createKafkaSink,
  recordBytes,
  type OutgoingRecord,
  type RecordProducer,
  SinkAbortedError,
  singleRecordBatchBytes,
} from '../../../../src/io/index.js';

const logger = pino({ level: 'silent' });

/** A producer standing in for a broker with a per-batch byte limit, as Kafka enforces it. */
function fakeBroker(limitBytes: number, failFirst = 0) {
  const requests: OutgoingRecord[][] = [];
  let failures = failFirst;
  const producer: RecordProducer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (_topic, messages) => {
      if (failures > 0) {
        failures--;
        throw new Error('Connection error: connect ECONNREFUSED');
      }
      const batchBytes = 61 + messages.reduce((sum, m) => sum + recordBytes(m), 0);
      if (batchBytes > limitBytes) {
        throw Object.assign(
          new Error(
            'The request included a message larger than the max message size the server will accept',
          ),
          {
            type: 'MESSAGE_TOO_LARGE',
          },
        );
      }
      requests.push([...messages]);
    },
  };
  return { producer, requests };
}

const record = (key: string, bytes: number): OutgoingRecord => ({
  key,
  value: Buffer.alloc(bytes, 0x61),
});

describe('kafka sink', () => {
  it('chunks a send so each request fits the topic, and hands back a record that cannot fit', async () => {
    const broker = fakeBroker(10_000);
    const sink = createKafkaSink({
      producer: broker.producer,
      topic: 'out',
      maxMessageBytes: 10_000,
      maxRequestBytes: 1_000_000,
      logger,
    });
    const records = [
      record('a', 4_000),
      record('b', 4_000),
      record('big', 20_000),
      record('c', 4_000),
    ];
    const refused = await sink.send(records);
    expect(refused.map((m) => m.key)).toEqual(['big']);
    expect(broker.requests.map((request) => request.map((m) => m.key))).toEqual([
      ['a', 'b'],
      ['c'],
    ]);
    expect(singleRecordBatchBytes(records[2] as OutgoingRecord)).toBeGreaterThan(10_000);
  });

  it('narrows a refusal down to the records a broker with a lower limit than the topic refuses', async () => {
    // The topic says 10 kB, the broker takes 5 kB: halving finds the one record over it.
    const broker = fakeBroker(5_000);
    const sink = createKafkaSink({
      producer: broker.producer,
      topic: 'out',
      maxMessageBytes: 10_000,
      maxRequestBytes: 1_000_000,
      logger,
    });
    const refused = await sink.send([record('a', 1_000), record('b', 6_000), record('c', 1_000)]);
    expect(refused.map((m) => m.key)).toEqual(['b']);
    expect(broker.requests.flat().map((m) => m.key)).toEqual(['a', 'c']);
  });

  it('retries other failures until acknowledged and reports the failure meanwhile', async () => {
    const broker = fakeBroker(10_000, 3);
    const sink = createKafkaSink({
      producer: broker.producer,
      topic: 'out',
      maxMessageBytes: 10_000,
      maxRequestBytes: 1_000_000,
      maxRetryDelayMs: 5,
      logger,
    });
    const sent = sink.send([record('a', 10)]);
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(sink.failure()?.error).toContain('ECONNREFUSED');
    expect(await sent).toEqual([]);
    expect(sink.failure()).toBeUndefined();
    expect(broker.requests).toHaveLength(1);
  });

  it('rejects with SinkAbortedError once aborted while retrying', async () => {
    const broker = fakeBroker(10_000, Infinity);
    const sink = createKafkaSink({
      producer: broker.producer,
      topic: 'out',
      maxMessageBytes: 10_000,
      maxRequestBytes: 1_000_000,
      logger,
    });
    const sent = sink.send([record('a', 10)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    sink.abort();
    await expect(sent).rejects.toBeInstanceOf(SinkAbortedError);
  });
});
