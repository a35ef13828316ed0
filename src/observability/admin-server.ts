import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface AdminServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly registry: Registry;
  /** Why the process is not ready yet, or undefined when it is. */
  readonly notReadyReason: () => string | undefined;
}

export interface AdminServer {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/** `/metrics` (Prometheus), `/healthz` (the process answers), `/readyz` (model warm, group joined). */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  let server: Server | undefined;
  return {
    async start() {
      server = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0];
        if (path === '/metrics') {
          options.registry.metrics().then(
            (text) => {
              response.writeHead(200, { 'content-type': options.registry.contentType });
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
        } else {
          response.writeHead(404, { 'content-type': 'text/plain' });
          response.end('not found: try /metrics, /healthz or /readyz\n');
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
