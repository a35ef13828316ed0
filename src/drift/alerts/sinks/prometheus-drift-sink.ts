/**
 * The Prometheus side of the alerts: after every evaluation, the statistics of each subject and
 * the state of each alert as gauges (labels model, version, feature, scope), plus counters of
 * notifications and retraining requests. A statistic that could not be computed (a
 * categorical KS D, an empty window) has its series removed rather than set to a stale value.
 */
import { ALERT_STATE_VALUE, type DriftAlertMetrics } from '../../../observability/index.js';
import type { DriftOutcome, DriftOutcomeSink } from '../drift-evaluator.js';
import type { DriftReportStatistics } from '../../report/index.js';

type StatisticGauge = 'psi' | 'jensenShannon' | 'ksD' | 'chiSquareP' | 'wasserstein';

const STATISTICS: readonly [StatisticGauge, (s: DriftReportStatistics) => number | null][] = [
  ['psi', (s) => s.psi],
  ['jensenShannon', (s) => s.jensenShannon],
  ['ksD', (s) => s.ksD],
  ['chiSquareP', (s) => s.chiSquare?.pValue ?? null],
  ['wasserstein', (s) => s.wassersteinNormalised],
];

export interface PrometheusDriftSink extends DriftOutcomeSink {
  /**
   * Removes every series of the statistic and alert-state gauges: a process that stops
   * evaluating must not go on exporting its last values as if they were current.
   */
  clear(): void;
}

export function createPrometheusDriftSink(metrics: DriftAlertMetrics): PrometheusDriftSink {
  return {
    deliver(outcome: DriftOutcome) {
      const model = outcome.identity.model;
      const version = String(outcome.identity.version);
      for (const { window, report, statuses } of outcome.evaluations) {
        const scope = window.scope;
        for (const subject of report.subjects) {
          const labels = { model, version, feature: subject.name, scope };
          for (const [gauge, read] of STATISTICS) {
            const value = read(subject.statistics);
            if (value === null) metrics[gauge].remove(labels);
            else metrics[gauge].set(labels, value);
          }
          metrics.windowSamples.set(labels, subject.current.events);
        }
        for (const status of statuses) {
          metrics.alertState.set(
            { model, version, feature: status.subject, scope, check: status.check },
            ALERT_STATE_VALUE[status.state],
          );
        }
      }
      if (outcome.notification !== null) {
        metrics.notifications.inc({ model, status: outcome.notification.status });
      }
      for (const request of outcome.retrainRequests) {
        metrics.retrainRequests.inc({ model, rule: request.rule });
      }
    },
    clear() {
      for (const [gauge] of STATISTICS) metrics[gauge].reset();
      metrics.windowSamples.reset();
      metrics.alertState.reset();
    },
  };
}
