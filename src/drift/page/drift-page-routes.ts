import type { AdminAnswer, AdminRoute } from '../../observability/index.js';
import { EVALUATION_SCOPES, type EvaluationScope } from '../alerts/index.js';
import { renderDriftPage, type DriftPageView } from './drift-page.js';

/**
 * The drift report of one scope, when this process runs the drift side stream; undefined
 * while it is starting.
 */
export type DriftPageViewSource = (scope: EvaluationScope) => Promise<DriftPageView | undefined>;

/**
 * The page allows nothing but its own inline styles and `data:` images: no script runs, and
 * nothing is fetched from anywhere, whatever a feature name or category value contains.
 */
const DRIFT_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const NOT_RUNNING: AdminAnswer = {
  status: 404,
  body: 'not found: this process does not run the drift side stream (drift.enabled is false, or --only scoring)\n',
};

/**
 * `/drift` (the report page) and `/drift.json` (its data) for the admin server, `?scope=fast`
 * (the default) or `slow`. Without a view source, as in a scoring-only process, both answer 404
 * and say why. A view that cannot be read rejects: the server answers 500 and logs why.
 */
export function driftPageRoutes(view: DriftPageViewSource | undefined): Record<string, AdminRoute> {
  const answer = async (query: URLSearchParams, format: 'html' | 'json'): Promise<AdminAnswer> => {
    if (view === undefined) return NOT_RUNNING;
    const scope = query.get('scope') ?? 'fast';
    if (!isScope(scope)) {
      return {
        status: 400,
        body: `unknown scope ${JSON.stringify(scope)}: use ${EVALUATION_SCOPES.join(' or ')}\n`,
      };
    }
    const shown = await view(scope);
    if (shown === undefined) {
      return { status: 503, body: 'drift side stream starting: no report yet\n' };
    }
    if (format === 'json') {
      return {
        status: 200,
        body: `${JSON.stringify(shown, null, 2)}\n`,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      };
    }
    return {
      status: 200,
      body: renderDriftPage(shown),
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': DRIFT_PAGE_POLICY,
      },
    };
  };
  return {
    '/drift': (query) => answer(query, 'html'),
    '/drift.json': (query) => answer(query, 'json'),
  };
}

function isScope(scope: string): scope is EvaluationScope {
  return (EVALUATION_SCOPES as readonly string[]).includes(scope);
}
