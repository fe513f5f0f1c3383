/**
 * The one HTTP call an API destination (or an OAuth token request) makes. node:http rather than fetch, because
 * EventBridge sends headers fetch forbids setting (Connection, Range) and we want the exact header set on the wire.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { LocalCloudError } from '../../kernel/errors';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The request did not complete within the timeout. */
export class HttpTimeoutError extends LocalCloudError {}

/** No HTTP response at all: refused, reset, DNS failure. `code` is Node's (ECONNREFUSED, ENOTFOUND, ...). */
export class HttpConnectionError extends LocalCloudError {
  constructor(
    message: string,
    /** Node's error code (`ENOTFOUND`, `ECONNREFUSED`, ...). */
    readonly systemCode: string | undefined,
  ) {
    super(message);
  }
}

export function sendHttpRequest(request: HttpRequest, timeoutMs: number, signal?: AbortSignal): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      reject(new HttpConnectionError(`Invalid URL ${request.url}`, 'ERR_INVALID_URL'));
      return;
    }
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const req = transport.request(url, { method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        finish(() =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        ),
      );
      res.on('error', (err) =>
        finish(() => reject(new HttpConnectionError(err.message, (err as NodeJS.ErrnoException).code))),
      );
    });
    const timer = setTimeout(() => {
      finish(() => reject(new HttpTimeoutError(`No response from ${url.origin} within ${timeoutMs} ms`)));
      req.destroy();
    }, timeoutMs);
    const onAbort = (): void => {
      finish(() => reject(new HttpConnectionError('Request aborted', 'ABORT_ERR')));
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) =>
      finish(() => reject(new HttpConnectionError(err.message, (err as NodeJS.ErrnoException).code))),
    );
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}
