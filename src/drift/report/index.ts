/**
 * One drift report: a reference profile against the histograms of one window, every subject's
 * statistics and verdict, as the `drift compare` table and JSON and as what an evaluation
 * publishes (docs/drift.md "Evaluation"; docs/drift-compare-json.md).
 */
export { driftPageLink } from './drift-page-link.js';
export {
  buildDriftReport,
  currentHistograms,
  driftReportFromHistograms,
  DRIFT_REPORT_FORMAT,
  DRIFT_REPORT_VERSION,
  type DriftReport,
  type DriftReportBins,
  type DriftReportCurrentSide,
  type DriftReportOptions,
  type DriftReportSide,
  type DriftReportStatistics,
  type DriftReportSubject,
} from './drift-report.js';
export { formatDriftReportTable } from './drift-report-table.js';
