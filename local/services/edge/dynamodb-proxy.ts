/**
 * DynamoDB and DynamoDB Streams on the edge: requests (`X-Amz-Target: DynamoDB_20120810.*` or
 * `DynamoDBStreams_20120810.*`, AWS JSON 1.0) are forwarded byte for byte to DynamoDB Local, which serves both APIs
 * on one port (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBLocal.UsageNotes.html).
 * Headers are kept except `host`; the answer is streamed back unchanged, so signatures, CRC32 checksums and error
 * shapes are DynamoDB Local's own.
 */
import * as http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsProtocolError, sendJsonError } from './http-util';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded. */
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/**
 * One pool of kept-alive connections to DynamoDB Local for every forwarded call (the default agent would also
 * keep them alive, but shares its pool with every other request of the process). Nagle's algorithm is off: a
 * request is written whole, and waiting for the previous segment's ACK only adds latency on loopback.
 */
const AGENT = new http.Agent({ keepAlive: true, noDelay: true });

const targets = new Map<string, URL>();

/**
 * `body`: the request's body when the edge has read it already (to authorize the call); it is then sent in one
 * write with the headers instead of being streamed again. Answers are small JSON documents (at most a 1 MB page):
 * they are gathered and written back in one write too, so each hop wakes its reader once.
 */
export function forwardToDynamoDb(
  req: IncomingMessage,
  res: ServerResponse,
  dynamoDbEndpoint: string,
  body?: Buffer,
): void {
  let target = targets.get(dynamoDbEndpoint);
  if (target === undefined) targets.set(dynamoDbEndpoint, (target = new URL(dynamoDbEndpoint)));
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  }
  headers.host = target.host;
  if (body !== undefined) headers['content-length'] = String(body.length);
  const upstream = http.request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: AGENT,
    },
    (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', (error) => res.destroy(error));
      answer.on('end', () => {
        const text = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        // Whatever framing DynamoDB Local used, the answer now has a known length.
        if (out['content-length'] === undefined) out['content-length'] = String(text.length);
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(text);
      });
    },
  );
  upstream.on('error', (error) => {
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    // DynamoDB Local not reachable: a 5xx the SDK retries, with a message that says why.
    sendJsonError(
      res,
      'application/x-amz-json-1.0',
      new AwsProtocolError(
        'ServiceUnavailable',
        `DynamoDB Local at ${dynamoDbEndpoint} is not reachable: ${error.message}`,
        503,
      ),
      'com.amazonaws.dynamodb.v20120810#',
    );
  });
  if (body !== undefined) {
    upstream.end(body);
    return;
  }
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}
