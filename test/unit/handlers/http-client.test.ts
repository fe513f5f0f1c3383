import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postJson } from '../../../handlers/http-client';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort?: number;
}

let server: Server;
let baseUrl: string;
let seen: Seen[];
let answer: (request: IncomingMessage, response: ServerResponse, index: number) => void;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const index = seen.length;
      seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body,
        remotePort: request.socket.remotePort,
      });
      answer(request, response, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  answer = (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"FailedEntryCount":0}');
  };
});

const post = (change: Partial<Parameters<typeof postJson>[0]> = {}) =>
  postJson({
    url: `${baseUrl}/confirm-shipment`,
    headers: { authorization: 'Bearer t0ken' },
    body: '{"order_id":"ü"}',
    timeoutMs: 2000,
    ...change,
  });

describe('postJson', () => {
  it('POSTs the body as JSON with its headers and reads the status and text of the answer', async () => {
    // Prepare
    answer = (_request, response) => {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end('{"message":"Forbidden"}');
    };

    // Act
    const result = await post();

    // Assess
    expect(result).toEqual({ status: 403, text: '{"message":"Forbidden"}' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/confirm-shipment', body: '{"order_id":"ü"}' });
    expect(seen[0].headers).toMatchObject({
      authorization: 'Bearer t0ken',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength('{"order_id":"ü"}')),
    });
  });

  it('keeps the connection for the next call', async () => {
    // Act
    await post();
    await post();

    // Assess
    expect(seen).toHaveLength(2);
    expect(seen[1].remotePort).toBe(seen[0].remotePort);
  });

  it('sends again, once, on a new connection when a kept connection turns out closed', async () => {
    // Prepare: the first call leaves a kept connection; the server then drops it on the next request unanswered.
    await post();
    const keptPort = seen[0].remotePort;
    answer = (request, response, index) => {
      if (request.socket.remotePort === keptPort) {
        request.socket.destroy();
        return;
      }
      response.writeHead(200);
      response.end(`answer ${index}`);
    };

    // Act
    const result = await post();

    // Assess
    expect(result).toEqual({ status: 200, text: 'answer 2' });
    expect(seen).toHaveLength(3);
    expect(seen[2].remotePort).not.toBe(keptPort);
  });

  it('does not send again when a new connection fails', async () => {
    // Prepare: a server of its own, so that the first request cannot find a kept connection.
    let requests = 0;
    const dropping = createServer((request) => {
      requests += 1;
      request.socket.destroy();
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/confirm-shipment`;

    // Act
    const result = post({ url });

    // Assess
    await expect(result).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(requests).toBe(1);
    await new Promise((resolve) => dropping.close(resolve));
  });

  it('aborts after the timeout', async () => {
    // Prepare: the server never answers.
    answer = () => undefined;

    // Act
    const result = post({ timeoutMs: 100 });

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails when nothing listens', async () => {
    // Prepare: a port that was just free.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const result = post({ url: `http://127.0.0.1:${port}/confirm-shipment` });

    // Assess
    await expect(result).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(post({ url: 'ftp://example.com/x' })).rejects.toThrow('not an http(s) URL: ftp://example.com/x');
  });
});
