/**
 * A webhook receiver for tests: a real HTTP server on loopback that records every POST and
 * answers as the test says (200 by default). Its URL carries a token-like path, as real webhook
 * URLs do, so tests can check that it never reaches a log line.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export type Answer = (request: Received, response: ServerResponse) => void;

export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  answerWith: (answer: Answer) => void;
  server: Server;
}> {
  const received: Received[] = [];
  let answer: Answer = (_, response) => response.writeHead(200).end();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        path: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      };
      received.push(entry);
      answer(entry, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/T123/secret-token`,
    received,
    answerWith: (next) => {
      answer = next;
    },
    server,
  };
}
