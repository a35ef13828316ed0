/**
 * Notifications group per model, over time as well as within a round. Sliding windows make a
 * burst of drift cross the thresholds over several rounds (a large shift shows in the first
 * window that holds a little of it, a small one only when the window is mostly shifted), so
 * grouping one round alone would page once per round. As Alertmanager does: the first news of
 * a quiet model waits `groupWaitMs` for more to join, later news goes out at most every
 * `groupIntervalMs`, and each notification lists its alerts worst first. Alerts that only
 * changed state without news for a person (PENDING, RESOLVING, insufficient data, a level) are
 * not in it; the alert topic records them.
 */
import { createHash } from 'node:crypto';
import {
  compareAlertsWorstFirst,
  type AlertChange,
  type AlertEvent,
  type AlertIdentity,
  type AlertPolicy,
  type DriftAlert,
  type EvaluationWindow,
} from './alert-state-machine.js';

export const DRIFT_NOTIFICATION_FORMAT = 'streamscore-drift-notification';

export interface NotifiedAlert {
  readonly event: AlertEvent;
  readonly alert: DriftAlert;
}

export interface DriftNotification extends AlertIdentity {
  /** Derived from what it says: a receiver can drop a repeated delivery. */
  readonly id: string;
  /** `firing` while any alert of the model fires, `resolved` once none does. */
  readonly status: 'firing' | 'resolved';
  /** One line for a pager or a chat message. */
  readonly title: string;
  readonly evaluatedAtMs: number;
  /** Alerts of the model firing (or resolving) now, news or not. */
  readonly firingAlerts: number;
  readonly alerts: readonly NotifiedAlert[];
  readonly reportUrl: string;
}

export interface NotificationGrouper {
  /** Adds a round's changes; returns the notification due at `tickMs`, if any. */
  add(
    tickMs: number,
    changes: readonly AlertChange[],
    activeAlerts: readonly DriftAlert[],
  ): DriftNotification | null;
}

export function createNotificationGrouper(options: {
  readonly identity: AlertIdentity;
  readonly grouping: Pick<AlertPolicy, 'groupWaitMs' | 'groupIntervalMs'>;
  readonly reportUrl: string;
  /**
   * Alerts carried on from an earlier evaluator (see drift-history), at `atMs`. One that fired
   * longer than the group wait ago was announced by it; one that fired within the wait may
   * not have been, and is news again, due when its group wait ends.
   */
  readonly restored?: { readonly alerts: readonly DriftAlert[]; readonly atMs: number };
}): NotificationGrouper {
  const { identity, grouping, reportUrl } = options;
  /** The latest news per alert fingerprint, not sent yet. */
  const pending = new Map<string, NotifiedAlert>();
  /** (subject, check) pairs a person was told are firing, and not yet that they resolved. */
  const announced = new Set<string>();
  let groupStartMs: number | undefined;
  let lastSentMs = -Infinity;
  const topic = (alert: DriftAlert) => `${alert.subject}\u0000${alert.check}`;
  const restored = options.restored ?? { alerts: [], atMs: 0 };
  for (const alert of restored.alerts) {
    // Only an alert that fired has a firing time (PENDING ones have none).
    const { firingSinceMs } = alert;
    if (firingSinceMs === null) continue;
    if (restored.atMs - firingSinceMs >= grouping.groupWaitMs) {
      announced.add(topic(alert));
    } else {
      pending.set(alert.fingerprint, { event: 'firing', alert });
      groupStartMs = Math.min(groupStartMs ?? Infinity, firingSinceMs);
    }
  }

  return {
    add(tickMs, changes, activeAlerts) {
      for (const { event, alert } of changes) {
        if (event === null) continue;
        const earlier = pending.get(alert.fingerprint);
        if (event === 'resolved' && !announced.has(topic(alert))) {
          // Fired and resolved before anyone was told: no news at all.
          pending.delete(alert.fingerprint);
        } else {
          // A reminder does not turn unsent news of firing into old news.
          const kept = earlier?.event === 'firing' && event === 'reminder' ? 'firing' : event;
          pending.set(alert.fingerprint, { event: kept, alert });
        }
      }
      if (pending.size === 0) {
        groupStartMs = undefined;
        return null;
      }
      groupStartMs ??= tickMs;
      const dueMs =
        announced.size > 0
          ? Math.max(groupStartMs, lastSentMs + grouping.groupIntervalMs)
          : groupStartMs + grouping.groupWaitMs;
      if (tickMs < dueMs) return null;
      // News waits; its alerts go out as they are now (a resolved one as it resolved).
      const current = new Map(activeAlerts.map((alert) => [alert.fingerprint, alert]));
      const alerts = [...pending.values()]
        .map(({ event, alert }) => ({ event, alert: current.get(alert.fingerprint) ?? alert }))
        .sort((a, b) => compareAlertsWorstFirst(a.alert, b.alert));
      for (const { event, alert } of alerts) {
        if (event === 'resolved') announced.delete(topic(alert));
        else announced.add(topic(alert));
      }
      pending.clear();
      groupStartMs = undefined;
      lastSentMs = tickMs;
      return notification(identity, tickMs, alerts, activeAlerts, reportUrl);
    },
  };
}

function notification(
  identity: AlertIdentity,
  evaluatedAtMs: number,
  alerts: readonly NotifiedAlert[],
  activeAlerts: readonly DriftAlert[],
  reportUrl: string,
): DriftNotification {
  // A RESOLVING alert has not resolved yet: for a person it still fires.
  const firingAlerts = activeAlerts.filter(
    (alert) => alert.heldState === 'FIRING' || alert.heldState === 'RESOLVING',
  ).length;
  const id = createHash('sha256')
    .update(
      JSON.stringify([
        identity.model,
        identity.version,
        identity.reference,
        evaluatedAtMs,
        ...alerts.map(({ event, alert }) => [event, alert.fingerprint]),
      ]),
    )
    .digest('hex')
    .slice(0, 32);
  return {
    ...identity,
    id,
    status: firingAlerts > 0 ? 'firing' : 'resolved',
    title: notificationTitle(identity, alerts, firingAlerts),
    evaluatedAtMs,
    firingAlerts,
    alerts,
    reportUrl,
  };
}

function notificationTitle(
  identity: AlertIdentity,
  alerts: readonly NotifiedAlert[],
  firingAlerts: number,
): string {
  const counts = new Map<AlertEvent, number>();
  for (const { event } of alerts) counts.set(event, (counts.get(event) ?? 0) + 1);
  const parts = (['firing', 'reminder', 'resolved'] as const)
    .filter((event) => counts.has(event))
    .map((event) => `${counts.get(event)} ${event === 'reminder' ? 'still firing' : event}`);
  const worst = (alerts[0] as NotifiedAlert).alert;
  return (
    `${identity.model}@${identity.version}: ${parts.join(', ')} ` +
    `(${firingAlerts} firing; worst: ${describeAlert(worst)})`
  );
}

/** `amount_log drift critical, fast window` and the like. */
export function describeAlert(alert: DriftAlert): string {
  const check = alert.check === 'drift' ? 'drift' : alert.check.replace(/_/g, ' ');
  const level = alert.level ?? 'resolved';
  return `${alert.subject} ${check} ${level} (${alert.evidence.reason}), ${alert.scope} window`;
}

/** An alert as JSON: the alert topic's record value and a notification entry. ISO-8601 times. */
export function driftAlertToJson(alert: DriftAlert) {
  return {
    fingerprint: alert.fingerprint,
    class: alert.alertClass,
    model: alert.model,
    version: alert.version,
    reference: alert.reference,
    scope: alert.scope,
    subject: alert.subject,
    source: alert.source,
    check: alert.check,
    state: alert.state,
    previousState: alert.previousState,
    heldState: alert.heldState,
    level: alert.level,
    value: alert.value,
    thresholds: alert.thresholds,
    window: windowToJson(alert.window),
    evaluatedAt: iso(alert.evaluatedAtMs),
    stateSince: iso(alert.stateSinceMs),
    recentBreaches: alert.recentBreaches,
    firingSince: isoOrNull(alert.firingSinceMs),
    criticalSince: isoOrNull(alert.criticalSinceMs),
    firstFiringWindow: alert.firstFiringWindow && windowToJson(alert.firstFiringWindow),
    reason: alert.evidence.reason,
    samples: alert.evidence.samples,
    statistics: alert.evidence.statistics,
    dataset: alert.evidence.dataset,
    topUnseen: alert.evidence.topUnseen,
    reportUrl: alert.reportUrl,
  };
}

/** The webhook body: the notification with its alerts, worst first. */
export function driftNotificationToJson(notification: DriftNotification) {
  return {
    format: DRIFT_NOTIFICATION_FORMAT,
    id: notification.id,
    status: notification.status,
    title: notification.title,
    model: { name: notification.model, version: notification.version },
    reference: notification.reference,
    evaluatedAt: iso(notification.evaluatedAtMs),
    firingAlerts: notification.firingAlerts,
    alerts: notification.alerts.map(({ event, alert }) => ({
      event,
      ...driftAlertToJson(alert),
    })),
    reportUrl: notification.reportUrl,
  };
}

export function windowToJson(window: EvaluationWindow) {
  return { scope: window.scope, from: iso(window.fromMs), to: iso(window.toMs) };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
