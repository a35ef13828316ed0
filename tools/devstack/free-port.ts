import { createServer, type Server } from 'node:net';
import { StreamscoreError } from '../../src/errors.js';

const loopback = '127.0.0.1';

/**
 * Distinct ports that were free on 127.0.0.1 a moment ago. All listeners stay open until every
 * port is chosen, so the kernel cannot hand out the same port twice within one call.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      ports.push(await listen(server, 0));
    }
    return ports;
  } finally {
    await Promise.all(servers.map(close));
  }
}

export async function findFreePort(): Promise<number> {
  const [port] = await findFreePorts(1);
  return port as number;
}

/**
 * Fails fast with a clear error when a configured port is taken; otherwise the broker would
 * only say so in its log after a JVM start.
 */
export async function assertPortFree(port: number, purpose: string): Promise<void> {
  const server = createServer();
  try {
    await listen(server, port);
  } catch (error) {
    throw new StreamscoreError('STACK_FAILED', `${purpose} port ${loopback}:${port} is in use`, {
      cause: error,
      context: { port, purpose },
    });
  } finally {
    await close(server);
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: loopback, port, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('listener has no TCP address'));
      } else {
        resolve(address.port);
      }
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) resolve();
    else server.close(() => resolve());
  });
}
