/**
 * What the demo prints of drift: a column of the live line (the worst alert, or the subject
 * furthest from its reference) and, at the end, the alerts and retraining requests the run
 * left on their topics, read back as any consumer of those topics would.
 */
import type {
  AlertCheck,
  DriftPageSource,
  driftAlertToJson,
  retrainRequestToJson,
} from '../../src/drift/index.js';

/** A record of the alert topic. */
export type AlertRecord = ReturnType<typeof driftAlertToJson>;
/** A record of the retrain topic. */
export type RetrainRecord = ReturnType<typeof retrainRequestToJson>;

/** `amount_log PSI 1.92`, `merchant_country unseen 0.08`, `__dataset__ drifted share 0.50`. */
function measure(subject: string, check: AlertCheck, value: number | null): string {
  const name =
    check === 'drift'
      ? subject === '__dataset__'
        ? 'drifted share'
        : 'PSI'
      : check.replace(/_/g, ' ');
  return `${subject} ${name} ${value === null ? '–' : value.toFixed(2)}`;
}

/**
 * The drift column of the live line: the worst alert not at OK with its state, else the subject
 * with the highest PSI in the last fast evaluation with its verdict.
 */
export function driftStatus(view: DriftPageSource | undefined): string {
  const snapshot = view?.snapshot;
  const [alert] = snapshot?.alerts ?? [];
  if (alert !== undefined)
    return `drift ${measure(alert.subject, alert.check, alert.value)} ${alert.state}`;
  let worst: { name: string; psi: number; level: string } | undefined;
  for (const subject of snapshot?.fast?.report.subjects ?? []) {
    const psi = subject.statistics.psi;
    if (psi !== null && (worst === undefined || psi > worst.psi))
      worst = { name: subject.name, psi, level: subject.level };
  }
  if (worst === undefined) return 'drift (no evaluation yet)';
  return `drift ${measure(worst.name, 'drift', worst.psi)} ${worst.level.toUpperCase()}`;
}

/** One alert, as its latest record on the alert topic says. */
export function alertLine(alert: AlertRecord): string {
  const level = alert.level === null ? '' : ` ${alert.level}`;
  return `${alert.state.padEnd(9)} ${measure(alert.subject, alert.check, alert.value)}${level}, ${alert.scope} window (${alert.reason})`;
}

/** One retraining request. */
export function retrainLine(request: RetrainRecord): string {
  const { trigger } = request.evidence;
  return (
    `${request.rule} for ${request.model.name}@${request.model.version}: ` +
    `${measure(trigger.subject, trigger.check, trigger.value)} critical since ${request.criticalSince}; ` +
    `retrain on ${request.dataRange.topic} from ${request.dataRange.from} to ${request.dataRange.to} ` +
    `(idempotency key ${request.idempotencyKey.slice(0, 16)}…)`
  );
}
