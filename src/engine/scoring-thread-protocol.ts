import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { TopologyForThread } from '../topology/index.js';
import type { ThreadLogSetup } from './part-thread-protocol.js';

/** What a scoring thread starts from. */
export interface ScoringThreadData extends ThreadLogSetup {
  readonly topology: TopologyForThread;
  /** Which of the process's pipelines this is, from 0 (in its log lines). */
  readonly pipeline: number;
}

/**
 * A scoring thread's start prepares its pipeline; `join` then joins the input group (every
 * pipeline of the process prepares first, so that they join in one round).
 */
export type ScoringQuestion = 'join' | 'metrics';

export type ScoringAnswer =
  | { readonly type: 'joined' }
  /** The thread's registry as prom-client's JSON, for AggregatorRegistry.aggregate. */
  | { readonly type: 'metrics'; readonly metrics: MetricObjectWithValues<MetricValue<string>>[] };
