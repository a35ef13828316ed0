import { describe, expect, it } from 'vitest';
import { createJsonCodec, MAX_JSON_NESTING_DEPTH } from '../../../src/io/index.js';

const codec = createJsonCodec();
const score = { probability: 0.25, label: 0, model: 'fraud', version: 1 };

function withField(text: string, field = 'fraud', value: unknown = score) {
  const source = Buffer.from(text, 'utf8');
  const event = codec.decode(source) as Record<string, unknown>;
  // As the pipeline does: the decoded event is passed only when it already has the field.
  const decoded = Object.hasOwn(event, field) ? event : undefined;
  return codec.encodeWithField(source, decoded, field, value).toString('utf8');
}

describe('JSON codec: an event with a field added', () => {
  it('appends the field to the source bytes, keeping them as they were', () => {
    const text = '{"amount": 12.50, "country":"Z\\u00fcrich", "n": 1.0}';
    const encoded = withField(text);
    expect(encoded).toBe(
      `{"amount": 12.50, "country":"Z\\u00fcrich", "n": 1.0,"fraud":${JSON.stringify(score)}}`,
    );
    expect(JSON.parse(encoded)).toEqual({ amount: 12.5, country: 'Zürich', n: 1, fraud: score });
  });

  it('handles trailing whitespace and an empty object', () => {
    expect(JSON.parse(withField('{"a":1}\r\n\t '))).toEqual({ a: 1, fraud: score });
    expect(withField(' { } \n')).toBe(` { "fraud":${JSON.stringify(score)}}`);
  });

  it('replaces a field the event already has instead of writing it twice', () => {
    const encoded = withField('{"fraud":"old","a":1}');
    expect(encoded.match(/"fraud":/g)).toHaveLength(1);
    expect(JSON.parse(encoded)).toEqual({ fraud: score, a: 1 });
  });

  it('escapes the field name', () => {
    expect(JSON.parse(withField('{"a":1}', 'we"ird', 2))).toEqual({ a: 1, 'we"ird': 2 });
  });

  it('rejects what is not a JSON object', () => {
    expect(() => codec.decode(Buffer.from('[1]'))).toThrow('expected a JSON object, got an array');
    expect(() => codec.decode(Buffer.from('{"a":'))).toThrow();
  });
});

describe('JSON codec: what downstream JSON consumers could not read back', () => {
  it('rejects invalid UTF-8 instead of passing the bytes on', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    expect(() => codec.decode(bytes)).toThrow('value is not valid UTF-8');
  });

  it(`accepts ${MAX_JSON_NESTING_DEPTH} levels of nesting and refuses one more`, () => {
    const nested = (levels: number) =>
      Buffer.from(`{"a":${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}}`);
    expect(codec.decode(nested(MAX_JSON_NESTING_DEPTH))).toHaveProperty('a');
    expect(() => codec.decode(nested(MAX_JSON_NESTING_DEPTH + 1))).toThrow(
      `nesting deeper than ${MAX_JSON_NESTING_DEPTH} levels (at byte ${MAX_JSON_NESTING_DEPTH + 4})`,
    );
  });

  it('refuses 100k-deep nesting without overflowing the stack', () => {
    const deep = Buffer.from(`{"a":${'{"b":'.repeat(100_000)}1${'}'.repeat(100_001)}`);
    expect(() => codec.decode(deep)).toThrow(/nesting deeper than/);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = `{"s":"${'[{'.repeat(200)}\\"${'['.repeat(200)}"}`;
    expect(codec.decode(Buffer.from(text))).toHaveProperty('s');
  });
});
