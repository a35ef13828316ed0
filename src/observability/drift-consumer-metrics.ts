import { Counter, type Registry } from 'prom-client';

/**
 * The drift consumer's Prometheus metrics: what it counted, what it skipped, how its updates
 * of the shared window counts went, and how often the store failed it. Labels stay
 * low-cardinality.
 */
export interface DriftConsumerMetrics {
  readonly eventsCounted: Counter<'topology'>;
  readonly recordsSkipped: Counter<'topology' | 'reason'>;
  readonly updates: Counter<'topology' | 'outcome'>;
  readonly storeFailures: Counter<'topology' | 'operation'>;
}

export function createDriftConsumerMetrics(registry: Registry): DriftConsumerMetrics {
  const registers = [registry];
  return {
    eventsCounted: new Counter({
      name: 'streamscore_drift_events_counted_total',
      help: 'Scored events added to the drift window counts.',
      labelNames: ['topology'],
      registers,
    }),
    recordsSkipped: new Counter({
      name: 'streamscore_drift_records_skipped_total',
      help:
        'Scored-topic records the drift consumer did not count: `invalid` (no value, not JSON, not written by streamscore), ' +
        '`other-model` (scored by a model version the reference profile is not for, e.g. during a rollout), ' +
        '`already-counted` (re-read after a restart or rebalance; the shared counts hold them already).',
      labelNames: ['topology', 'reason'],
      registers,
    }),
    updates: new Counter({
      name: 'streamscore_drift_count_updates_total',
      help:
        'Flushes of one partition’s counts to the shared store, by outcome: `applied`; `replayed` or `overlap` ' +
        '(another consumer had counted those records: this one re-reads from there, nothing is counted twice); ' +
        '`failed` (store unreachable: kept and retried with the next flush).',
      labelNames: ['topology', 'outcome'],
      registers,
    }),
    storeFailures: new Counter({
      name: 'streamscore_drift_store_failures_total',
      help:
        'Calls to the drift window count store (Redis) that failed or timed out, by operation: `read-fence` ' +
        '(where a partition’s counting resumes), `add-counts` (a flush; kept and retried, nothing is lost), ' +
        '`read-windows` (the evaluator’s read; that round is skipped). A steady rise means drift is not ' +
        'counting: check Redis, and the drift readiness check (`store-unreachable`).',
      labelNames: ['topology', 'operation'],
      registers,
    }),
  };
}
