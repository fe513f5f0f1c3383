/**
 * The JSONPath subset that EventBridge accepts in InputPath, InputPathsMap values, HttpParameters dynamic values and
 * Pipes templates, and that API Gateway HTTP APIs accept in `$request.body.<path>`. One parser and one evaluator
 * serve every caller so that they cannot drift apart.
 *
 * Supported (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html, "EventBridge does
 * not support all JSON Path syntax"): `$`, dot notation `$.a.b`, names made of alphanumerics, dashes, underscores and
 * forward slashes, array indices `$.resources[0]`, and `*` wildcards (`$.a.*`, `$.a[*]`).
 * Rejected with a reason: bracket-quoted names (`$['a']`), filters (`[?(...)]`), recursive descent (`$..a`), unions,
 * slices and negative indices (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
 * names recursive descent and filters as unsupported).
 *
 * Evaluation follows Jayway JsonPath (the Java library AWS's docs link to): a definite path (no wildcard) yields one
 * value or nothing; a path with a wildcard yields the array of every match, in document order.
 */
import { EngineError } from './errors';

/** Thrown by {@link parseJsonPath}; callers wrap it in the AWS error of their API. */
export class JsonPathSyntaxError extends EngineError {
  override readonly name = 'JsonPathSyntaxError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Invalid JSON path ${path}: ${reason}`);
  }
}

export type JsonPathSegment = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export interface CompiledJsonPath {
  readonly source: string;
  readonly segments: readonly JsonPathSegment[];
  /** True when the path has no wildcard, so it selects at most one value. */
  readonly definite: boolean;
}

export type JsonPathResult = { found: true; value: unknown } | { found: false };

/** Characters that may appear in a dot-notation name: everything except JSONPath syntax and whitespace. */
const NAME_CHAR = /[^.[\]*'"()?,$\s]/;

/** Parses (and so validates) a path. Throws {@link JsonPathSyntaxError} with a reason a user can act on. */
export function parseJsonPath(path: string): CompiledJsonPath {
  const fail = (reason: string): never => {
    throw new JsonPathSyntaxError(path, reason);
  };
  if (typeof path !== 'string' || path.length === 0) fail('the path is empty');
  if (path[0] !== '$') fail("the path must start with '$'");

  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      if (path[i + 1] === '.') fail('recursive descent (..) is not supported');
      i += 1;
      if (path[i] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 1;
        continue;
      }
      const start = i;
      while (i < path.length && NAME_CHAR.test(path[i])) i += 1;
      if (i === start) {
        fail(i >= path.length ? 'the path ends with a dot' : `unexpected character '${path[i]}' at position ${i}`);
      }
      segments.push({ kind: 'name', name: path.slice(start, i) });
      continue;
    }
    if (ch === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) fail(`unclosed '[' at position ${i}`);
      const inner = path.slice(i + 1, close).trim();
      if (inner.startsWith('?')) fail('filter expressions are not supported');
      if (inner.startsWith("'") || inner.startsWith('"'))
        fail('bracket-quoted names are not supported; use dot notation');
      if (inner === '*') segments.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (inner.includes(',')) fail('unions are not supported');
      else if (inner.includes(':')) fail('array slices are not supported');
      else if (inner.startsWith('(')) fail('script expressions are not supported');
      else fail(`unsupported array index '${inner}'`);
      i = close + 1;
      continue;
    }
    fail(`unexpected character '${ch}' at position ${i}`);
  }
  return { source: path, segments, definite: segments.every((s) => s.kind !== 'wildcard') };
}

/** True when the text parses as a supported path. */
export function isValidJsonPath(path: string): boolean {
  try {
    parseJsonPath(path);
    return true;
  } catch (err) {
    if (err instanceof JsonPathSyntaxError) return false;
    throw err;
  }
}

/** Evaluates a path (text or compiled) against a parsed JSON document. Throws only for a path that does not parse. */
export function evaluateJsonPath(document: unknown, path: string | CompiledJsonPath): JsonPathResult {
  const compiled = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: unknown[] = [document];
  for (const segment of compiled.segments) {
    const next: unknown[] = [];
    for (const node of current) step(node, segment, next);
    current = next;
  }
  if (compiled.definite) return current.length === 1 ? { found: true, value: current[0] } : { found: false };
  // A wildcard path with no match selects nothing, which callers treat like a missing path.
  return current.length > 0 ? { found: true, value: current } : { found: false };
}

function step(node: unknown, segment: JsonPathSegment, out: unknown[]): void {
  if (segment.kind === 'name') {
    if (isPlainObject(node) && Object.prototype.hasOwnProperty.call(node, segment.name)) out.push(node[segment.name]);
    return;
  }
  if (segment.kind === 'index') {
    if (Array.isArray(node) && segment.index < node.length) out.push(node[segment.index]);
    return;
  }
  if (Array.isArray(node)) out.push(...node);
  else if (isPlainObject(node)) out.push(...Object.values(node));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
