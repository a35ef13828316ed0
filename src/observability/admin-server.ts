import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import {
  DRIFT_PAGE_SCOPES,
  renderDriftPage,
  type DriftPageScope,
  type DriftPageView,
} from './drift-page.js';

export interface AdminServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The Prometheus text of every registry of the process. */
  readonly metrics: () => Promise<string>;
  /** Why the process is not ready yet, or undefined when it is. */
  readonly notReadyReason: () => string | undefined;
  /**
   * The drift report of one scope (`/drift`, `/drift.json`), when this process runs the drift
   * side stream; undefined while it is starting. Without it both answer 404.
   */
  readonly driftView?: (scope: DriftPageScope) => Promise<DriftPageView | undefined>;
}

export interface AdminServer {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * `/metrics` (Prometheus), `/healthz` (the process answers), `/readyz` (model warm, group
 * joined), and with drift `/drift` (the report page) and `/drift.json` (its data).
 */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  let server: Server | undefined;
  return {
    async start() {
      server = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0] ?? '/';
        if (path === '/metrics') {
          options.metrics().then(
            (text) => {
              response.writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE });
              response.end(text);
            },
            (error: unknown) => {
              response.writeHead(500, { 'content-type': 'text/plain' });
              response.end(String(error));
            },
          );
        } else if (path === '/healthz') {
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end('ok\n');
        } else if (path === '/readyz') {
          const reason = options.notReadyReason();
          response.writeHead(reason === undefined ? 200 : 503, { 'content-type': 'text/plain' });
          response.end(reason === undefined ? 'ready\n' : `not ready: ${reason}\n`);
        } else if (path === '/drift' || path === '/drift.json') {
          void serveDrift(request, response, path, options.driftView);
        } else {
          response.writeHead(404, { 'content-type': 'text/plain' });
          response.end('not found: try /metrics, /healthz, /readyz or /drift\n');
        }
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
      });
      return { port: (listening.address() as AddressInfo).port };
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (closing === undefined) return;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
}

/**
 * The page allows nothing but its own inline styles and `data:` images: no script runs, and
 * nothing is fetched from anywhere, whatever a feature name or category value contains.
 */
const DRIFT_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

async function serveDrift(
  request: IncomingMessage,
  response: ServerResponse,
  path: '/drift' | '/drift.json',
  driftView: AdminServerOptions['driftView'],
): Promise<void> {
  const text = (status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(`${body}\n`);
  };
  if (driftView === undefined) {
    text(
      404,
      'not found: this process does not run the drift side stream (drift.enabled is false, or --only scoring)',
    );
    return;
  }
  const scope = new URL(request.url ?? '/', 'http://admin').searchParams.get('scope') ?? 'fast';
  if (!DRIFT_PAGE_SCOPES.includes(scope as DriftPageScope)) {
    text(400, `unknown scope ${JSON.stringify(scope)}: use ${DRIFT_PAGE_SCOPES.join(' or ')}`);
    return;
  }
  let view: DriftPageView | undefined;
  try {
    view = await driftView(scope as DriftPageScope);
  } catch (error) {
    text(500, `drift report unavailable: ${String(error)}`);
    return;
  }
  if (view === undefined) {
    text(503, 'drift side stream starting: no report yet');
    return;
  }
  if (path === '/drift.json') {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(`${JSON.stringify(view, null, 2)}\n`);
  } else {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': DRIFT_PAGE_POLICY,
    });
    response.end(renderDriftPage(view));
  }
}
