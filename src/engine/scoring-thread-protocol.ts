import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { TopologyForThread } from '../topology/index.js';
import type { ThreadLogSetup } from './part-thread-protocol.js';

/** What a scoring thread starts from. */
export interface ScoringThreadData extends ThreadLogSetup {
  readonly topology: TopologyForThread;
  /** Which of the process's pipelines this is, from 0 (in its log lines). */
  readonly pipeline: number;
}

/** The thread's registry as prom-client's JSON, for AggregatorRegistry.aggregate. */
export type ScoringThreadMetrics = MetricObjectWithValues<MetricValue<string>>[];
