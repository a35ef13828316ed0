/**
 * What a failed Kafka call means for the caller: kafkajs wraps broker answers in retry errors
 * (`originalError`, `cause`), so the meaning is read from the whole chain.
 */

interface ErrorLike {
  readonly type?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

function* errorChain(error: unknown): Generator<ErrorLike> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const link = current as ErrorLike;
    yield link;
    current = link.originalError ?? link.cause;
  }
}

/**
 * The broker refused records as too large for the topic (`MESSAGE_TOO_LARGE`) or the request
 * as too large (`RECORD_LIST_TOO_LARGE`): sending the same records again can never succeed.
 */
export function isRecordTooLarge(error: unknown): boolean {
  for (const link of errorChain(error)) {
    if (link.type === 'MESSAGE_TOO_LARGE' || link.type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}

/**
 * Trying again cannot help: the innermost error is marked not retriable (refused SASL
 * credentials are), unlike a refused or timed-out connection.
 */
export function isKafkaErrorFinal(error: unknown): boolean {
  let innermost: ErrorLike | undefined;
  for (const link of errorChain(error)) innermost = link;
  if (innermost === undefined) return false;
  const retriable = (innermost as { retriable?: unknown }).retriable;
  return retriable === false;
}

/** One line for logs and readiness: the innermost message, which names the broker's answer. */
export function kafkaErrorSummary(error: unknown): string {
  let summary = String(error);
  for (const link of errorChain(error)) {
    if (typeof link.message === 'string' && link.message.length > 0) {
      summary = `${typeof link.name === 'string' ? `${link.name}: ` : ''}${link.message}`;
    }
  }
  return summary;
}
