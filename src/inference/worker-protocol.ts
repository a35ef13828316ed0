import type { ExecutionProvider } from '../topology/index.js';
import type { ModelOutputs } from './model-session.js';

/** Messages from the pool to a session worker. */
export type WorkerRequest =
  | {
      readonly type: 'run';
      readonly id: number;
      readonly rows: ArrayBuffer;
      readonly runSize: number;
    }
  | { readonly type: 'release' };

/** Messages from a session worker to the pool. The rows buffer always comes back. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly provider: ExecutionProvider }
  | { readonly type: 'failed'; readonly message: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly outputs: ModelOutputs;
      readonly rows: ArrayBuffer;
    }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly message: string;
      readonly rows: ArrayBuffer;
    };
