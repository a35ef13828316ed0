import { inspect } from 'node:util';

/**
 * A value that must never reach a log line: JSON, string conversion and `util.inspect` all show
 * `[redacted]`. Only the Kafka client factory calls `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}
