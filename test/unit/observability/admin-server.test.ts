/**
 * The admin server as a real HTTP server on a free loopback port, driven with fetch and, where
 * the request is malformed on purpose or must hold a connection, with raw sockets.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_SERVER_LIMITS,
  createAdminServer,
  createLogger,
  type AdminServer,
  type AdminServerOptions,
  type ReadinessState,
} from '../../../src/observability/index.js';
import { waitFor } from '../../harness/wait-for.js';

const HOST = '127.0.0.1';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly path?: string;
  readonly err?: { readonly message: string };
}

let admin: AdminServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await admin?.stop();
  admin = undefined;
});

const READY: ReadinessState = {
  ready: true,
  checks: [
    { name: 'scoring', gatesReadiness: true, notReady: undefined },
    { name: 'drift', gatesReadiness: false, notReady: undefined },
  ],
};

async function startAdmin(overrides: Partial<AdminServerOptions> = {}) {
  const lines: LogLine[] = [];
  const logger = createLogger(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  admin = createAdminServer({
    host: HOST,
    port: 0,
    logger,
    metrics: () => Promise.resolve('streamscore_up 1\n'),
    readiness: () => READY,
    ...overrides,
  });
  const { port } = await admin.start();
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`http://${HOST}:${port}${path}`, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return { port, get, lines };
}

/** Opens a raw connection and resolves once it is established. */
async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, HOST);
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Writes raw request bytes and resolves with everything the server sent before closing. */
async function rawExchange(socket: Socket, request: string): Promise<string> {
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(request);
  await closed;
  return received;
}

describe('createAdminServer', () => {
  it('answers /healthz and /metrics', async () => {
    const { get } = await startAdmin();
    expect(await get('/healthz')).toMatchObject({ status: 200, text: 'ok\n' });
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toBe('streamscore_up 1\n');
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  });

  it('refuses methods other than GET and HEAD with 405 and an Allow header', async () => {
    const { get } = await startAdmin();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await get('/metrics', { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow'), method).toBe('GET, HEAD');
    }
  });

  it('answers HEAD with the headers GET would send, without a body', async () => {
    const { get } = await startAdmin({
      readiness: () => ({
        ready: false,
        checks: [
          {
            name: 'scoring',
            gatesReadiness: true,
            notReady: { condition: 'stalled', detail: 'nothing finished for 30 s' },
          },
        ],
      }),
    });
    const full = await get('/readyz');
    const head = await get('/readyz', { method: 'HEAD' });
    expect(head.status).toBe(503);
    expect(head.text).toBe('');
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(full.text)));
    expect((await get('/healthz', { method: 'HEAD' })).status).toBe(200);
  });

  it('serves /readyz as one line per failing check, gating or not', async () => {
    let state: ReadinessState = READY;
    const { get } = await startAdmin({ readiness: () => state });
    expect(await get('/readyz')).toMatchObject({ status: 200, text: 'ready\n' });
    expect(await get('/readyz/scoring')).toMatchObject({ status: 200, text: 'ready\n' });
    expect(await get('/readyz/drift')).toMatchObject({ status: 200, text: 'ready\n' });

    state = {
      ready: false,
      checks: [
        {
          name: 'scoring',
          gatesReadiness: true,
          notReady: { condition: 'broker-unreachable', detail: 'no fetch answered for 15 s' },
        },
        {
          name: 'drift',
          gatesReadiness: false,
          notReady: { condition: 'store-unreachable', detail: 'redis does not answer' },
        },
      ],
    };
    const readyz = await get('/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.text).toBe(
      'not ready: scoring: broker-unreachable: no fetch answered for 15 s\n' +
        'degraded: drift: store-unreachable: redis does not answer\n',
    );
    expect(readyz.headers.get('cache-control')).toBe('no-store');
    expect(await get('/readyz/drift')).toMatchObject({
      status: 503,
      text: 'not ready: drift: store-unreachable: redis does not answer\n',
    });
    const json = await get('/readyz.json');
    expect(json.status).toBe(503);
    expect(JSON.parse(json.text)).toEqual({
      ready: false,
      checks: [
        {
          name: 'scoring',
          gatesReadiness: true,
          ready: false,
          condition: 'broker-unreachable',
          detail: 'no fetch answered for 15 s',
        },
        {
          name: 'drift',
          gatesReadiness: false,
          ready: false,
          condition: 'store-unreachable',
          detail: 'redis does not answer',
        },
      ],
    });
  });

  it('keeps /readyz at 200 while only a non-gating check fails; /readyz/<check> says so', async () => {
    const { get } = await startAdmin({
      readiness: () => ({
        ready: true,
        checks: [
          { name: 'scoring', gatesReadiness: true, notReady: undefined },
          {
            name: 'drift',
            gatesReadiness: false,
            notReady: { condition: 'store-unreachable', detail: 'redis does not answer' },
          },
        ],
      }),
    });
    expect(await get('/readyz')).toMatchObject({
      status: 200,
      text: 'ready\ndegraded: drift: store-unreachable: redis does not answer\n',
    });
    expect((await get('/readyz/drift')).status).toBe(503);
    expect((await get('/readyz/scoring')).status).toBe(200);
    expect(await get('/readyz/redis')).toMatchObject({
      status: 404,
      text: 'not found: this process checks /readyz/scoring, /readyz/drift\n',
    });
  });

  it('answers 500 with a fixed text and logs the error with its path', async () => {
    const secret = 'redis://:hunter2@10.0.0.7:6379 refused';
    const { get, lines } = await startAdmin({
      metrics: () => Promise.reject(new Error(secret)),
      routes: { '/drift': () => Promise.reject(new Error(secret)) },
      readiness: () => {
        throw new Error(secret);
      },
    });
    for (const path of ['/metrics', '/drift', '/readyz']) {
      const response = await get(path);
      expect(response.status, path).toBe(500);
      expect(response.text, path).toBe('internal error: see the process log\n');
    }
    expect(lines.map(({ msg, path, err }) => ({ msg, path, message: err?.message }))).toEqual(
      ['/metrics', '/drift', '/readyz'].map((path) => ({
        msg: 'admin request failed',
        path,
        message: secret,
      })),
    );
  });

  it('answers 431 to headers over 16 KiB', async () => {
    const { port, get } = await startAdmin();
    const padding = 'x'.repeat(ADMIN_SERVER_LIMITS.maxHeaderBytes);
    const answer = await rawExchange(
      await openSocket(port),
      `GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\nX-Padding: ${padding}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect((await get('/healthz', { headers: { 'x-padding': 'x'.repeat(8 * 1024) } })).status).toBe(
      200,
    );
  });

  it(`closes connections over ${ADMIN_SERVER_LIMITS.maxConnections} at once, and serves again when some close`, async () => {
    const { port, get } = await startAdmin();
    const held = [];
    for (let i = 0; i < ADMIN_SERVER_LIMITS.maxConnections; i++) held.push(await openSocket(port));
    const extra = await rawExchange(
      await openSocket(port),
      `GET /healthz HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
    );
    expect(extra).toBe('');
    for (const socket of held) socket.destroy();
    // The server counts a connection closed once it has seen the close, a moment later.
    await waitFor(
      () =>
        get('/healthz', { headers: { connection: 'close' } }).then(
          (response) => response.status === 200,
          () => false,
        ),
      'a free connection slot',
      5_000,
    );
  });

  it('listens on the address it is given only', async () => {
    const { port } = await startAdmin();
    // 127.0.0.2 is loopback too: a server bound to 0.0.0.0 would accept it.
    const elsewhere = connect(port, '127.0.0.2');
    sockets.push(elsewhere);
    await expect(
      new Promise((resolve, reject) => {
        elsewhere.once('connect', resolve);
        elsewhere.once('error', reject);
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
