/**
 * The node HTTP plumbing shared by the HTTP API and the Function URLs: read a request (with the 10 MB payload
 * quota), hand it to a handler, write the response, listen on 127.0.0.1, stop cleanly.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { HttpResponse, IncomingHttpRequest, jsonMessage, newRequestId } from './payload';
import { LocalCloudError } from '../kernel/errors';

/** HTTP API payload quota: 10 MB. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type RequestHandler = (request: IncomingHttpRequest) => Promise<HttpResponse>;

class PayloadTooLargeError extends LocalCloudError {
  constructor() {
    super('Request Entity Too Large', { statusCode: 413 });
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new PayloadTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new PayloadTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toIncoming(req: IncomingMessage, body: Buffer): IncomingHttpRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQueryString: q < 0 ? '' : url.slice(q + 1),
    rawHeaders: req.rawHeaders,
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    protocol: `HTTP/${req.httpVersion}`,
    receivedAt: new Date(),
    requestId: newRequestId(),
  };
}

function write(res: ServerResponse, response: HttpResponse, requestId: string): void {
  const headers: Record<string, string | string[]> = { ...response.headers };
  if (response.cookies.length > 0) headers['set-cookie'] = response.cookies;
  headers['content-length'] = String(response.body.length);
  // API Gateway tags every response with its request id.
  headers['apigw-requestid'] ??= requestId;
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}

export class LocalHttpServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly handler: RequestHandler,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Listens on 127.0.0.1:`port` (0 = a free port) and returns the base URL, without a trailing slash. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  get port(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, MAX_PAYLOAD_BYTES);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        write(res, jsonMessage(413, 'Request Entity Too Large'), newRequestId());
        req.resume();
        return;
      }
      this.onError(error);
      res.destroy();
      return;
    }
    const incoming = toIncoming(req, body);
    let response: HttpResponse;
    try {
      response = await this.handler(incoming);
    } catch (error) {
      this.onError(error);
      response = jsonMessage(500, 'Internal Server Error');
    }
    if (!res.destroyed) write(res, response, incoming.requestId);
  }
}
