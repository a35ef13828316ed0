/**
 * What a failed Kafka call means for the caller, read from the whole chain of errors: kafkajs
 * wraps broker answers in retry errors (`originalError`, `cause`); @platformatic/kafka gathers
 * them in aggregate errors (`errors`) of protocol errors that name the answer in `apiId`.
 */

interface ErrorLike {
  readonly type?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown;
  readonly apiId?: unknown;
  readonly code?: unknown;
}

/** The error, then what it wraps, depth first (an aggregate's errors before its cause). */
function* errorChain(error: unknown, depth = 0): Generator<ErrorLike> {
  if (depth >= 8 || typeof error !== 'object' || error === null) return;
  const link = error as ErrorLike;
  yield link;
  if (Array.isArray(link.errors)) {
    for (const inner of link.errors as unknown[]) yield* errorChain(inner, depth + 1);
  }
  yield* errorChain(link.originalError ?? link.cause, depth + 1);
}

/**
 * The broker refused records as too large for the topic (`MESSAGE_TOO_LARGE`) or the request
 * as too large (`RECORD_LIST_TOO_LARGE`): sending the same records again can never succeed.
 */
export function isRecordTooLarge(error: unknown): boolean {
  for (const link of errorChain(error)) {
    const answer = link.type ?? link.apiId;
    if (answer === 'MESSAGE_TOO_LARGE' || answer === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}

/**
 * Trying again cannot help: refused credentials (@platformatic/kafka's authentication error),
 * or an innermost error kafkajs marks not retriable; unlike a refused or timed-out connection.
 */
export function isKafkaErrorFinal(error: unknown): boolean {
  let innermost: ErrorLike | undefined;
  for (const link of errorChain(error)) {
    if (link.code === 'PLT_KFK_AUTHENTICATION') return true;
    innermost = link;
  }
  if (innermost === undefined) return false;
  const retriable = (innermost as { retriable?: unknown }).retriable;
  return retriable === false;
}

/** No broker could be reached or answered in time (a connection refused, reset or timed out). */
export function isBrokerUnreachable(error: unknown): boolean {
  for (const link of errorChain(error)) {
    if (link.code === 'PLT_KFK_NETWORK' || link.name === 'KafkaJSConnectionError') return true;
  }
  return false;
}

/** One line for logs and readiness: the innermost message, which names the broker's answer. */
export function kafkaErrorSummary(error: unknown): string {
  let summary = String(error);
  for (const link of errorChain(error)) {
    if (typeof link.message === 'string' && link.message.length > 0) {
      // @platformatic/kafka's errors are all named Error; their code says which kind it is.
      const kind = link.name === 'Error' && typeof link.code === 'string' ? link.code : link.name;
      summary = `${typeof kind === 'string' ? `${kind}: ` : ''}${link.message}`;
    }
  }
  return summary;
}
