/**
 * How event bytes become objects and back. JSON today; Avro with a schema registry plugs in
 * behind the same interface.
 */

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
