import * as http from 'node:http';
import * as https from 'node:https';

/**
 * A JSON POST over `node:http` / `node:https`, for handlers that call an HTTP API.
 *
 * Why not `fetch`: on Node 20, which runs the local cloud's function workers, undici's `fetch` took about 0.7 ms
 * more CPU per call than this (1.0–1.1 against 0.4–0.5 ms, a keep-alive POST to a local server from a worker), and
 * in the pipeline benchmark it was 40% of the carrier mock's CPU.
 *
 * One keep-alive agent per protocol lives as long as the execution environment, so a warm function reuses its
 * connection. A kept connection can have been closed by the server while the environment was frozen; a request
 * that fails with ECONNRESET on a reused socket is sent once more on a new one, as Node's documentation advises
 * (https://nodejs.org/api/http.html#requestreusedsocket). Only then: a request on a fresh connection that fails
 * may have reached the server.
 */

export interface HttpAnswer {
  status: number;
  text: string;
}

export interface JsonPost {
  url: string;
  headers: Record<string, string>;
  /** JSON text, sent as `application/json`. */
  body: string;
  /** The whole exchange, connection included, is aborted after this long (the error's name is `AbortError`). */
  timeoutMs: number;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

export async function postJson(post: JsonPost): Promise<HttpAnswer> {
  const url = new URL(post.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${post.url}`);
  const signal = AbortSignal.timeout(post.timeoutMs);
  try {
    return await send(url, post, signal);
  } catch (error) {
    if (!(error instanceof StaleConnectionError)) throw error;
    return send(url, post, signal);
  }
}

class StaleConnectionError extends Error {}

function send(url: URL, post: JsonPost, signal: AbortSignal): Promise<HttpAnswer> {
  const protocol = url.protocol as keyof typeof agents;
  const transport = protocol === 'https:' ? https : http;
  const headers = {
    ...post.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(post.body)),
  };
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method: 'POST', agent: agents[protocol], headers, signal }, (response) => {
      response.setEncoding('utf8');
      let text = '';
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const stale = request.reusedSocket && error.code === 'ECONNRESET' && !signal.aborted;
      reject(stale ? new StaleConnectionError(error.message, { cause: error }) : error);
    });
    request.end(post.body);
  });
}
