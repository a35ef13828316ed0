/**
 * The messages between the service and a part it runs in a worker thread (the drift side
 * stream, a scoring pipeline): one shape for every part, typed by what the part starts with,
 * what it answers, and what its stop reports.
 */
import {
  isStreamscoreError,
  StreamscoreError,
  type ErrorCode,
  type ErrorContext,
} from '../errors.js';
import type { NotReady } from '../observability/index.js';

/** What every part thread starts from besides its own data: logging like the service. */
export interface ThreadLogSetup {
  readonly logLevel: string;
  /** The bindings of the service's logger (topology name...), so that all threads log alike. */
  readonly logBindings: Record<string, unknown>;
}

/** Messages from the service to a part thread. */
export type PartThreadRequest<Start, Question> =
  | { readonly type: 'start'; readonly request: Start }
  | { readonly type: 'stop'; readonly deadlineMs: number }
  | { readonly type: 'ask'; readonly id: number; readonly question: Question };

/**
 * Messages from a part thread. `status` comes whenever its readiness changes; `failed` when
 * the part cannot go on after it started.
 */
export type PartThreadReply<Stopped, Answer> =
  | { readonly type: 'started' }
  | { readonly type: 'start-failed'; readonly error: ThreadError }
  | { readonly type: 'stopped'; readonly result?: Stopped; readonly error?: ThreadError }
  | { readonly type: 'status'; readonly notReady: NotReady | undefined }
  | { readonly type: 'failed'; readonly error: ThreadError }
  | { readonly type: 'answer'; readonly id: number; readonly answer: Answer }
  | { readonly type: 'answer-failed'; readonly id: number; readonly error: ThreadError };

/** An error as it crosses the thread boundary: a StreamscoreError keeps its code and context. */
export type ThreadError =
  | { readonly message: string; readonly code?: undefined }
  | {
      readonly message: string;
      readonly code: ErrorCode;
      readonly retriable: boolean;
      readonly context: ErrorContext;
    };

export function toThreadError(error: unknown): ThreadError {
  if (isStreamscoreError(error)) {
    const { message, code, retriable, context } = error;
    return { message, code, retriable, context };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function fromThreadError(error: ThreadError): Error {
  if (error.code === undefined) return new Error(error.message);
  const { message, code, retriable, context } = error;
  return new StreamscoreError(code, message, { retriable, context });
}
