/**
 * The alert state machine of docs/alerts.md "Alert states". One alert per (model, version, reference,
 * scope, subject, check): `scope` is the evaluation (fast: the short sliding window; slow: the
 * long one), `subject` a feature, `__score__`, `__label__` or `__dataset__`, and `check` what is
 * measured — distribution drift, or one data-quality kind (their own alert class, which never
 * asks for retraining).
 *
 *   OK ──breach──► PENDING ──fireAfter of the last fireWindow fast evaluations breach──► FIRING
 *   OK ──one breaching slow evaluation──────────────────────────────────────────────────► FIRING
 *   PENDING ──no breach in the last fireWindow──► OK
 *   FIRING ──below resolveRatio × warning──► RESOLVING ──resolveAfter in a row──► OK
 *   RESOLVING ──breach──► FIRING
 *   any ──insufficient data──► INSUFFICIENT_DATA, which keeps the state it left and carries on
 *                              from it when data returns (the evaluation counts for nothing).
 *
 * The gap between the breach threshold and the resolve threshold (hysteresis) and the
 * k-of-n rule are what keep a stationary stream, whose statistics wander around their
 * threshold, from paging: a single noisy breach only reaches PENDING.
 *
 * Only alerts that have breached are tracked; an alert back at OK is forgotten (its history
 * holds no breach by then, so it equals a fresh one). Everything is a function of the
 * observations and their evaluation times: no clock, no I/O.
 */
import { createHash } from 'node:crypto';
import { driftPageLink, type DriftReportStatistics } from '../report/index.js';
import type {
  BreachLevel,
  DataQualityKind,
  DatasetVerdict,
  DriftLevel,
  SubjectSource,
} from '../statistics/index.js';

export type AlertState = 'OK' | 'PENDING' | 'FIRING' | 'RESOLVING' | 'INSUFFICIENT_DATA';
/** The states an alert can hold through a stretch of insufficient data. */
export type HeldAlertState = Exclude<AlertState, 'INSUFFICIENT_DATA'>;
export const EVALUATION_SCOPES = ['fast', 'slow'] as const;
export type EvaluationScope = (typeof EVALUATION_SCOPES)[number];
export type AlertCheck = 'drift' | DataQualityKind;
export type AlertClass = 'drift' | 'data_quality';
/** What a notification says about one alert. */
export type AlertEvent = 'firing' | 'reminder' | 'resolved';

/** The subject of dataset-level drift (the share of drifted features). */
export const DATASET_SUBJECT = '__dataset__';

export interface AlertPolicy {
  /** Breaching fast evaluations, among the last `fireWindow`, that fire an alert. */
  readonly fireAfter: number;
  readonly fireWindow: number;
  /** Consecutive evaluations below `resolveRatio` × warning that resolve a firing alert. */
  readonly resolveAfter: number;
  readonly resolveRatio: number;
  /** A firing alert is notified again after this long. */
  readonly repeatIntervalMs: number;
  /** How long the first news of a quiet model waits for more to join its notification. */
  readonly groupWaitMs: number;
  /** Least time between two notifications of a model while any of its alerts fires. */
  readonly groupIntervalMs: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = Object.freeze({
  fireAfter: 3,
  fireWindow: 4,
  resolveAfter: 6,
  resolveRatio: 0.8,
  repeatIntervalMs: 6 * 3_600_000,
  groupWaitMs: 600_000,
  groupIntervalMs: 1_800_000,
});

/** The model side of an alert's identity. */
export interface AlertIdentity {
  readonly model: string;
  readonly version: number;
  /** Identifies the reference profile (see `referenceProfileId`). */
  readonly reference: string;
}

export interface AlertKey extends AlertIdentity {
  readonly scope: EvaluationScope;
  readonly subject: string;
  readonly check: AlertCheck;
}

/** The sliding window one evaluation covered: [fromMs, toMs). */
export interface EvaluationWindow {
  readonly scope: EvaluationScope;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface AlertThresholds {
  readonly warning: number;
  readonly critical: number;
  /** Events a window needs before anything is judged. */
  readonly minEvents: number;
  /** Benjamini–Hochberg q (drift checks of subjects); null where no test is involved. */
  readonly falseDiscoveryRate: number | null;
}

/** What an alert shows besides its state: the numbers behind the last evaluation. */
export interface AlertEvidence {
  /** One line for a human: which rule decided, with the numbers. */
  readonly reason: string;
  readonly samples: { readonly reference: number; readonly current: number };
  /** Every statistic of the subject; null for dataset-level alerts. */
  readonly statistics: DriftReportStatistics | null;
  /** The dataset verdict; null for subject alerts. */
  readonly dataset: DatasetVerdict | null;
  readonly topUnseen: readonly { readonly value: string; readonly count: number }[];
}

/** What one evaluation says about one (subject, check). */
export interface AlertObservation {
  readonly subject: string;
  readonly source: SubjectSource | 'dataset';
  readonly check: AlertCheck;
  readonly level: DriftLevel;
  /** The measure compared with the thresholds (PSI, a data-quality share, the drifted share). */
  readonly value: number | null;
  readonly thresholds: AlertThresholds;
  readonly evidence: AlertEvidence;
}

/** A snapshot of one alert, as sinks publish it. Times are epoch milliseconds. */
export interface DriftAlert extends AlertKey {
  /** Stable across restarts and instances: the key of the compacted alert topic. */
  readonly fingerprint: string;
  readonly alertClass: AlertClass;
  readonly source: SubjectSource | 'dataset';
  readonly state: AlertState;
  /** The state of the latest transition's origin. */
  readonly previousState: AlertState;
  /** The state carried through insufficient data (equal to `state` otherwise). */
  readonly heldState: HeldAlertState;
  /** Level of the latest breach while the alert is active; null once resolved. */
  readonly level: BreachLevel | null;
  readonly value: number | null;
  readonly thresholds: AlertThresholds & { readonly resolveBelow: number };
  readonly window: EvaluationWindow;
  readonly evaluatedAtMs: number;
  readonly stateSinceMs: number;
  /** Breaching evaluations among the last `fireWindow` fast ones (fast scope only). */
  readonly recentBreaches: number;
  readonly firingSinceMs: number | null;
  /** Since when the alert has been FIRING at `critical` without a break. */
  readonly criticalSinceMs: number | null;
  /** The window of the evaluation that fired this episode. */
  readonly firstFiringWindow: EvaluationWindow | null;
  readonly evidence: AlertEvidence;
  readonly reportUrl: string;
}

/** An alert whose state or level changed, or that a notification mentions (`event`). */
export interface AlertChange {
  readonly alert: DriftAlert;
  readonly event: AlertEvent | null;
}

/** The state of every observed (subject, check), tracked or not: what the gauges show. */
export interface AlertStatus {
  readonly subject: string;
  readonly check: AlertCheck;
  readonly state: AlertState;
}

export interface AlertStateMachine {
  /** Feeds the observations of one evaluation, made at `evaluatedAtMs` over `window`. */
  observe(
    window: EvaluationWindow,
    evaluatedAtMs: number,
    observations: readonly AlertObservation[],
  ): { readonly changes: AlertChange[]; readonly statuses: AlertStatus[] };
  /** Every alert not at OK, worst first. */
  alerts(): DriftAlert[];
}

export interface AlertStateMachineOptions {
  readonly identity: AlertIdentity;
  readonly policy?: AlertPolicy;
  /** The drift report page alerts link to. */
  readonly reportUrl: string;
  /** The latest published snapshots of the identity's alerts, to carry on from (see drift-history). */
  readonly restored?: readonly DriftAlert[];
}

/** A stable id of an alert: the same key gives the same fingerprint in every process. */
export function alertFingerprint(key: AlertKey): string {
  const { model, version, reference, scope, subject, check } = key;
  return createHash('sha256')
    .update(JSON.stringify(['streamscore-alert', model, version, reference, scope, subject, check]))
    .digest('hex')
    .slice(0, 32);
}

export function alertClassOf(check: AlertCheck): AlertClass {
  return check === 'drift' ? 'drift' : 'data_quality';
}

interface TrackedAlert {
  readonly key: AlertKey;
  readonly fingerprint: string;
  state: AlertState;
  held: HeldAlertState;
  previousState: AlertState;
  stateSinceMs: number;
  /** Breach flags of the last `fireWindow` fast evaluations with data, oldest first. */
  readonly recent: boolean[];
  clearStreak: number;
  level: BreachLevel | null;
  firingSinceMs: number | null;
  criticalSinceMs: number | null;
  firstFiringWindow: EvaluationWindow | null;
  lastNotifiedMs: number | null;
  observation: AlertObservation;
  window: EvaluationWindow;
  evaluatedAtMs: number;
}

/** What one step did, beyond the state it left the alert in. */
interface Step {
  readonly fired: boolean;
  readonly resolved: boolean;
  /** The level changed while the state did not: news for the alert topic, not for a pager. */
  readonly levelChanged: boolean;
}

export function createAlertStateMachine(options: AlertStateMachineOptions): AlertStateMachine {
  const policy = options.policy ?? DEFAULT_ALERT_POLICY;
  const tracked = new Map<string, TrackedAlert>();
  for (const alert of options.restored ?? []) {
    if (alert.heldState !== 'OK') tracked.set(alert.fingerprint, restoredAlert(alert, policy));
  }

  const snapshot = (alert: TrackedAlert): DriftAlert => {
    const { key, observation } = alert;
    return {
      ...key,
      fingerprint: alert.fingerprint,
      alertClass: alertClassOf(key.check),
      source: observation.source,
      state: alert.state,
      previousState: alert.previousState,
      heldState: alert.held,
      level: alert.level,
      value: observation.value,
      thresholds: {
        ...observation.thresholds,
        resolveBelow: policy.resolveRatio * observation.thresholds.warning,
      },
      window: alert.window,
      evaluatedAtMs: alert.evaluatedAtMs,
      stateSinceMs: alert.stateSinceMs,
      recentBreaches: alert.recent.filter(Boolean).length,
      firingSinceMs: alert.firingSinceMs,
      criticalSinceMs: alert.criticalSinceMs,
      firstFiringWindow: alert.firstFiringWindow,
      evidence: observation.evidence,
      reportUrl: driftPageLink(options.reportUrl, key.scope, key.subject),
    };
  };

  const moveTo = (alert: TrackedAlert, state: AlertState, atMs: number): void => {
    if (alert.state === state) return;
    alert.previousState = alert.state;
    alert.state = state;
    alert.stateSinceMs = atMs;
  };

  /** Advances one alert by one observation with data. */
  const step = (
    alert: TrackedAlert,
    observation: AlertObservation,
    window: EvaluationWindow,
    atMs: number,
  ): Step => {
    const breach = observation.level === 'warning' || observation.level === 'critical';
    const clear =
      observation.value !== null &&
      observation.value < policy.resolveRatio * observation.thresholds.warning;
    if (window.scope === 'fast') {
      alert.recent.push(breach);
      if (alert.recent.length > policy.fireWindow) alert.recent.shift();
    }
    const breaches = alert.recent.filter(Boolean).length;
    const levelBefore = alert.level;
    const from = alert.held;
    let next: HeldAlertState = from;
    switch (from) {
      case 'OK':
      case 'PENDING':
        if (breach && (window.scope === 'slow' || breaches >= policy.fireAfter)) next = 'FIRING';
        else if (breach) next = 'PENDING';
        else if (window.scope === 'slow' || breaches === 0) next = 'OK';
        break;
      case 'FIRING':
        if (clear) {
          alert.clearStreak = 1;
          next = policy.resolveAfter <= 1 ? 'OK' : 'RESOLVING';
        }
        break;
      case 'RESOLVING':
        if (breach) {
          alert.clearStreak = 0;
          next = 'FIRING';
        } else if (clear) {
          alert.clearStreak++;
          if (alert.clearStreak >= policy.resolveAfter) next = 'OK';
        } else {
          alert.clearStreak = 0;
        }
        break;
    }
    const fired = next === 'FIRING' && (from === 'OK' || from === 'PENDING');
    if (fired) {
      alert.firingSinceMs = atMs;
      alert.firstFiringWindow = window;
    }
    alert.level = nextLevel(alert.level, observation);
    if (next === 'OK') {
      alert.level = null;
      alert.firingSinceMs = null;
      alert.firstFiringWindow = null;
    }
    alert.criticalSinceMs =
      next === 'FIRING' && alert.level === 'critical' ? (alert.criticalSinceMs ?? atMs) : null;
    alert.held = next;
    moveTo(alert, next, atMs);
    return {
      fired,
      resolved: next === 'OK' && (from === 'FIRING' || from === 'RESOLVING'),
      levelChanged: alert.level !== levelBefore,
    };
  };

  /**
   * The level of the latest breach, with hysteresis: a critical alert steps down to warning
   * only on a warning breach below `resolveRatio` × critical, so a measure hovering at the
   * critical threshold neither flips the alert's level on every other evaluation nor keeps
   * restarting its time at critical (which retraining waits on). Evaluations without a
   * breach leave the level alone (resolution is the state's business).
   */
  const nextLevel = (
    level: BreachLevel | null,
    observation: AlertObservation,
  ): BreachLevel | null => {
    if (observation.level !== 'warning')
      return observation.level === 'critical' ? 'critical' : level;
    const { value, thresholds } = observation;
    const keepsCritical = value !== null && value >= policy.resolveRatio * thresholds.critical;
    return level === 'critical' && keepsCritical ? 'critical' : 'warning';
  };

  /**
   * What a person hears of this step: that the alert fired or resolved, or a reminder while
   * it fires (a level change is not paged; the reminders carry the level). The same (subject,
   * check) in the other scope covers an alert while it is active: its firing and resolution
   * are no news then, and reminders come from the fast one. The alert topic still records
   * every change.
   */
  const eventOf = (
    alert: TrackedAlert,
    stepped: Step | undefined,
    atMs: number,
  ): AlertEvent | null => {
    const sibling = tracked.get(
      alertFingerprint({ ...alert.key, scope: alert.key.scope === 'fast' ? 'slow' : 'fast' }),
    );
    const covered =
      sibling !== undefined && (sibling.held === 'FIRING' || sibling.held === 'RESOLVING');
    if (stepped?.fired) return covered ? null : 'firing';
    if (stepped?.resolved) return covered ? null : 'resolved';
    if (
      alert.state === 'FIRING' &&
      alert.lastNotifiedMs !== null &&
      atMs - alert.lastNotifiedMs >= policy.repeatIntervalMs &&
      !(covered && alert.key.scope === 'slow')
    ) {
      return 'reminder';
    }
    return null;
  };

  return {
    observe(window, evaluatedAtMs, observations) {
      const changes: AlertChange[] = [];
      const statuses: AlertStatus[] = [];
      for (const observation of observations) {
        const key: AlertKey = {
          ...options.identity,
          scope: window.scope,
          subject: observation.subject,
          check: observation.check,
        };
        const fingerprint = alertFingerprint(key);
        const insufficient = observation.level === 'insufficient_data';
        const breach = observation.level === 'warning' || observation.level === 'critical';
        let alert = tracked.get(fingerprint);
        if (alert === undefined) {
          if (!breach) {
            const state = insufficient ? 'INSUFFICIENT_DATA' : 'OK';
            statuses.push({ subject: observation.subject, check: observation.check, state });
            continue;
          }
          alert = {
            key,
            fingerprint,
            state: 'OK',
            held: 'OK',
            previousState: 'OK',
            stateSinceMs: evaluatedAtMs,
            recent: [],
            clearStreak: 0,
            level: null,
            firingSinceMs: null,
            criticalSinceMs: null,
            firstFiringWindow: null,
            lastNotifiedMs: null,
            observation,
            window,
            evaluatedAtMs,
          };
          tracked.set(fingerprint, alert);
        }
        const stateBefore = alert.state;
        alert.observation = observation;
        alert.window = window;
        alert.evaluatedAtMs = evaluatedAtMs;
        let stepped: Step | undefined;
        if (insufficient) moveTo(alert, 'INSUFFICIENT_DATA', evaluatedAtMs);
        else stepped = step(alert, observation, window, evaluatedAtMs);
        const event = eventOf(alert, stepped, evaluatedAtMs);
        // A covered firing counts as notified: its reminders start from here.
        if (event !== null || stepped?.fired) alert.lastNotifiedMs = evaluatedAtMs;
        if (event !== null || alert.state !== stateBefore || stepped?.levelChanged) {
          changes.push({ alert: snapshot(alert), event });
        }
        if (alert.state === 'OK') tracked.delete(fingerprint);
        statuses.push({
          subject: observation.subject,
          check: observation.check,
          state: alert.state,
        });
      }
      return { changes, statuses };
    },
    alerts() {
      return [...tracked.values()].map(snapshot).sort(compareAlertsWorstFirst);
    },
  };
}

/**
 * An alert carried on from its published snapshot. The snapshot says how many of the recent
 * fast evaluations breached but not in which order, so they count as the latest ones; the
 * streak of clear evaluations of a RESOLVING alert starts again; and an active alert counts as
 * notified when it was last published, so its reminders start from there.
 */
function restoredAlert(alert: DriftAlert, policy: AlertPolicy): TrackedAlert {
  const { model, version, reference, scope, subject, check } = alert;
  const { warning, critical, minEvents, falseDiscoveryRate } = alert.thresholds;
  const active = alert.heldState === 'FIRING' || alert.heldState === 'RESOLVING';
  return {
    key: { model, version, reference, scope, subject, check },
    fingerprint: alert.fingerprint,
    state: alert.state,
    held: alert.heldState,
    previousState: alert.previousState,
    stateSinceMs: alert.stateSinceMs,
    recent: Array.from(
      { length: scope === 'fast' ? Math.min(alert.recentBreaches, policy.fireWindow) : 0 },
      () => true,
    ),
    clearStreak: 0,
    level: alert.level,
    firingSinceMs: alert.firingSinceMs,
    criticalSinceMs: alert.criticalSinceMs,
    firstFiringWindow: alert.firstFiringWindow,
    lastNotifiedMs: active ? alert.evaluatedAtMs : null,
    observation: {
      subject,
      source: alert.source,
      check,
      level: alert.level ?? 'ok',
      value: alert.value,
      thresholds: { warning, critical, minEvents, falseDiscoveryRate },
      evidence: alert.evidence,
    },
    window: alert.window,
    evaluatedAtMs: alert.evaluatedAtMs,
  };
}

const STATE_URGENCY: Readonly<Record<AlertState, number>> = {
  FIRING: 4,
  RESOLVING: 3,
  PENDING: 2,
  INSUFFICIENT_DATA: 1,
  OK: 0,
};
const LEVEL_URGENCY = { critical: 2, warning: 1 } as const;

/**
 * How urgent an alert's state is for a person; through insufficient data an alert counts as
 * the state it holds.
 */
export function alertUrgency(alert: {
  readonly state: AlertState;
  readonly heldState: HeldAlertState;
}): number {
  return STATE_URGENCY[alert.state === 'INSUFFICIENT_DATA' ? alert.heldState : alert.state];
}

/**
 * Worst first: active before resolved, critical before warning, then by how far the measure
 * is past its critical threshold, then by subject (a stable order for equal alerts).
 */
export function compareAlertsWorstFirst(a: DriftAlert, b: DriftAlert): number {
  const level = (alert: DriftAlert) => (alert.level === null ? 0 : LEVEL_URGENCY[alert.level]);
  const severity = (alert: DriftAlert) =>
    alert.value === null ? -Infinity : alert.value / alert.thresholds.critical;
  return (
    alertUrgency(b) - alertUrgency(a) ||
    level(b) - level(a) ||
    severity(b) - severity(a) ||
    (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) ||
    (a.check < b.check ? -1 : a.check > b.check ? 1 : 0)
  );
}
