/**
 * The human form of a drift report: a verdict line, a table of subjects worst first, then the
 * data-quality findings and calibration warnings. Plain text, fixed-width columns.
 */
import { DRIFT_LEVEL_SEVERITY } from '../statistics/index.js';
import type { DriftReport, DriftReportSubject } from './drift-report.js';

const COLUMNS = [
  'SUBJECT',
  'KIND',
  'LEVEL',
  'PSI',
  'JS',
  'CHI2 P(BH)',
  'KS D',
  'W1/SD',
  'MEAN SHIFT',
  'NULL CHANGE',
  'UNSEEN',
  'OUT RANGE',
  'EVENTS',
] as const;

export function formatDriftReportTable(report: DriftReport): string {
  const lines: string[] = [];
  const { dataset } = report;
  const share =
    dataset.driftedShare === null ? 'n/a' : `${(dataset.driftedShare * 100).toFixed(0)}%`;
  lines.push(
    `dataset: ${dataset.level} — ${dataset.driftedFeatures} of ${dataset.evaluatedFeatures} evaluated features drifted (${share}; ` +
      `${dataset.criticalFeatures} critical), dataset drift at ≥ ${report.thresholds.datasetDriftShare * 100}%`,
  );
  lines.push(
    `reference: ${report.reference.events} events (${report.reference.kind}${report.reference.file === null ? '' : ` ${report.reference.file}`}); ` +
      `current: ${report.current.events} events${report.current.file === null ? '' : ` (${report.current.file})`}` +
      (report.current.undecodableLines > 0
        ? `, ${report.current.undecodableLines} undecodable lines`
        : '') +
      (report.current.unscoredEvents ? `, ${report.current.unscoredEvents} unscored events` : ''),
  );
  lines.push('');
  const rows = worstFirst(report.subjects).map(subjectRow);
  lines.push(...alignColumns([[...COLUMNS], ...rows]));
  const findings = report.subjects.flatMap((subject) =>
    subject.dataQuality.map(
      (finding) =>
        `  ${finding.level.padEnd(8)} ${subject.name}: ${finding.kind.replaceAll('_', ' ')} ${formatNumber(finding.value)} (threshold ${finding.threshold})`,
    ),
  );
  if (findings.length > 0) {
    lines.push('', 'data quality (never a reason to retrain):', ...findings);
  }
  const unseen = report.subjects.filter((subject) => subject.current.topUnseen.length > 0);
  if (unseen.length > 0) {
    lines.push('', 'top unseen values:');
    for (const subject of unseen) {
      const values = subject.current.topUnseen
        .slice(0, 5)
        .map(({ value, count }) => `${JSON.stringify(value)} ×${count}`);
      lines.push(`  ${subject.name}: ${values.join(', ')}`);
    }
  }
  if (report.warnings.length > 0) {
    lines.push('', 'calibration warnings:', ...report.warnings.map((w) => `  ${w.message}`));
  }
  const insufficient = report.subjects.filter((subject) => subject.level === 'insufficient_data');
  if (insufficient.length > 0) {
    lines.push(
      '',
      ...insufficient.map((subject) => `  ${subject.name}: insufficient data — ${subject.reason}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Most severe level first; within a level, larger PSI first; then by name. */
function worstFirst(subjects: readonly DriftReportSubject[]): DriftReportSubject[] {
  return [...subjects].sort(
    (a, b) =>
      DRIFT_LEVEL_SEVERITY[b.level] - DRIFT_LEVEL_SEVERITY[a.level] ||
      (b.statistics.psi ?? -1) - (a.statistics.psi ?? -1) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

function subjectRow(subject: DriftReportSubject): string[] {
  const { statistics } = subject;
  return [
    subject.name,
    subject.kind,
    subject.level,
    formatNumber(statistics.psi),
    formatNumber(statistics.jensenShannon),
    formatNumber(statistics.chiSquare?.pValueAdjusted ?? null),
    formatNumber(statistics.ksD),
    formatNumber(statistics.wassersteinNormalised),
    formatNumber(statistics.meanShift),
    formatNumber(statistics.nullRateChange),
    formatNumber(statistics.unseenShare),
    formatNumber(statistics.outOfRangeShare),
    String(subject.current.events),
  ];
}

function formatNumber(value: number | null): string {
  if (value === null) return '-';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) return value.toExponential(2);
  return value.toFixed(4);
}

function alignColumns(rows: readonly string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        // Names and words left-aligned, numbers right-aligned.
        column < 3 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}
