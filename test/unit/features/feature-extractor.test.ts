import { describe, expect, it } from 'vitest';
import {
  createFeatureExtractor,
  parseFieldPath,
  readFieldPath,
} from '../../../src/features/index.js';
import { featuresFrom } from '../../harness/feature-specs.js';

describe('field paths', () => {
  it('parses dots and indices, with or without a leading $.', () => {
    expect(parseFieldPath('merchant.country')).toEqual(['merchant', 'country']);
    expect(parseFieldPath('$.items[2].price')).toEqual(['items', 2, 'price']);
    expect(parseFieldPath('a[0][1]')).toEqual(['a', 0, 1]);
  });

  it('rejects malformed paths', () => {
    expect(() => parseFieldPath('a..b')).toThrow('invalid field path "a..b"');
    expect(() => parseFieldPath('a[x]')).toThrow('invalid field path');
  });

  it('reads nested values and yields undefined through missing steps', () => {
    const event = { a: { b: [{ c: 3 }] }, s: 'text' };
    expect(readFieldPath(event, ['a', 'b', 0, 'c'])).toBe(3);
    expect(readFieldPath(event, ['a', 'x', 0])).toBeUndefined();
    expect(readFieldPath(event, ['s', 'length'])).toBeUndefined();
  });
});

describe('createFeatureExtractor', () => {
  const features = featuresFrom(`
  - { name: amount, path: amount, type: number, transforms: [{ op: log1p }, { op: standardize, mean: 1, std: 2 }] }
  - { name: clipped, path: v.x, type: number, default: -5, transforms: [{ op: clip, min: 0, max: 10 }] }
  - { name: present, path: card_present, type: boolean, default: false }
  - { name: channel, path: channel, type: category, vocabulary: [pos, ecom, atm] }
  - { name: mcc, path: merchant.category, type: category, encoding: index, vocabulary: [grocery, travel] }
  - { name: hour, path: ts, type: timestamp, derive: hourOfDay }
  - { name: dow, path: ts, type: timestamp, derive: dayOfWeek }`);
  const extractor = createFeatureExtractor(features);
  const event = {
    amount: 99,
    v: { x: 42 },
    card_present: true,
    channel: 'ecom',
    merchant: { category: 'travel' },
    ts: '2026-11-22T23:30:00Z',
  };

  function row(input: unknown): Float32Array | string {
    const rows = new Float32Array(extractor.width * 2).fill(7);
    const error = extractor.extract(input, rows, extractor.width);
    return error === undefined ? rows.subarray(extractor.width) : `${error.code}: ${error.message}`;
  }

  it('lays out columns in spec order, one-hot columns named feature=value', () => {
    expect(extractor.width).toBe(9);
    expect(extractor.columns).toEqual([
      'amount',
      'clipped',
      'present',
      'channel=pos',
      'channel=ecom',
      'channel=atm',
      'mcc',
      'hour',
      'dow',
    ]);
  });

  it('writes the transformed row at the requested index', () => {
    const expected = [(Math.log1p(99) - 1) / 2, 10, 1, 0, 1, 0, 1, 23, 0];
    expect(Array.from(row(event) as Float32Array)).toEqual(expected.map(Math.fround));
  });

  it('encodes unknown categories as zeros (one-hot) or -1 (index)', () => {
    const result = row({ ...event, channel: 'moto', merchant: { category: 'casino' } });
    expect(Array.from((result as Float32Array).subarray(3, 7))).toEqual([0, 0, 0, -1]);
  });

  it('uses defaults for missing and non-finite values', () => {
    const result = row({ ...event, v: { x: Infinity }, card_present: null }) as Float32Array;
    expect(result[1]).toBe(0);
    expect(result[2]).toBe(0);
  });

  it('rejects missing fields without default, naming feature and path', () => {
    const { amount: _amount, ...withoutAmount } = event;
    expect(row(withoutAmount)).toBe(
      'FEATURE_MISSING: field amount is missing and feature amount has no default',
    );
    expect(row({ ...event, merchant: {} })).toBe(
      'FEATURE_MISSING: field merchant.category is missing and feature mcc has no default',
    );
  });

  it('rejects wrong types even where a default exists', () => {
    expect(row({ ...event, amount: '99' })).toBe(
      'FEATURE_INVALID: feature amount (amount): expected a finite number, got "99"',
    );
    expect(row({ ...event, v: { x: 'big' } })).toBe(
      'FEATURE_INVALID: feature clipped (v.x): expected a finite number, got "big"',
    );
    expect(row({ ...event, card_present: 'yes' })).toBe(
      'FEATURE_INVALID: feature present (card_present): expected true or false, got "yes"',
    );
    expect(row({ ...event, channel: { a: 1 } })).toBe(
      'FEATURE_INVALID: feature channel (channel): expected a category value, got an object',
    );
    expect(row({ ...event, ts: 'yesterday' })).toBe(
      'FEATURE_INVALID: feature hour (ts): expected a finite number, got "yesterday"',
    );
  });

  it('rejects non-finite values without default and transforms that leave the reals', () => {
    expect(row({ ...event, amount: Infinity })).toBe(
      'FEATURE_INVALID: feature amount (amount): expected a finite number, got Infinity',
    );
    expect(row({ ...event, amount: -2 })).toBe(
      'FEATURE_INVALID: feature amount (amount): transforms turn -2 into NaN',
    );
  });

  it('dead-letters unknown categories when asked to', () => {
    const strict = createFeatureExtractor(
      featuresFrom(
        `  - { name: c, path: c, type: category, vocabulary: [a], unknown: dead-letter }`,
      ),
    );
    const rows = new Float32Array(1);
    expect(strict.extract({ c: 'b' }, rows, 0)).toEqual({
      code: 'FEATURE_UNKNOWN_CATEGORY',
      feature: 'c',
      path: 'c',
      message: 'value "b" is not in the vocabulary of c',
    });
  });

  it('takes epoch milliseconds as timestamps', () => {
    const epoch = createFeatureExtractor(
      featuresFrom(`  - { name: s, path: t, type: timestamp, derive: epochSeconds }`),
    );
    const rows = new Float32Array(1);
    expect(epoch.extract({ t: 1_700_000_000_000 }, rows, 0)).toBeUndefined();
    expect(rows[0]).toBe(Math.fround(1_700_000_000));
  });
});
