import { describe, expect, it } from 'vitest';
import { createOffsetWatermark } from '../../../../src/io/kafka/offset-watermark.js';

describe('createOffsetWatermark', () => {
  it('commits nothing before any event finishes', () => {
    const watermark = createOffsetWatermark();
    expect(watermark.committable()).toEqual([]);
    watermark.track('t', 0, 10);
    expect(watermark.committable()).toEqual([]);
  });

  it('holds the commit at the lowest unfinished offset whatever the ack order', () => {
    const watermark = createOffsetWatermark();
    for (const offset of [10, 11, 12, 13]) watermark.track('t', 0, offset);
    watermark.complete('t', 0, 12);
    watermark.complete('t', 0, 11);
    expect(watermark.committable()).toEqual([]);
    watermark.complete('t', 0, 10);
    expect(watermark.committable()).toEqual([{ topic: 't', partition: 0, offset: '13' }]);
    watermark.complete('t', 0, 13);
    expect(watermark.committable()).toEqual([{ topic: 't', partition: 0, offset: '14' }]);
    expect(watermark.pending()).toBe(0);
  });

  it('skips gaps in offsets (compaction, transaction markers)', () => {
    const watermark = createOffsetWatermark();
    watermark.track('t', 0, 5);
    watermark.track('t', 0, 9);
    watermark.complete('t', 0, 5);
    expect(watermark.committable()).toEqual([{ topic: 't', partition: 0, offset: '9' }]);
    watermark.complete('t', 0, 9);
    expect(watermark.committable()).toEqual([{ topic: 't', partition: 0, offset: '10' }]);
  });

  it('keeps partitions and topics apart and does not repeat a commit', () => {
    const watermark = createOffsetWatermark();
    watermark.track('a', 0, 1);
    watermark.track('a', 1, 1);
    watermark.track('b', 0, 7);
    watermark.complete('a', 1, 1);
    watermark.complete('b', 0, 7);
    const offsets = watermark.committable();
    expect(offsets).toEqual([
      { topic: 'a', partition: 1, offset: '2' },
      { topic: 'b', partition: 0, offset: '8' },
    ]);
    watermark.markCommitted(offsets);
    expect(watermark.committable()).toEqual([]);
    watermark.complete('a', 0, 1);
    expect(watermark.committable()).toEqual([{ topic: 'a', partition: 0, offset: '2' }]);
  });

  it('rejects offsets tracked out of order and ignores unknown completions', () => {
    const watermark = createOffsetWatermark();
    watermark.track('t', 0, 5);
    expect(() => watermark.track('t', 0, 5)).toThrow('offset 5 tracked out of order');
    watermark.complete('t', 0, 99);
    watermark.complete('x', 3, 1);
    expect(watermark.pending()).toBe(1);
  });

  it('forgets revoked partitions', () => {
    const watermark = createOffsetWatermark();
    watermark.track('t', 0, 1);
    watermark.track('t', 1, 1);
    watermark.track('u', 0, 1);
    watermark.retain('t', new Set([1]));
    watermark.complete('t', 1, 1);
    expect(watermark.committable()).toEqual([{ topic: 't', partition: 1, offset: '2' }]);
    expect(watermark.pending()).toBe(1);
  });

  it('stays correct across compaction of a long history', () => {
    const watermark = createOffsetWatermark();
    for (let offset = 0; offset < 5000; offset++) watermark.track('t', 0, offset);
    for (let offset = 4999; offset >= 2000; offset--) watermark.complete('t', 0, offset);
    for (let offset = 0; offset < 1999; offset++) watermark.complete('t', 0, offset);
    expect(watermark.committable()).toEqual([{ topic: 't', partition: 0, offset: '1999' }]);
    watermark.complete('t', 0, 1999);
    expect(watermark.committable()).toEqual([{ topic: 't', partition: 0, offset: '5000' }]);
  });
});
