/**
 * API Gateway HTTP API request parameter mapping, as used by AWS service integrations such as
 * IntegrationSubtype `EventBridge-PutEvents` (RequestParameters `Source`, `DetailType`, `Detail`, ...).
 *
 * Sources: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html ;
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services.html ;
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html
 *
 * A value is one of:
 * - a whole expression: `$request.body`, `$request.body.<jsonpath>`, `$request.header.<name>`,
 *   `$request.querystring.<name>`, `$request.path`, `$request.path.<name>`, `$context.<variable>`,
 *   `$stageVariables.<name>`;
 * - text with `${...}` expressions (the page's bracketed form, `${request.header.name}`), which may be mixed with
 *   static text: `prefix-${request.header.x}`;
 * - any other string: a static value.
 * A value that resolves to nothing maps to '' [I]; for PutEvents that empties the parameter, which PutEvents then
 * reports (e.g. InvalidArgument for an empty Source).
 */
import { ValidationException } from './errors';
import { evaluateJsonPath, JsonPathSyntaxError, parseJsonPath } from './json-path';

export interface HttpRequestContext {
  /** The raw request body (already base64-decoded if the client sent binary). */
  body: string;
  headers: Record<string, string | string[]>;
  query: Record<string, string | string[]>;
  pathParameters: Record<string, string>;
  /** `$context` variables; nested ones (`authorizer.claims.sub`, `identity.sourceIp`) as nested objects or dotted keys. */
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
  /** The request path without the stage name, for `$request.path` (optional; '' when absent). */
  path?: string;
}

/** "API Gateway truncates the request body at 100 KB and then applies the selection expression." */
export const BODY_JSONPATH_LIMIT_BYTES = 100 * 1024;

/** Thrown for an expression API Gateway would reject when the integration is created (message [I]). */
export class InvalidMappingExpressionError extends ValidationException {}

type Expression =
  | { kind: 'body' }
  | { kind: 'bodyPath'; path: string }
  | { kind: 'header'; name: string }
  | { kind: 'query'; name: string }
  | { kind: 'path' }
  | { kind: 'pathParameter'; name: string }
  | { kind: 'context'; name: string }
  | { kind: 'stageVariable'; name: string };

const WHOLE_EXPRESSION = /^\$(request|context|stageVariables)\./;
const BRACKETED = /\$\{([^}]*)\}/g;

/** Evaluates every parameter of a mapping. Throws InvalidMappingExpressionError for an unsupported expression. */
export function evaluateParameterMapping(
  mapping: Record<string, string>,
  request: HttpRequestContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(mapping)) out[key] = evaluateMappingValue(value, request);
  return out;
}

/** Checks every value parses, as CreateIntegration would. */
export function validateParameterMapping(mapping: Record<string, string>): void {
  for (const value of Object.values(mapping)) {
    if (WHOLE_EXPRESSION.test(value) || value === '$request.body' || value === '$request.path') {
      parseExpression(value.slice(1), value);
    } else {
      for (const match of value.matchAll(BRACKETED)) parseExpression(match[1], value);
    }
  }
}

export function evaluateMappingValue(value: string, request: HttpRequestContext): string {
  if (value === '$request.body' || value === '$request.path' || WHOLE_EXPRESSION.test(value)) {
    return resolve(parseExpression(value.slice(1), value), request);
  }
  if (!value.includes('${')) return value;
  return value.replace(BRACKETED, (_whole, inner: string) => resolve(parseExpression(inner, value), request));
}

/** Parses an expression without its leading `$` (e.g. `request.header.x-type`). */
function parseExpression(expr: string, original: string): Expression {
  const invalid = (): never => {
    throw new InvalidMappingExpressionError(`Invalid mapping expression specified: ${original}`);
  };
  const rest = (prefix: string) => {
    const name = expr.slice(prefix.length);
    return name.length > 0 ? name : invalid();
  };
  if (expr === 'request.body') return { kind: 'body' };
  if (expr === 'request.path') return { kind: 'path' };
  // `request.body.a.b` selects a member; `request.body[0]` a top-level array element.
  if (expr.startsWith('request.body.') || expr.startsWith('request.body[')) {
    const tail = expr.slice('request.body'.length);
    const path = `$${tail}`;
    try {
      parseJsonPath(path);
    } catch (err) {
      if (err instanceof JsonPathSyntaxError) invalid();
      throw err;
    }
    return { kind: 'bodyPath', path };
  }
  if (expr.startsWith('request.header.')) return { kind: 'header', name: rest('request.header.') };
  if (expr.startsWith('request.querystring.')) return { kind: 'query', name: rest('request.querystring.') };
  if (expr.startsWith('request.path.')) return { kind: 'pathParameter', name: rest('request.path.') };
  if (expr.startsWith('context.')) return { kind: 'context', name: rest('context.') };
  if (expr.startsWith('stageVariables.')) return { kind: 'stageVariable', name: rest('stageVariables.') };
  return invalid();
}

function resolve(expression: Expression, request: HttpRequestContext): string {
  switch (expression.kind) {
    case 'body':
      return request.body;
    case 'bodyPath':
      return resolveBodyPath(request.body, expression.path);
    case 'header':
      return headerValue(request.headers, expression.name);
    case 'query':
      return joinValues(request.query[expression.name]);
    case 'path':
      return request.path ?? '';
    case 'pathParameter':
      return request.pathParameters[expression.name] ?? '';
    case 'context':
      return stringify(contextValue(request.context, expression.name));
    case 'stageVariable':
      return request.stageVariables[expression.name] ?? '';
  }
}

/** JSONPath on the body truncated to 100 KB; a string selects its raw text, anything else its JSON text. */
function resolveBodyPath(body: string, path: string): string {
  const bytes = Buffer.from(body, 'utf8');
  const text =
    bytes.length > BODY_JSONPATH_LIMIT_BYTES ? bytes.subarray(0, BODY_JSONPATH_LIMIT_BYTES).toString('utf8') : body;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // A body that is not JSON (or stops being JSON once truncated) selects nothing.
    return '';
  }
  const result = evaluateJsonPath(document, path);
  return result.found ? stringify(result.value) : '';
}

/** Header names are case-insensitive; repeated values (an array, or keys differing in case) join with commas. */
function headerValue(headers: Record<string, string | string[]>, name: string): string {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) values.push(...(Array.isArray(value) ? value : [value]));
  }
  return values.join(',');
}

function joinValues(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : value;
}

/** `$context.a.b`: a dotted key if present as such, else a walk through nested objects. */
function contextValue(context: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(context, name)) return context[name];
  let node: unknown = context;
  for (const part of name.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, part))
      return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function stringify(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
