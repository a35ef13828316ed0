import { StreamscoreError } from '../errors.js';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { Logger } from './logger.js';
import type { ReadinessState } from './readiness.js';

export interface AdminServerOptions {
  /** Bind address (`observability.httpHost`). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Where failures behind a 500 are logged; responses never carry error text. */
  readonly logger: Logger;
  /** The Prometheus text of every registry of the process. */
  readonly metrics: () => Promise<string>;
  /** Evaluated on each /readyz request (a ReadinessMonitor's `evaluate`). */
  readonly readiness: () => ReadinessState;
  /**
   * Pages beyond the probes, by path (the drift report's `/drift` and `/drift.json`): the server
   * only routes to them, so it knows nothing of what they show.
   */
  readonly routes?: Readonly<Record<string, AdminRoute>>;
}

/** What a route answers; the server adds content-type text/plain when headers name none. */
export interface AdminAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: OutgoingHttpHeaders;
}

/** One page of the admin server; a rejection answers 500 with a fixed text and is logged. */
export type AdminRoute = (query: URLSearchParams) => Promise<AdminAnswer>;

export interface AdminServer {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * The server answers probes and scrapes, a few requests a second: these bounds keep a
 * misbehaving or hostile client from holding sockets or memory. Connections over the cap are
 * closed at once by node (not queued); a request whose headers exceed the cap gets 431.
 */
export const ADMIN_SERVER_LIMITS = {
  maxConnections: 64,
  maxHeaderBytes: 16 * 1024,
  /** The whole request, headers included, must arrive within this. */
  requestTimeoutMs: 10_000,
  /** An idle keep-alive connection is closed after this (node's default). */
  keepAliveTimeoutMs: 5_000,
} as const;

const ALLOWED_METHODS = 'GET, HEAD';
const PROBE_PATHS = ['/metrics', '/healthz', '/readyz', '/readyz/<check>', '/readyz.json'];

/**
 * `/metrics` (Prometheus), `/healthz` (the event loop answers), `/readyz` (every part that gates
 * readiness can make progress), `/readyz/<check>` (one part, gating or not), `/readyz.json`
 * (all of it, for people and scripts), and the `routes` given. GET and HEAD only.
 */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  const log = options.logger.child({ stage: 'admin-server' });
  const routes = new Map(Object.entries(options.routes ?? {}));
  const paths = [...PROBE_PATHS, ...routes.keys()];
  const knownPaths = `${paths.slice(0, -1).join(', ')} or ${paths.at(-1) ?? ''}`;
  let server: Server | undefined;

  /** Answers 500 with a fixed text: error messages can name hosts, keys or paths. */
  const fail = (response: ServerResponse, path: string, error: unknown): void => {
    log.error({ err: error, path }, 'admin request failed');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    send(response, 500, 'internal error: see the process log\n');
  };

  const route = (request: IncomingMessage, response: ServerResponse, path: string): void => {
    const serve = routes.get(path);
    if (path === '/metrics') {
      options.metrics().then(
        (text) => send(response, 200, text, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE }),
        (error: unknown) => fail(response, path, error),
      );
    } else if (path === '/healthz') {
      send(response, 200, 'ok\n');
    } else if (path === '/readyz' || path === '/readyz.json' || path.startsWith('/readyz/')) {
      serveReadiness(response, path, options.readiness());
    } else if (serve !== undefined) {
      serve(new URL(request.url ?? '/', 'http://admin').searchParams).then(
        ({ status, body, headers }) => send(response, status, body, headers),
        (error: unknown) => fail(response, path, error),
      );
    } else {
      send(response, 404, `not found: try ${knownPaths}\n`);
    }
  };

  return {
    async start() {
      const listening = createServer(
        {
          maxHeaderSize: ADMIN_SERVER_LIMITS.maxHeaderBytes,
          requestTimeout: ADMIN_SERVER_LIMITS.requestTimeoutMs,
          headersTimeout: ADMIN_SERVER_LIMITS.requestTimeoutMs,
          keepAliveTimeout: ADMIN_SERVER_LIMITS.keepAliveTimeoutMs,
        },
        (request, response) => {
          const path = (request.url ?? '/').split('?')[0] ?? '/';
          if (request.method !== 'GET' && request.method !== 'HEAD') {
            send(response, 405, `method not allowed: use ${ALLOWED_METHODS}\n`, {
              allow: ALLOWED_METHODS,
            });
            return;
          }
          try {
            route(request, response, path);
          } catch (error) {
            fail(response, path, error);
          }
        },
      );
      listening.maxConnections = ADMIN_SERVER_LIMITS.maxConnections;
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', (error: NodeJS.ErrnoException) =>
          reject(listenError(error, options.host, options.port)),
        );
        listening.listen(options.port, options.host, () => {
          listening.off('error', reject);
          // Once listening, a server error must not go unhandled and take scoring down with it.
          listening.on('error', (error) => log.error({ err: error }, 'admin server error'));
          resolve();
        });
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
 * Writes the whole answer with its length. For HEAD, node sends the same headers and drops the
 * body, so a probe sees what GET would return without the bytes.
 */
function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: OutgoingHttpHeaders = {},
): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    // Some answers echo the request (an unknown scope); a browser must never read them as HTML.
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

type CheckState = ReadinessState['checks'][number];

/** `<check>: <condition>: <detail>`, the form scripts grep for. */
const describeNotReady = (check: CheckState): string =>
  check.notReady === undefined
    ? `${check.name}: ready`
    : `${check.name}: ${check.notReady.condition}: ${check.notReady.detail}`;

/**
 * `/readyz`: `ready`, or one `not ready: <check>: <condition>: <detail>` line per failing check
 * that gates readiness; a failing check that does not gate it adds a `degraded: …` line either
 * way. `/readyz/<check>`: that check alone. Each answers 200 when ready, 503 otherwise.
 */
function serveReadiness(response: ServerResponse, path: string, state: ReadinessState): void {
  const noStore = { 'cache-control': 'no-store' };
  if (path === '/readyz.json') {
    const checks = state.checks.map((check) => ({
      name: check.name,
      gatesReadiness: check.gatesReadiness,
      ready: check.notReady === undefined,
      ...check.notReady,
    }));
    send(response, state.ready ? 200 : 503, `${JSON.stringify({ ready: state.ready, checks })}\n`, {
      ...noStore,
      'content-type': 'application/json; charset=utf-8',
    });
    return;
  }
  if (path === '/readyz') {
    const failing = state.checks.filter((check) => check.notReady !== undefined);
    const lines = [
      ...(state.ready ? ['ready'] : []),
      ...failing.map(
        (check) => `${check.gatesReadiness ? 'not ready' : 'degraded'}: ${describeNotReady(check)}`,
      ),
    ];
    send(response, state.ready ? 200 : 503, `${lines.join('\n')}\n`, noStore);
    return;
  }
  const name = path.slice('/readyz/'.length);
  const check = state.checks.find((candidate) => candidate.name === name);
  if (check === undefined) {
    const names = state.checks.map((candidate) => `/readyz/${candidate.name}`).join(', ');
    send(response, 404, `not found: this process checks ${names || 'nothing'}\n`);
  } else if (check.notReady === undefined) {
    send(response, 200, 'ready\n', noStore);
  } else {
    send(response, 503, `not ready: ${describeNotReady(check)}\n`, noStore);
  }
}

const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is taken by another process',
  EACCES: 'the port is privileged (below 1024) or not allowed',
  EADDRNOTAVAIL: 'the host is not an address of this machine',
};

/** PORT_UNAVAILABLE for the reasons a listen fails that the operator fixes; others as they are. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const reason = error.code === undefined ? undefined : LISTEN_FAILURES[error.code];
  if (reason === undefined) return error;
  return new StreamscoreError(
    'PORT_UNAVAILABLE',
    `the admin server cannot listen on ${host}:${port} (${error.code}: ${reason}): choose another with observability.httpPort or --http-port (0 picks a free one), or stop what holds it`,
    { cause: error, context: { host, port } },
  );
}
