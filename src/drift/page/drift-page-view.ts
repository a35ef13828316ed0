/**
 * The view model of the drift report page (`/drift`, `/drift.json`) from what the evaluator
 * holds: its latest evaluation of each scope and the alerts now (`DriftEvaluator.latest()`),
 * plus whose drift it is. One view for the page and the JSON, so they cannot disagree.
 *
 * Subjects come worst first: by the most urgent alert state of their checks in the scope shown
 * (FIRING, RESOLVING, PENDING; an alert through insufficient data counts as the state it
 * holds), then by verdict level (critical, warning, ok, insufficient data), then by PSI.
 */
import {
  alertUrgency,
  DATASET_SUBJECT,
  iso,
  type AlertCheck,
  type AlertIdentity,
  type AlertState,
  type AlertStatus,
  type DriftAlert,
  type DriftSnapshot,
  type EvaluationScope,
  type HeldAlertState,
  type ScopeEvaluation,
} from '../alerts/index.js';
import type { DriftReportSubject } from '../report/index.js';
import { DRIFT_LEVEL_SEVERITY } from '../statistics/index.js';
import {
  DRIFT_PAGE_FORMAT,
  DRIFT_PAGE_VERSION,
  type DriftPageAlert,
  type DriftPageBin,
  type DriftPageSubject,
  type DriftPageView,
} from './drift-page.js';

/** What the page is built from: the evaluator's `latest()` and whose drift it is. */
export interface DriftPageSource {
  readonly identity: AlertIdentity;
  readonly snapshot: DriftSnapshot;
}

export function driftPageView(source: DriftPageSource, scope: EvaluationScope): DriftPageView {
  const { identity, snapshot } = source;
  return {
    format: DRIFT_PAGE_FORMAT,
    version: DRIFT_PAGE_VERSION,
    model: { name: identity.model, version: identity.version },
    reference: identity.reference,
    scope,
    evaluation: evaluationView(snapshot[scope], snapshot.alerts),
    alerts: snapshot.alerts.map(alertView),
  };
}

function evaluationView(
  evaluation: ScopeEvaluation | null,
  alerts: readonly DriftAlert[],
): DriftPageView['evaluation'] {
  if (evaluation === null) return null;
  const { window, report, statuses } = evaluation;
  const key = (subject: string, check: AlertCheck) => `${subject}\u0000${check}`;
  const tracked = new Map(
    alerts
      .filter((alert) => alert.scope === window.scope)
      .map((alert) => [key(alert.subject, alert.check), alert]),
  );
  /** An observed (subject, check)'s state, and the state it holds through insufficient data. */
  const stateOf = ({ subject, check, state }: AlertStatus) => ({
    state,
    heldState:
      tracked.get(key(subject, check))?.heldState ?? (state === 'INSUFFICIENT_DATA' ? 'OK' : state),
  });
  /** The most urgent state among a subject's checks. */
  const subjectState = (subject: string) => {
    const [first, ...rest] = statuses.filter((s) => s.subject === subject).map(stateOf);
    return rest.reduce(
      (worst, next) => (alertUrgency(next) > alertUrgency(worst) ? next : worst),
      first ?? { state: 'OK' as AlertState, heldState: 'OK' as HeldAlertState },
    );
  };
  const subjects = report.subjects
    .map((subject) => ({ subject, ...subjectState(subject.name) }))
    .sort(
      (a, b) =>
        alertUrgency(b) - alertUrgency(a) ||
        DRIFT_LEVEL_SEVERITY[b.subject.level] - DRIFT_LEVEL_SEVERITY[a.subject.level] ||
        (b.subject.statistics.psi ?? -1) - (a.subject.statistics.psi ?? -1) ||
        (a.subject.name < b.subject.name ? -1 : a.subject.name > b.subject.name ? 1 : 0),
    )
    .map(({ subject, state }) => subjectView(subject, state));
  return {
    evaluatedAt: iso(window.toMs),
    window: { from: iso(window.fromMs), to: iso(window.toMs) },
    samples: { reference: report.reference.events, current: report.current.events },
    thresholds: {
      minEvents: report.thresholds.minEvents,
      psi: { warning: report.thresholds.psi.warning, critical: report.thresholds.psi.critical },
      falseDiscoveryRate: report.thresholds.falseDiscoveryRate,
    },
    dataset: {
      level: report.dataset.level,
      state: subjectState(DATASET_SUBJECT).state,
      evaluatedFeatures: report.dataset.evaluatedFeatures,
      driftedFeatures: report.dataset.driftedFeatures,
      criticalFeatures: report.dataset.criticalFeatures,
      driftedShare: report.dataset.driftedShare,
    },
    subjects,
  };
}

function subjectView(subject: DriftReportSubject, state: AlertState): DriftPageSubject {
  const { statistics } = subject;
  return {
    name: subject.name,
    source: subject.source,
    kind: subject.kind,
    level: subject.level,
    reason: subject.reason,
    state,
    samples: { reference: subject.reference.events, current: subject.current.events },
    statistics: {
      psi: statistics.psi,
      jensenShannon: statistics.jensenShannon,
      chiSquarePValue: statistics.chiSquare?.pValue ?? null,
      chiSquarePValueAdjusted: statistics.chiSquare?.pValueAdjusted ?? null,
      ksD: statistics.ksD,
      wassersteinNormalised: statistics.wassersteinNormalised,
      meanShift: statistics.meanShift,
      nullRateChange: statistics.nullRateChange,
      outOfRangeShare: statistics.outOfRangeShare,
      unseenShare: statistics.unseenShare,
    },
    bins: coarseBins(subject),
    topUnseen: subject.current.topUnseen,
  };
}

/**
 * The coarse bins with their bounds: numeric decile bins [lower, upper) between the decile
 * edges (open at both ends), or the categories (vocabulary, `__OTHER__`, `__UNSEEN__`).
 */
function coarseBins(subject: DriftReportSubject): DriftPageBin[] {
  const { bins } = subject;
  const reference = bins.reference.coarse;
  const current = bins.current.coarse;
  const referenceTotal = reference.reduce((sum, count) => sum + count, 0);
  const currentTotal = current.reduce((sum, count) => sum + count, 0);
  const deciles = (bins.decileEdgeIndices ?? []).map((index) => bins.edges?.[index] as number);
  return reference.map((referenceCount, i) => {
    const currentCount = current[i] as number;
    const lower = bins.labels === null ? (deciles[i - 1] ?? null) : null;
    const upper = bins.labels === null ? (deciles[i] ?? null) : null;
    return {
      label: bins.labels?.[i] ?? `[${formatEdge(lower, '−∞')}, ${formatEdge(upper, '+∞')})`,
      lower,
      upper,
      referenceCount,
      currentCount,
      referenceShare: referenceTotal === 0 ? 0 : referenceCount / referenceTotal,
      currentShare: currentTotal === 0 ? 0 : currentCount / currentTotal,
    };
  });
}

function formatEdge(edge: number | null, open: string): string {
  return edge === null ? open : String(Number(edge.toPrecision(4)));
}

function alertView(alert: DriftAlert): DriftPageAlert {
  return {
    subject: alert.subject,
    scope: alert.scope,
    check: alert.check,
    state: alert.state,
    level: alert.level,
    since: iso(alert.stateSinceMs),
    reason: alert.evidence.reason,
  };
}
