import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isKafkaErrorFinal, kafkaErrorSummary } from '../../../../src/io/kafka/kafka-errors.js';

/** What kafkajs's retrier throws when it gives up: the last error as the cause. */
function gaveUpOn(error: Error): Error {
  return Object.assign(new KafkaJSNonRetriableError(error), { cause: error });
}

// kafkajs's typings leave out the message these take at run time.
const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

describe('isKafkaErrorFinal', () => {
  it('is false for a refused connection wrapped in a give-up error: the broker may come up', () => {
    const refused = new KafkaJSConnectionError(
      'Connection error: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(isKafkaErrorFinal(gaveUpOn(refused))).toBe(false);
    expect(kafkaErrorSummary(gaveUpOn(refused))).toBe(
      'KafkaJSConnectionError: Connection error: connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('is true for refused credentials: the same password fails again', () => {
    const refused = new SaslError('SASL PLAIN authentication failed');
    expect(isKafkaErrorFinal(gaveUpOn(refused))).toBe(true);
  });

  it('is true when the innermost error is not retriable, false for non-errors', () => {
    expect(isKafkaErrorFinal(Object.assign(new Error('unsupported'), { retriable: false }))).toBe(
      true,
    );
    expect(isKafkaErrorFinal(undefined)).toBe(false);
  });
});
