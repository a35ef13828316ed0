/**
 * The drift report page (`/drift`) and its data (`/drift.json`): one view model, served as JSON
 * as it is and rendered here as one self-contained HTML page — inline CSS, inline SVG bar
 * charts, no script, no external asset — so it opens from an on-call laptop behind any proxy.
 *
 * The view is plain data: the drift side stream builds it from its latest evaluation (see
 * `driftPageView` in `src/drift`), sorted worst first; this file only presents it. Every text
 * taken from the view is escaped: feature names come from topology files and unseen category
 * values straight from the live stream.
 */
import {
  EVALUATION_SCOPES,
  type AlertCheck,
  type AlertState,
  type EvaluationScope,
} from '../alerts/index.js';
import { driftPageLink } from '../report/index.js';
import type { BreachLevel, DriftLevel } from '../statistics/index.js';

export const DRIFT_PAGE_FORMAT = 'streamscore-drift-page';
export const DRIFT_PAGE_VERSION = 1;

/** `/drift.json`: everything the page shows. Times are ISO-8601; absent numbers are null. */
export interface DriftPageView {
  readonly format: typeof DRIFT_PAGE_FORMAT;
  readonly version: typeof DRIFT_PAGE_VERSION;
  readonly model: { readonly name: string; readonly version: number };
  /** Id of the reference profile the live windows are compared with. */
  readonly reference: string;
  /** The evaluation shown: `fast` (short sliding window) or `slow` (long one). */
  readonly scope: EvaluationScope;
  /** The last evaluation of `scope`; null before the first one. */
  readonly evaluation: DriftPageEvaluation | null;
  /** Every alert not at OK, of both scopes, worst first. */
  readonly alerts: readonly DriftPageAlert[];
}

export interface DriftPageEvaluation {
  /** The window's end: evaluations are named by the tick they ran for. */
  readonly evaluatedAt: string;
  readonly window: { readonly from: string; readonly to: string };
  /** Events in the reference profile and in the live window. */
  readonly samples: { readonly reference: number; readonly current: number };
  readonly thresholds: {
    readonly minEvents: number;
    readonly psi: { readonly warning: number; readonly critical: number };
    /** Benjamini–Hochberg q of the χ² tests. */
    readonly falseDiscoveryRate: number;
  };
  readonly dataset: {
    readonly level: DriftLevel;
    readonly state: AlertState;
    readonly evaluatedFeatures: number;
    readonly driftedFeatures: number;
    readonly criticalFeatures: number;
    readonly driftedShare: number | null;
  };
  /** Worst first: by alert state, then level, then PSI. */
  readonly subjects: readonly DriftPageSubject[];
}

export interface DriftPageSubject {
  /** A feature, `__score__` or `__label__`; also the page anchor (`/drift#<name>`). */
  readonly name: string;
  readonly source: 'feature' | 'score' | 'label';
  readonly kind: 'numeric' | 'categorical';
  /** The verdict of this evaluation, and why. */
  readonly level: DriftLevel;
  readonly reason: string;
  /** The most urgent alert state of the subject's checks (drift, data quality) in this scope. */
  readonly state: AlertState;
  readonly samples: { readonly reference: number; readonly current: number };
  readonly statistics: {
    readonly psi: number | null;
    readonly jensenShannon: number | null;
    readonly chiSquarePValue: number | null;
    /** After Benjamini–Hochberg across the model's subjects: what the verdict uses. */
    readonly chiSquarePValueAdjusted: number | null;
    readonly ksD: number | null;
    /** Wasserstein-1 in reference standard deviations. */
    readonly wassersteinNormalised: number | null;
    readonly meanShift: number | null;
    readonly nullRateChange: number | null;
    readonly outOfRangeShare: number | null;
    readonly unseenShare: number | null;
  };
  /** The coarse bins the statistics use: deciles of the reference, or the categories. */
  readonly bins: readonly DriftPageBin[];
  readonly topUnseen: readonly { readonly value: string; readonly count: number }[];
}

export interface DriftPageBin {
  readonly label: string;
  /** Numeric bins: [lower, upper); null for an open end and for categories. */
  readonly lower: number | null;
  readonly upper: number | null;
  readonly referenceCount: number;
  readonly currentCount: number;
  /** Count divided by the side's total over all bins (0 when the side is empty). */
  readonly referenceShare: number;
  readonly currentShare: number;
}

export interface DriftPageAlert {
  readonly subject: string;
  readonly scope: EvaluationScope;
  readonly check: AlertCheck;
  readonly state: AlertState;
  readonly level: BreachLevel | null;
  readonly since: string;
  readonly reason: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] as string);
}

export function renderDriftPage(view: DriftPageView): string {
  const title = `drift · ${view.model.name}@${view.model.version} · ${view.scope}`;
  const { evaluation } = view;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty icon, so the browser asks nothing of the server (or anyone) for a favicon.
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    renderHeader(view),
    renderAlerts(view.alerts),
    evaluation === null
      ? `<main><p class="empty">No evaluation yet: the ${view.scope} window is evaluated on its schedule, and this page fills in after the first evaluation.</p></main>`
      : `<main>${evaluation.subjects.map(renderSubject).join('\n')}</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderHeader(view: DriftPageView): string {
  const { evaluation } = view;
  const scopes = EVALUATION_SCOPES.map((scope) =>
    scope === view.scope
      ? `<strong aria-current="page">${scope}</strong>`
      : `<a href="?scope=${scope}">${scope}</a>`,
  ).join(' · ');
  const facts: [string, string][] = [
    ['model', `${escapeHtml(view.model.name)}@${view.model.version}`],
    ['reference', `<code>${escapeHtml(view.reference)}</code>`],
    ['window', `${scopes} — <a class="json" href="drift.json?scope=${view.scope}">JSON</a>`],
  ];
  if (evaluation !== null) {
    const { window, samples, dataset, thresholds } = evaluation;
    facts.push(
      [
        'covers',
        `${formatDuration(Date.parse(window.to) - Date.parse(window.from))}: ${time(window.from)} – ${time(window.to)}`,
      ],
      ['evaluated', time(evaluation.evaluatedAt)],
      [
        'samples',
        `reference ${formatCount(samples.reference)} · current ${formatCount(samples.current)}`,
      ],
      [
        'dataset',
        `${badge('level', dataset.level)} ${badge('state', dataset.state)} ${dataset.driftedFeatures} of ${dataset.evaluatedFeatures} features drifted (${dataset.criticalFeatures} critical)`,
      ],
      [
        'rule',
        `≥ ${formatCount(thresholds.minEvents)} events, PSI ≥ ${thresholds.psi.warning} warning / ≥ ${thresholds.psi.critical} critical, χ² p (BH) ≤ ${thresholds.falseDiscoveryRate}`,
      ],
    );
  }
  const rows = facts.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join('');
  return `<header><h1>Drift report · ${escapeHtml(view.model.name)}@${view.model.version}</h1><dl class="facts">${rows}</dl></header>`;
}

function renderAlerts(alerts: readonly DriftPageAlert[]): string {
  if (alerts.length === 0) return '<section class="alerts"><p>No active alerts.</p></section>';
  const rows = alerts
    .map(
      (alert) =>
        `<tr><td><a href="${escapeHtml(driftPageLink('', alert.scope, alert.subject))}">${escapeHtml(alert.subject)}</a></td>` +
        `<td>${alert.scope}</td><td>${alert.check.replace(/_/g, ' ')}</td><td>${badge('state', alert.state)}</td>` +
        `<td>${alert.level === null ? '–' : badge('level', alert.level)}</td><td>${time(alert.since)}</td>` +
        `<td>${escapeHtml(alert.reason)}</td></tr>`,
    )
    .join('');
  return (
    `<section class="alerts"><h2>Active alerts</h2><table><thead><tr><th>subject</th><th>scope</th><th>check</th>` +
    `<th>state</th><th>level</th><th>since</th><th>why</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

const STATISTICS: readonly [string, (s: DriftPageSubject['statistics']) => number | null][] = [
  ['PSI', (s) => s.psi],
  ['JS distance', (s) => s.jensenShannon],
  ['χ² p (BH)', (s) => s.chiSquarePValueAdjusted],
  ['χ² p', (s) => s.chiSquarePValue],
  ['KS D', (s) => s.ksD],
  ['W1 / σ', (s) => s.wassersteinNormalised],
  ['mean shift (σ)', (s) => s.meanShift],
  ['null-rate change', (s) => s.nullRateChange],
  ['out of range', (s) => s.outOfRangeShare],
  ['unseen share', (s) => s.unseenShare],
];

function renderSubject(subject: DriftPageSubject): string {
  const name = escapeHtml(subject.name);
  const scale = Math.max(
    ...subject.bins.map((bin) => Math.max(bin.referenceShare, bin.currentShare)),
  );
  const statistics = STATISTICS.map(
    ([label, pick]) =>
      `<tr><th>${label}</th><td>${formatStatistic(pick(subject.statistics))}</td></tr>`,
  ).join('');
  const unseen =
    subject.topUnseen.length === 0
      ? ''
      : `<p class="unseen">unseen values: ${subject.topUnseen
          .map(({ value, count }) => `<code>${escapeHtml(value)}</code> ×${count}`)
          .join(', ')}</p>`;
  const bins = subject.bins
    .map(
      (bin) =>
        `<tr><td>${escapeHtml(bin.label)}</td><td>${formatShare(bin.referenceShare)}</td><td>${formatShare(bin.currentShare)}</td></tr>`,
    )
    .join('');
  return (
    `<article class="subject ${subject.level}" id="${name}" data-subject="${name}" data-state="${subject.state}" data-level="${subject.level}">` +
    `<h2><a href="#${escapeHtml(encodeURIComponent(subject.name))}">${name}</a> ${badge('state', subject.state)} ${badge('level', subject.level)}` +
    ` <small>${subject.kind} ${subject.source}</small></h2>` +
    `<p class="reason">${escapeHtml(subject.reason)}</p>` +
    `<div class="charts">` +
    renderChart('reference', subject.samples.reference, subject.bins, 'referenceShare', scale) +
    renderChart('current', subject.samples.current, subject.bins, 'currentShare', scale) +
    `<table class="statistics"><tbody>${statistics}</tbody></table></div>${unseen}` +
    `<details><summary>bins</summary><table class="bins"><thead><tr><th>bin</th><th>reference</th><th>current</th></tr></thead><tbody>${bins}</tbody></table></details>` +
    `</article>`
  );
}

const CHART_WIDTH = 300;
const CHART_HEIGHT = 100;

/** One side's bar chart; both sides share `scale` (the largest share) so bars compare. */
function renderChart(
  side: 'reference' | 'current',
  events: number,
  bins: readonly DriftPageBin[],
  share: 'referenceShare' | 'currentShare',
  scale: number,
): string {
  const width = CHART_WIDTH / Math.max(1, bins.length);
  const bars = bins
    .map((bin, i) => {
      const height = scale > 0 ? (bin[share] / scale) * CHART_HEIGHT : 0;
      const x = i * width + Math.min(1, width / 4);
      return (
        `<rect x="${x.toFixed(2)}" y="${(CHART_HEIGHT - height).toFixed(2)}" width="${Math.max(0.5, width - 2 * Math.min(1, width / 4)).toFixed(2)}" height="${height.toFixed(2)}">` +
        `<title>${escapeHtml(bin.label)}: ${formatShare(bin[share])}</title></rect>`
      );
    })
    .join('');
  return (
    `<figure class="${side}"><figcaption>${side} · ${formatCount(events)} events</figcaption>` +
    `<svg viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" role="img" aria-label="${side} histogram">` +
    `${bars}<line x1="0" y1="${CHART_HEIGHT}" x2="${CHART_WIDTH}" y2="${CHART_HEIGHT}"/></svg></figure>`
  );
}

function badge(kind: 'state' | 'level', value: string): string {
  const text = value.toLowerCase().replace(/_/g, ' ');
  return `<span class="badge ${kind} ${kind}-${value.toLowerCase()}">${text}</span>`;
}

function time(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.replace('T', ' ').replace(/\.000Z$/, 'Z'))}</time>`;
}

/** Three significant digits; tiny p-values keep their exponent. */
function formatStatistic(value: number | null): string {
  return value === null ? '–' : String(Number(value.toPrecision(3)));
}

function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const unit = units.find(([size]) => ms >= size && ms % size === 0);
  return unit === undefined ? `${ms} ms` : `${ms / unit[0]} ${unit[1]}`;
}

const STYLE = `
:root{font:14px/1.45 system-ui,sans-serif;color:#1d2330;background:#f6f7f9}
body{margin:0 auto;max-width:1100px;padding:16px}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:0 0 4px}
a{color:#2457c5}code{font:12px ui-monospace,monospace;background:#eceef2;padding:0 3px;border-radius:3px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 12px}
.facts dt{color:#5b6476}.facts dd{margin:0}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}
.alerts table td,.alerts table th{border-bottom:1px solid #dde1e8}
.alerts,.subject,.empty{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px;margin:0 0 12px}
.subject.warning{border-left:4px solid #d08a00}.subject.critical{border-left:4px solid #c62828}
.subject h2 small{color:#5b6476;font-weight:normal}
.reason{margin:0 0 8px;color:#3c4454}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure{margin:0}figcaption{font-size:12px;color:#5b6476}
svg line{stroke:#9aa3b2}
.reference rect{fill:#9aa3b2}.current rect{fill:#3b6fd8}
.warning .current rect{fill:#d08a00}.critical .current rect{fill:#c62828}
.statistics th{font-weight:normal;color:#5b6476}.statistics td{text-align:right;font-variant-numeric:tabular-nums}
.bins td{font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;font-weight:600;background:#e3e6ec;color:#3c4454}
.state-firing,.level-critical{background:#c62828;color:#fff}
.state-pending,.state-resolving,.level-warning{background:#f5c451;color:#3b2a00}
.state-ok,.level-ok{background:#d7efdc;color:#1f5130}
`
  .trim()
  .replace(/\n/g, '');
