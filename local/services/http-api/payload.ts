/**
 * Lambda proxy payload format 2.0: the request event an HTTP API (or a Function URL) sends to a function, and how
 * the function's return value becomes the HTTP response. Pure: no I/O.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
import { randomBytes } from 'node:crypto';
import { isRecord } from '../kernel/values';
import { LocalCloudError } from '../kernel/errors';

/** What the server knows about an incoming request, before any route is chosen. */
export interface IncomingHttpRequest {
  method: string;
  /** The path as the client sent it (no query string), stage prefix included. */
  rawPath: string;
  rawQueryString: string;
  /** Raw header pairs, in order, as node's `rawHeaders` gives them. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  receivedAt: Date;
  requestId: string;
}

export interface RequestContextOptions {
  accountId: string;
  apiId: string;
  domainName: string;
  routeKey: string;
  stage: string;
  authorizer?: Record<string, unknown>;
}

export interface V2RequestContext {
  accountId: string;
  apiId: string;
  authorizer?: Record<string, unknown>;
  domainName: string;
  domainPrefix: string;
  http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
  requestId: string;
  routeKey: string;
  stage: string;
  time: string;
  timeEpoch: number;
}

export interface V2Event {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  requestContext: V2RequestContext;
  body?: string;
  isBase64Encoded: boolean;
}

/** API Gateway's request ids look like `JKJaXmPLvHcESHA=`: 16 base64 characters. */
export function newRequestId(): string {
  return randomBytes(11).toString('base64');
}

/** Headers lowercased, duplicates comma-joined; `cookie` headers are split out into `cookies`. */
export function collectHeaders(rawHeaders: string[]): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

/** Multi-valued query keys, in order (`a=1&a=2` → `{a:['1','2']}`), case-sensitive. */
export function parseQuery(rawQueryString: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  if (rawQueryString === '') return result;
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryPart(pair.slice(eq + 1));
    (result[key] ??= []).push(value);
  }
  return result;
}

function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** `15/Jan/2025:12:00:00 +0000`, the request time format of API Gateway's context. */
export function formatRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

const TEXT_TYPES = [
  /^text\//,
  /json/,
  /xml/,
  /javascript/,
  /^application\/x-www-form-urlencoded/,
  /^application\/graphql/,
  /yaml/,
];

/** Whether a body is passed as text or base64 (`isBase64Encoded`). Text types and, without a type, valid UTF-8. */
export function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  if (contentType === undefined || contentType.trim() === '') {
    return Buffer.from(body.toString('utf8'), 'utf8').equals(body);
  }
  const type = contentType.toLowerCase();
  return TEXT_TYPES.some((pattern) => pattern.test(type));
}

export function buildRequestContext(
  request: IncomingHttpRequest,
  headers: Record<string, string>,
  options: RequestContextOptions,
): V2RequestContext {
  const context: V2RequestContext = {
    accountId: options.accountId,
    apiId: options.apiId,
    domainName: options.domainName,
    domainPrefix: options.domainName.split('.')[0],
    http: {
      method: request.method.toUpperCase(),
      path: request.rawPath,
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: request.requestId,
    routeKey: options.routeKey,
    stage: options.stage,
    time: formatRequestTime(request.receivedAt),
    timeEpoch: request.receivedAt.getTime(),
  };
  if (options.authorizer !== undefined) {
    // Key order as AWS prints it: authorizer sits between apiId and domainName.
    return {
      accountId: context.accountId,
      apiId: context.apiId,
      authorizer: options.authorizer,
      domainName: context.domainName,
      domainPrefix: context.domainPrefix,
      http: context.http,
      requestId: context.requestId,
      routeKey: context.routeKey,
      stage: context.stage,
      time: context.time,
      timeEpoch: context.timeEpoch,
    };
  }
  return context;
}

export interface BuildEventOptions extends RequestContextOptions {
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  /** Authorizer events carry no body. */
  includeBody?: boolean;
}

/** The payload 2.0 event for a request. Keys with nothing to report are omitted, never `null`. */
export function buildV2Event(request: IncomingHttpRequest, options: BuildEventOptions): V2Event {
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  const query = parseQuery(request.rawQueryString);
  const event: V2Event = {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers,
    requestContext: buildRequestContext(request, headers, options),
    isBase64Encoded: false,
  };
  const ordered: Record<string, unknown> = {
    version: event.version,
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
  };
  if (cookies.length > 0) ordered.cookies = cookies;
  ordered.headers = headers;
  if (Object.keys(query).length > 0) {
    ordered.queryStringParameters = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.join(',')]));
  }
  if (options.pathParameters && Object.keys(options.pathParameters).length > 0)
    ordered.pathParameters = options.pathParameters;
  if (options.stageVariables && Object.keys(options.stageVariables).length > 0)
    ordered.stageVariables = options.stageVariables;
  ordered.requestContext = event.requestContext;
  if (options.includeBody !== false) {
    if (request.body.length > 0) {
      const text = isTextBody(headers['content-type'], request.body);
      ordered.body = text ? request.body.toString('utf8') : request.body.toString('base64');
      ordered.isBase64Encoded = !text;
    } else {
      ordered.isBase64Encoded = false;
    }
  }
  return ordered as unknown as V2Event;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

export function jsonMessage(statusCode: number, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

export class MalformedLambdaResponseError extends LocalCloudError {}

/**
 * Turns a function's return value into the HTTP response (payload format 2.0 inference):
 * an object with `statusCode` is read as a structured response; any other JSON value becomes 200
 * application/json with the value's JSON text as the body (a string keeps its quotes).
 * Throws MalformedLambdaResponseError for a structured response AWS would reject (→ 500).
 */
export function interpretLambdaResponse(result: unknown): HttpResponse {
  if (isRecord(result) && 'statusCode' in result) {
    const statusCode = Number(result.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
      throw new MalformedLambdaResponseError(`Invalid statusCode ${String(result.statusCode)}`);
    }
    const headers: Record<string, string> = {};
    if (result.headers !== undefined && result.headers !== null) {
      if (!isRecord(result.headers)) throw new MalformedLambdaResponseError('headers must be an object');
      for (const [name, value] of Object.entries(result.headers)) {
        if (value === null || value === undefined) continue;
        if (typeof value === 'object') throw new MalformedLambdaResponseError(`header ${name} must be a scalar`);
        headers[name.toLowerCase()] = String(value);
      }
    }
    let cookies: string[] = [];
    if (result.cookies !== undefined && result.cookies !== null) {
      if (!Array.isArray(result.cookies)) throw new MalformedLambdaResponseError('cookies must be an array');
      cookies = result.cookies.map(String);
    }
    let body = Buffer.alloc(0);
    if (result.body !== undefined && result.body !== null) {
      if (typeof result.body !== 'string') throw new MalformedLambdaResponseError('body must be a string');
      body = result.isBase64Encoded === true ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
    }
    return { statusCode, headers, cookies, body };
  }
  const text = result === undefined ? 'null' : JSON.stringify(result);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(text, 'utf8'),
  };
}
