import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree, findFreePorts } from '../../../../tools/devstack/free-port.js';

describe('findFreePorts', () => {
  it('returns distinct ports that can be bound on 127.0.0.1', async () => {
    const ports = await findFreePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) await expect(assertPortFree(port, 'test')).resolves.toBeUndefined();
  });
});

describe('assertPortFree', () => {
  it('names the port and its purpose when it is taken', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await expect(assertPortFree(port, 'kafka')).rejects.toMatchObject({
        code: 'STACK_FAILED',
        message: `kafka port 127.0.0.1:${port} is in use`,
        context: { port, purpose: 'kafka' },
      });
    } finally {
      server.close();
    }
  });
});
