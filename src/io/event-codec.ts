/**
 * How event bytes become objects and back. JSON today; Avro with a schema registry plugs in
 * behind the same interface.
 *
 * Decode admits only what every JSON consumer downstream can read back: valid UTF-8 (Node
 * would silently turn bad bytes into U+FFFD, and the source bytes are what goes out) and at
 * most `MAX_JSON_NESTING_DEPTH` levels of nesting (Python's json module gives up near 1,000,
 * and `JSON.stringify` overflows the stack long before 100k).
 */
import { isUtf8 } from 'node:buffer';

/** Objects and arrays nested deeper than this are refused at decode. */
export const MAX_JSON_NESTING_DEPTH = 64;

export interface EventCodec {
  readonly format: string;
  /** Throws on bytes that are not a valid event; the message says why. */
  decode(bytes: Buffer): unknown;
  /**
   * Encodes the event decoded from `source` with one top-level field set to `value`. When the
   * event already has that field, `decoded` must be the decoded event (it is encoded whole with
   * the field replaced); otherwise `value` is added to the source bytes as they are.
   */
  encodeWithField(
    source: Buffer,
    decoded: Record<string, unknown> | undefined,
    field: string,
    value: unknown,
  ): Buffer;
}

const CLOSE_BRACE = 0x7d;
const OPEN_BRACE = 0x7b;

export function createJsonCodec(): EventCodec {
  const encode = (event: unknown) => Buffer.from(JSON.stringify(event), 'utf8');
  const decode = (bytes: Buffer): Record<string, unknown> => {
    if (!isUtf8(bytes)) throw new Error('value is not valid UTF-8');
    const depth = nestingDepthOver(bytes, MAX_JSON_NESTING_DEPTH);
    if (depth !== undefined) {
      throw new Error(
        `nesting deeper than ${MAX_JSON_NESTING_DEPTH} levels (at byte ${depth.atByte})`,
      );
    }
    const event: unknown = JSON.parse(bytes.toString('utf8'));
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw new Error(
        `expected a JSON object, got ${Array.isArray(event) ? 'an array' : typeof event}`,
      );
    }
    return event as Record<string, unknown>;
  };
  return {
    format: 'json',
    decode,
    encodeWithField(source, decoded, field, value) {
      // Re-serialising the whole event costs more than everything else we do to it; the
      // source bytes already are the event, so the field is appended before the closing brace.
      // A field the event already has must be replaced, not duplicated: encode it whole then.
      if (decoded !== undefined) return encode({ ...decoded, [field]: value });
      const close = lastNonSpace(source, source.length - 1);
      if (source[close] !== CLOSE_BRACE) return encode({ ...decode(source), [field]: value });
      const empty = source[lastNonSpace(source, close - 1)] === OPEN_BRACE;
      const member = `${empty ? '' : ','}${JSON.stringify(field)}:${JSON.stringify(value)}}`;
      return Buffer.concat([source.subarray(0, close), Buffer.from(member, 'utf8')]);
    },
  };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Where the bytes first nest objects and arrays deeper than `limit`, outside strings; undefined
 * when they never do. One pass over the bytes, cheaper than walking the parsed event.
 */
function nestingDepthOver(bytes: Buffer, limit: number): { atByte: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return { atByte: index };
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return undefined;
}

/** Index of the last byte at or before `from` that is not JSON whitespace (-1 if none). */
function lastNonSpace(bytes: Buffer, from: number): number {
  let index = from;
  while (index >= 0) {
    const byte = bytes[index];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    index--;
  }
  return index;
}
