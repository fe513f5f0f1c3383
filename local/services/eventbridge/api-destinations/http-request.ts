/**
 * The HTTP request EventBridge sends to an API destination: pure, no I/O.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html ;
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_HttpParameters.html
 * - each `*` of the endpoint is replaced, in order, by a PathParameterValue;
 * - HttpParameters values that are whole JSONPaths resolve against the ORIGINAL event (engine's resolveJsonPathValue);
 * - the connection's invocation parameters win over the target's on the same key;
 * - AWS's fixed header set, then the authorization header.
 */
import { resolveJsonPathValue } from '../../../engine';
import { ConnectionDefinition, ConnectionParameter, TargetDefinition } from '../types';
import { HttpRequest } from './http-client';

export const API_DESTINATION_USER_AGENT = 'Amazon/EventBridge/ApiDestinations';

/** Headers EventBridge always sends (docs/aws-behaviour.md#api-destination-requests); Content-Length and Host are added by the HTTP client. */
export function fixedHeaders(): Record<string, string> {
  return {
    'User-Agent': API_DESTINATION_USER_AGENT,
    'Content-Type': 'application/json; charset=utf-8',
    Range: 'bytes=0-1048575',
    'Accept-Encoding': 'gzip,deflate',
    Connection: 'close',
  };
}

/** Header names a caller cannot take over (they describe EventBridge's own client) [I]. */
const PROTECTED_HEADERS = new Set(['user-agent', 'range', 'accept-encoding', 'connection', 'host', 'content-length']);

export interface ApiDestinationRequestInput {
  destination: { invocationEndpoint: string; httpMethod: string };
  connection?: ConnectionDefinition;
  httpTarget?: TargetDefinition['httpTarget'];
  /** the original event: JSONPaths in HttpParameters resolve against it */
  event: object;
  /** the rendered payload (event, Input, InputPath or transformer output) */
  payload: string;
  /** the authorization header of the connection, computed by the caller (OAuth needs I/O) */
  authorization?: { name: string; value: string };
  traceHeader?: string;
}

export function buildApiDestinationRequest(input: ApiDestinationRequestInput): HttpRequest {
  const { event, httpTarget, connection } = input;
  const invocation = connection?.authParameters.invocationHttpParameters;

  const url = new URL(
    replaceWildcards(
      input.destination.invocationEndpoint,
      (httpTarget?.pathParameterValues ?? []).map((v) => resolveJsonPathValue(event, v)),
    ),
  );
  const query = mergeByKey(
    resolveMap(event, httpTarget?.queryStringParameters),
    parameterMap(invocation?.queryStrings),
    false,
  );
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);

  const headers = fixedHeaders();
  const custom = mergeByKey(resolveMap(event, httpTarget?.headerParameters), parameterMap(invocation?.headers), true);
  for (const [key, value] of Object.entries(custom)) {
    if (!PROTECTED_HEADERS.has(key.toLowerCase())) setHeader(headers, key, value);
  }
  if (input.traceHeader !== undefined) setHeader(headers, 'X-Amzn-Trace-Id', input.traceHeader);
  if (input.authorization !== undefined) setHeader(headers, input.authorization.name, input.authorization.value);

  const method = input.destination.httpMethod.toUpperCase();
  const body =
    method === 'GET' || method === 'HEAD'
      ? undefined
      : mergeBodyParameters(input.payload, parameterMap(invocation?.bodies));
  return { method, url: url.toString(), headers, body };
}

/** Static authorization header of a BASIC or API_KEY connection; OAuth tokens come from the token cache. */
export function staticAuthorization(
  connection: ConnectionDefinition | undefined,
): { name: string; value: string } | undefined {
  if (connection === undefined) return undefined;
  const auth = connection.authParameters;
  switch (connection.authorizationType) {
    case 'API_KEY':
      // The key name is the header name (API_CreateConnectionApiKeyAuthRequestParameters).
      return auth.apiKey ? { name: auth.apiKey.key, value: auth.apiKey.value } : undefined;
    case 'BASIC':
      return auth.basic
        ? {
            name: 'Authorization',
            value: `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`,
          }
        : undefined;
    default:
      return undefined;
  }
}

/** Each `*` in turn takes the next value (URL-encoded as a path segment); extra `*` stay empty [I]. */
export function replaceWildcards(endpoint: string, values: string[]): string {
  let index = 0;
  return endpoint.replace(/\*/g, () => {
    const value = values[index] ?? '';
    index += 1;
    return encodeURIComponent(value);
  });
}

function resolveMap(event: object, map: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) out[key] = resolveJsonPathValue(event, value);
  return out;
}

export function parameterMap(parameters: ConnectionParameter[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parameters ?? []) if (p.key !== undefined && p.key !== '') out[p.key] = p.value ?? '';
  return out;
}

/** Target values first, then the connection's, which win on the same key (case-insensitive for headers). */
function mergeByKey(
  target: Record<string, string>,
  connection: Record<string, string>,
  caseInsensitive: boolean,
): Record<string, string> {
  const out: Record<string, string> = { ...target };
  for (const [key, value] of Object.entries(connection)) {
    if (caseInsensitive) {
      for (const existing of Object.keys(out)) if (existing.toLowerCase() === key.toLowerCase()) delete out[existing];
    }
    out[key] = value;
  }
  return out;
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const existing of Object.keys(headers))
    if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  headers[name] = value;
}

/** Connection BodyParameters are merged into a JSON-object body; other bodies are sent as they are [I]. */
function mergeBodyParameters(payload: string, bodies: Record<string, string>): string {
  if (Object.keys(bodies).length === 0) return payload;
  try {
    const parsed = JSON.parse(payload) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return JSON.stringify({ ...parsed, ...bodies });
  } catch {
    // not JSON: unchanged
  }
  return payload;
}
