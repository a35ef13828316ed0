/**
 * Sliding evaluations (docs/drift.md "Evaluation"): on each round of the schedule, for each
 * evaluation due (fast: 1 h every 5 min; slow: 24 h every hour, by default), merge the window's
 * histograms, build the report and verdicts with the offline code, and feed the alert state
 * machine. Then, once per round and model: group the news into notifications (at most one per
 * round), ask the retrain policy, and hand the whole outcome to the sinks.
 *
 * Sinks take the outcome synchronously and deliver it in the background, so a slow webhook or
 * an unreachable alert topic never delays an evaluation, let alone scoring. Times come from
 * the round (`tickMs`), never from the wall clock, so a round is a pure function of the counts
 * and of the rounds before it.
 */
import { createHash } from 'node:crypto';
import type { DriftAlertMetrics, Logger } from '../../observability/index.js';
import { alertObservations } from './alert-observations.js';
import {
  createAlertStateMachine,
  type AlertChange,
  type AlertIdentity,
  type AlertPolicy,
  type AlertStatus,
  type DriftAlert,
  type EvaluationScope,
  type EvaluationWindow,
} from './alert-state-machine.js';
import { EMPTY_DRIFT_HISTORY, type DriftHistory } from './drift-history.js';
import { createNotificationGrouper, type DriftNotification } from './drift-notification.js';
import { driftReportFromHistograms, type DriftReport } from '../report/index.js';
import {
  createFeatureHistogram,
  type DriftThresholds,
  type FeatureHistogram,
} from '../statistics/index.js';
import {
  createEvaluationSchedule,
  dueScopes,
  SYSTEM_CLOCK,
  type DriftClock,
  type EvaluationSettings,
} from './evaluation-schedule.js';
import { formatReferenceProfile, type ReferenceProfile } from '../reference/index.js';
import {
  createRetrainPolicy,
  type RetrainPolicyOptions,
  type RetrainRequest,
} from './retrain-request.js';

/** Where the evaluator reads live counts: what the drift consumer keeps per tumbling window. */
export interface WindowHistogramSource {
  /**
   * The histograms of the tumbling windows that start in [fromMs, toMs), merged, keyed by
   * subject name. A subject without events may be left out.
   */
  read(fromMs: number, toMs: number): Promise<ReadonlyMap<string, FeatureHistogram>>;
}

/** One evaluation of one scope in a round. */
export interface ScopeEvaluation {
  readonly window: EvaluationWindow;
  readonly report: DriftReport;
  /** The alert state of every (subject, check) the report judged. */
  readonly statuses: readonly AlertStatus[];
}

/** Everything one round produced, for the sinks. Times are epoch milliseconds. */
export interface DriftOutcome {
  readonly identity: AlertIdentity;
  readonly tickMs: number;
  readonly evaluations: readonly ScopeEvaluation[];
  /** Alerts whose state or level changed in this round, or with news for a person. */
  readonly changes: readonly AlertChange[];
  /** Every alert not at OK after the round, worst first. */
  readonly alerts: readonly DriftAlert[];
  readonly notification: DriftNotification | null;
  readonly retrainRequests: readonly RetrainRequest[];
}

/** Publishes outcomes: the alert topic, a webhook, the Prometheus gauges. */
export interface DriftOutcomeSink {
  /** Must return at once: queue the work and deliver it in the background. */
  deliver(outcome: DriftOutcome): void;
}

export interface DriftEvaluatorOptions {
  readonly profile: ReferenceProfile;
  readonly identity: AlertIdentity;
  readonly source: WindowHistogramSource;
  readonly settings: EvaluationSettings;
  readonly thresholds: DriftThresholds;
  readonly policy: AlertPolicy;
  readonly retrain: Omit<RetrainPolicyOptions, 'identity'>;
  /** The drift report page (`<admin base URL>/drift`). */
  readonly reportUrl: string;
  readonly sinks: readonly DriftOutcomeSink[];
  readonly metrics: DriftAlertMetrics;
  readonly logger: Logger;
  readonly clock?: DriftClock;
  /** How long after its tick a round runs, so that late counts are in (default 0). */
  readonly settleMs?: number;
  /** What earlier evaluators of the identity left on the drift topics, to carry on from. */
  readonly history?: DriftHistory;
}

/** The last evaluation of each scope and the alerts now: what the report page shows. */
export interface DriftSnapshot {
  readonly fast: ScopeEvaluation | null;
  readonly slow: ScopeEvaluation | null;
  readonly alerts: readonly DriftAlert[];
}

export interface DriftEvaluator {
  /** Runs rounds on the schedule until stopped. */
  start(): void;
  /** Stops the schedule; resolves once a running round has finished. */
  stop(): Promise<void>;
  /** Runs the round of `tickMs` (a multiple of the fast interval) now. */
  evaluate(tickMs: number): Promise<DriftOutcome>;
  latest(): DriftSnapshot;
}

export function createDriftEvaluator(options: DriftEvaluatorOptions): DriftEvaluator {
  const { profile, identity, source, settings, thresholds, metrics } = options;
  const log = options.logger.child({ stage: 'drift-evaluator', model: identity.model });
  const history = options.history ?? EMPTY_DRIFT_HISTORY;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const machine = createAlertStateMachine({
    identity,
    policy: options.policy,
    reportUrl: options.reportUrl,
    restored: history.alerts,
  });
  const notifications = createNotificationGrouper({
    identity,
    grouping: options.policy,
    reportUrl: options.reportUrl,
    restored: { alerts: history.alerts, atMs: clock.now() },
  });
  const retrain = createRetrainPolicy({
    ...options.retrain,
    identity,
    restored: history.retrainRequests,
  });
  const latest: Record<EvaluationScope, ScopeEvaluation | null> = { fast: null, slow: null };

  const evaluateScope = async (
    scope: EvaluationScope,
    tickMs: number,
  ): Promise<{ evaluation: ScopeEvaluation; changes: AlertChange[] } | undefined> => {
    const window: EvaluationWindow = {
      scope,
      fromMs: tickMs - settings[scope].windowMs,
      toMs: tickMs,
    };
    let histograms: ReadonlyMap<string, FeatureHistogram>;
    try {
      histograms = await source.read(window.fromMs, window.toMs);
    } catch (error) {
      metrics.evaluations.inc({ model: identity.model, scope, outcome: 'failed' });
      log.error(
        { err: error, scope, window },
        'drift evaluation skipped: window counts unreadable',
      );
      return undefined;
    }
    const report = driftReportFromHistograms(profile, completeHistograms(profile, histograms), {
      thresholds,
    });
    const { changes, statuses } = machine.observe(window, tickMs, alertObservations(report));
    metrics.evaluations.inc({ model: identity.model, scope, outcome: 'ok' });
    const evaluation = { window, report, statuses };
    latest[scope] = evaluation;
    return { evaluation, changes };
  };

  const evaluate = async (tickMs: number): Promise<DriftOutcome> => {
    const evaluations: ScopeEvaluation[] = [];
    const changes: AlertChange[] = [];
    for (const scope of dueScopes(tickMs, settings)) {
      const result = await evaluateScope(scope, tickMs);
      if (result === undefined) continue;
      evaluations.push(result.evaluation);
      changes.push(...result.changes);
    }
    const alerts = machine.alerts();
    const request = retrain.consider(alerts, tickMs);
    const outcome: DriftOutcome = {
      identity,
      tickMs,
      evaluations,
      changes,
      alerts,
      notification: notifications.add(tickMs, changes, alerts),
      retrainRequests: request === null ? [] : [request],
    };
    if (outcome.notification !== null) {
      log.warn({ notification: outcome.notification.title }, 'drift alert notification');
    }
    if (request !== null) {
      log.warn(
        { rule: request.rule, idempotencyKey: request.idempotencyKey },
        'retraining requested',
      );
    }
    for (const sink of options.sinks) {
      try {
        sink.deliver(outcome);
      } catch (error) {
        log.error({ err: error }, 'a drift sink refused an outcome');
      }
    }
    return outcome;
  };

  const schedule = createEvaluationSchedule({
    everyMs: settings.fast.everyMs,
    settleMs: options.settleMs ?? 0,
    clock,
    run: async (tickMs) => {
      await evaluate(tickMs).catch((error: unknown) => {
        log.error({ err: error, tickMs }, 'drift evaluation round failed');
      });
    },
    onSkipped: (skipped, tickMs) =>
      log.warn({ skipped, tickMs }, 'drift evaluation rounds skipped: a round overran'),
  });

  return {
    start: () => schedule.start(),
    stop: () => schedule.stop(),
    evaluate,
    latest: () => ({ fast: latest.fast, slow: latest.slow, alerts: machine.alerts() }),
  };
}

/**
 * A short id of a reference profile: the hash of its serialised form, so alerts and retraining
 * requests name the exact reference they were judged against.
 */
export function referenceProfileId(profile: ReferenceProfile): string {
  return createHash('sha256').update(formatReferenceProfile(profile)).digest('hex').slice(0, 16);
}

/** The source's histograms plus an empty one for every profiled subject it left out. */
function completeHistograms(
  profile: ReferenceProfile,
  histograms: ReadonlyMap<string, FeatureHistogram>,
): Map<string, FeatureHistogram> {
  return new Map(
    profile.subjects.map((subject) => [
      subject.name,
      histograms.get(subject.name) ?? createFeatureHistogram(subject.binning),
    ]),
  );
}
