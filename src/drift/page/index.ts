/**
 * The drift report page (`/drift`) and its data (`/drift.json`): the view model from the
 * evaluator's latest evaluation, its HTML, and the admin-server routes that serve both
 * (docs/drift.md "Report page").
 */
export { driftPageView, type DriftPageSource } from './drift-page-view.js';
export {
  DRIFT_PAGE_FORMAT,
  DRIFT_PAGE_VERSION,
  escapeHtml,
  renderDriftPage,
  type DriftPageAlert,
  type DriftPageBin,
  type DriftPageEvaluation,
  type DriftPageSubject,
  type DriftPageView,
} from './drift-page.js';
export { driftPageRoutes, type DriftPageViewSource } from './drift-page-routes.js';
