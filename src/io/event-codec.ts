/**
 * How event bytes become objects and back. JSON today; Avro with a schema registry plugs in
 * behind the same interface.
 */

export interface EventCodec {
  readonly format: string;
  /** Throws on bytes that are not a valid event; the message says why. */
  decode(bytes: Buffer): unknown;
  encode(event: unknown): Buffer;
}

export function createJsonCodec(): EventCodec {
  return {
    format: 'json',
    decode(bytes) {
      const event: unknown = JSON.parse(bytes.toString('utf8'));
      if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new Error(
          `expected a JSON object, got ${Array.isArray(event) ? 'an array' : typeof event}`,
        );
      }
      return event;
    },
    encode(event) {
      return Buffer.from(JSON.stringify(event), 'utf8');
    },
  };
}
