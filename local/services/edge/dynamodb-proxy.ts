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

export function forwardToDynamoDb(req: IncomingMessage, res: ServerResponse, dynamoDbEndpoint: string): void {
  const target = new URL(dynamoDbEndpoint);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  }
  headers.host = target.host;
  const upstream = http.request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
    },
    (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
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
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}
