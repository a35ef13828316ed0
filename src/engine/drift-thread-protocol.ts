import type { DriftPageSource } from '../drift/index.js';
import type { TopologyForThread } from '../topology/index.js';
import type { ThreadLogSetup } from './part-thread-protocol.js';

/** What the drift thread starts from. */
export interface DriftThreadData extends ThreadLogSetup {
  readonly topology: TopologyForThread;
}

/** `httpPort`: where the service's admin server listens (alerts link to its /drift page). */
export interface DriftThreadStart {
  readonly httpPort: number;
}

export type DriftQuestion = 'view' | 'metrics';

export type DriftAnswer =
  | { readonly type: 'view'; readonly source: DriftPageSource | undefined }
  | { readonly type: 'metrics'; readonly text: string };
