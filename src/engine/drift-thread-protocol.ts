import type { DriftPageSource } from '../drift/index.js';
import type { ErrorCode, ErrorContext } from '../errors.js';
import type { NotReady } from '../observability/index.js';
import type { TopologyForThread } from '../topology/index.js';

/** What the drift thread starts from. */
export interface DriftThreadData {
  readonly topology: TopologyForThread;
  readonly logLevel: string;
  /** The bindings of the scoring process's logger (topology name...), so both log alike. */
  readonly logBindings: Record<string, unknown>;
}

/** Messages from the scoring process to its drift thread. */
export type DriftThreadRequest =
  | { readonly type: 'start'; readonly httpPort: number }
  | { readonly type: 'stop'; readonly deadlineMs: number }
  | { readonly type: 'view'; readonly id: number }
  | { readonly type: 'metrics'; readonly id: number };

/** An error as it crosses the thread boundary: a StreamscoreError keeps its code and context. */
export type ThreadError =
  | { readonly message: string; readonly code?: undefined }
  | {
      readonly message: string;
      readonly code: ErrorCode;
      readonly retriable: boolean;
      readonly context: ErrorContext;
    };

/** Messages from the drift thread. `status` comes whenever its readiness changes. */
export type DriftThreadReply =
  | { readonly type: 'started' }
  | { readonly type: 'start-failed'; readonly error: ThreadError }
  | { readonly type: 'stopped'; readonly error?: ThreadError }
  | { readonly type: 'status'; readonly notReady: NotReady | undefined }
  | { readonly type: 'view'; readonly id: number; readonly source: DriftPageSource | undefined }
  | { readonly type: 'metrics'; readonly id: number; readonly text: string }
  | { readonly type: 'metrics-failed'; readonly id: number; readonly error: ThreadError };
