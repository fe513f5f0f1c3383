/**
 * Small HTTP helpers shared by the edge's protocol handlers: reading a body, and answering in the AWS JSON
 * protocol (https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { errorMessage, LocalCloudError } from '../kernel/errors';

/** Largest request body the edge accepts (SQS and EventBridge limits are far below; DynamoDB is streamed). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request body. One over MAX_BODY_BYTES is read to its end and discarded, then refused with 413 (as AWS's
 * front ends answer an oversized request), so the client gets an answer instead of a connection reset.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES)
        reject(
          new AwsProtocolError(
            'RequestEntityTooLarge',
            `Request body of ${size} bytes exceeds ${MAX_BODY_BYTES} bytes`,
            413,
            { connection: 'close' },
          ),
        );
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** An error to answer with: AWS error code (`__type`), message, HTTP status and optional extra headers. */
export class AwsProtocolError extends LocalCloudError {
  constructor(
    code: string,
    message: string,
    statusCode = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message, { code, statusCode });
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/**
 * AWS JSON error: `{"__type": code, "message": ...}` plus the `x-amzn-ErrorType` header, which SDKs also read.
 * `typePrefix` qualifies `__type` for services that send shape ids (SQS: `com.amazonaws.sqs#QueueDoesNotExist`).
 */
export function sendJsonError(
  res: ServerResponse,
  contentType: string,
  error: AwsProtocolError,
  typePrefix = '',
): void {
  sendJson(
    res,
    error.statusCode,
    contentType,
    { __type: `${typePrefix}${error.code}`, message: error.message },
    {
      'x-amzn-errortype': error.code,
      ...error.headers,
    },
  );
}

/** Parses a JSON request body into an object; AWS answers unparsable input with SerializationException. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsProtocolError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsProtocolError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Turns what a delegated service threw into an AWS error: a LocalCloudError carries its AWS code and status;
 * anything else is the service's own failure (500).
 */
export function toAwsError(error: unknown, internalCode = 'InternalException'): AwsProtocolError {
  if (error instanceof AwsProtocolError) return error;
  if (error instanceof LocalCloudError) return new AwsProtocolError(error.code, error.message, error.statusCode);
  return new AwsProtocolError(internalCode, errorMessage(error), 500);
}
