/**
 * DynamoDB and DynamoDB Streams calls whose ARNs are translated (see dynamodb-arns.ts), forwarded to DynamoDB
 * Local: request and answer are buffered and rewritten, and the answer's CRC32 checksum (`x-amz-crc32`, which the
 * SDKs verify) is recomputed over the rewritten body. Item operations do not come here: the edge forwards them
 * byte for byte (local/services/edge/dynamodb-proxy.ts).
 */
import * as http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import type { DynamoDbArnTranslator } from './dynamodb-arns';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; content-length is recomputed. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!NOT_FORWARDED.has(name) && value !== undefined) out[name] = value;
  return out;
}

/**
 * Asks DynamoDB Local for a table's current stream (DescribeTable) and lets the translator learn it, so that a
 * client's first call may already name the stream by the stack's ARN.
 */
function learnStream(dynamoDbEndpoint: string, table: string, arns: DynamoDbArnTranslator): Promise<void> {
  const upstream = new URL(dynamoDbEndpoint);
  const body = JSON.stringify({ TableName: table });
  return new Promise((resolve) => {
    const request = http.request(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.DescribeTable',
          // DynamoDB Local wants a SigV4-shaped header; it checks no signature, and -sharedDb takes any credentials.
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/ddblocal/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'content-length': Buffer.byteLength(body),
        },
      },
      (answer) => {
        readAll(answer).then(
          (raw) => {
            arns.toStack(raw.toString('utf8'));
            resolve();
          },
          () => resolve(),
        );
      },
    );
    // Unreachable: the forwarded call itself will say so.
    request.on('error', () => resolve());
    request.end(body);
  });
}

export async function forwardTranslated(
  req: IncomingMessage,
  res: ServerResponse,
  dynamoDbEndpoint: string,
  arns: DynamoDbArnTranslator,
): Promise<void> {
  const text = (await readAll(req)).toString('utf8');
  for (const table of arns.unresolvedTables(text)) await learnStream(dynamoDbEndpoint, table, arns);
  const body = Buffer.from(arns.toLocal(text), 'utf8');
  const upstream = new URL(dynamoDbEndpoint);
  const headers = { ...forwardable(req.headers), host: upstream.host, 'content-length': body.length };
  const request = http.request(
    {
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    },
    (answer) => {
      readAll(answer).then(
        (raw) => {
          // An encoded (compressed) answer is passed as it is.
          const rewritten = answer.headers['content-encoding']
            ? raw
            : Buffer.from(arns.toStack(raw.toString('utf8')), 'utf8');
          const out: http.OutgoingHttpHeaders = { ...forwardable(answer.headers), 'content-length': rewritten.length };
          if (out['x-amz-crc32'] !== undefined) out['x-amz-crc32'] = String(zlib.crc32(rewritten));
          res.writeHead(answer.statusCode ?? 502, out);
          res.end(rewritten);
        },
        (error: Error) => res.destroy(error),
      );
    },
  );
  request.on('error', (error) => {
    if (res.headersSent) return void res.destroy(error);
    // DynamoDB Local not reachable: a 5xx the SDK retries, with a message that says why.
    const text = JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
      message: `DynamoDB Local at ${dynamoDbEndpoint} is not reachable: ${error.message}`,
    });
    res.writeHead(503, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-errortype': 'ServiceUnavailable',
    });
    res.end(text);
  });
  request.end(body);
}
