import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ResponseError,
} from '@platformatic/kafka';
import {
  isBrokerUnreachable,
  isKafkaErrorFinal,
  isRecordTooLarge,
  kafkaErrorSummary,
} from '../../../../src/io/kafka/kafka-errors.js';

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

describe('@platformatic/kafka errors', () => {
  // What its producer rejects with when the broker refuses a record: a response error per
  // topic-partition, gathered in an aggregate.
  const refusedAs = (code: number) =>
    new MultipleErrors('Producing failed.', [
      new ResponseError(0, 11, { '/responses/0/partitionResponses/0': [code, null] }, {}),
    ]);

  it('reads MESSAGE_TOO_LARGE and RECORD_LIST_TOO_LARGE inside an aggregate as records too large', () => {
    expect(isRecordTooLarge(refusedAs(10))).toBe(true);
    expect(isRecordTooLarge(refusedAs(18))).toBe(true);
    expect(isRecordTooLarge(refusedAs(6))).toBe(false);
  });

  it('treats refused credentials as final and a lost connection as a broker out of reach', () => {
    const refused = new AuthenticationError('SASL authentication failed.');
    expect(isKafkaErrorFinal(new MultipleErrors('Connecting failed.', [refused]))).toBe(true);
    const lost = new NetworkError('Connection to 127.0.0.1:1 failed.');
    expect(isKafkaErrorFinal(lost)).toBe(false);
    expect(isBrokerUnreachable(new MultipleErrors('Fetching failed.', [lost]))).toBe(true);
    expect(isBrokerUnreachable(refusedAs(6))).toBe(false);
    expect(kafkaErrorSummary(new MultipleErrors('Fetching failed.', [lost]))).toBe(
      'PLT_KFK_NETWORK: Connection to 127.0.0.1:1 failed.',
    );
  });
});
