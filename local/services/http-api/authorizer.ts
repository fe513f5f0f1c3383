/**
 * Lambda REQUEST authorizers of an HTTP API, payload format 2.0.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 *
 * - A configured identity source missing from the request → 401, and the function is not invoked.
 * - `isAuthorized: false` (simple responses) or a Deny / no Allow policy → 403.
 * - A function error, a timeout (10 s) or a malformed response → 500.
 * - Results are cached by the identity-source values for AuthorizerResultTtlInSeconds (0 = no caching).
 * The decision logic here is pure; invoking the function is the caller's job.
 */
import { isRecord } from '../kernel/values';

export interface AuthorizerConfig {
  id: string;
  /** ARN of the function to invoke (taken from the authorizer URI). */
  functionArn: string;
  identitySources: string[];
  enableSimpleResponses: boolean;
  payloadFormatVersion: string;
  resultTtlSeconds: number;
}

export interface IdentityLookup {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  context(name: string): string | undefined;
  stageVariable(name: string): string | undefined;
}

/** Resolves `$request.header.X`, `$request.querystring.X`, `$context.X`, `$stageVariables.X`; undefined = missing. */
export function resolveIdentitySource(expression: string, lookup: IdentityLookup): string | undefined {
  const trimmed = expression.trim();
  const prefixes: [string, (name: string) => string | undefined][] = [
    ['$request.header.', (n) => lookup.header(n)],
    ['$request.querystring.', (n) => lookup.query(n)],
    ['$context.', (n) => lookup.context(n)],
    ['$stageVariables.', (n) => lookup.stageVariable(n)],
  ];
  for (const [prefix, resolve] of prefixes) {
    if (trimmed.startsWith(prefix)) {
      const value = resolve(trimmed.slice(prefix.length));
      return value === undefined || value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** Identity values in source order, or undefined when any source is missing (→ 401 without invoking). */
export function resolveIdentity(config: AuthorizerConfig, lookup: IdentityLookup): string[] | undefined {
  const values: string[] = [];
  for (const source of config.identitySources) {
    const value = resolveIdentitySource(source, lookup);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

export type AuthorizerDecision =
  { outcome: 'allow'; context: Record<string, unknown> } | { outcome: 'deny' } | { outcome: 'error'; reason: string };

/** `*` and `?` wildcards of IAM resource ARNs. */
function arnMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return regex.test(arn);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** An IAM policy allows `execute-api:Invoke` on the route ARN when some statement allows it and none denies it. */
function policyAllows(policy: Record<string, unknown>, routeArn: string): boolean {
  let allowed = false;
  for (const statement of asList(policy.Statement)) {
    if (!isRecord(statement)) continue;
    const actions = asList(statement.Action).map(String);
    const resources = asList(statement.Resource).map(String);
    const actionHit = actions.some((a) => arnMatches(a.toLowerCase(), 'execute-api:invoke'));
    const resourceHit = resources.some((r) => arnMatches(r, routeArn));
    if (!actionHit || !resourceHit) continue;
    if (String(statement.Effect) === 'Deny') return false;
    if (String(statement.Effect) === 'Allow') allowed = true;
  }
  return allowed;
}

/** Reads the function's return value according to the authorizer's response mode. */
export function interpretAuthorizerResponse(
  config: AuthorizerConfig,
  response: unknown,
  routeArn: string,
): AuthorizerDecision {
  if (!isRecord(response)) return { outcome: 'error', reason: 'authorizer response is not an object' };
  if (JSON.stringify(response).length > 8192) return { outcome: 'error', reason: 'authorizer response exceeds 8 KB' };
  const context = response.context === undefined || response.context === null ? {} : response.context;
  if (!isRecord(context)) return { outcome: 'error', reason: 'authorizer context is not an object' };
  if (config.enableSimpleResponses && 'isAuthorized' in response) {
    if (typeof response.isAuthorized !== 'boolean')
      return { outcome: 'error', reason: 'isAuthorized is not a boolean' };
    return response.isAuthorized ? { outcome: 'allow', context } : { outcome: 'deny' };
  }
  // Without simple responses (or when the function returns one anyway), an IAM policy is expected.
  if (!isRecord(response.policyDocument)) {
    return {
      outcome: 'error',
      reason: config.enableSimpleResponses ? 'missing isAuthorized' : 'missing policyDocument',
    };
  }
  return policyAllows(response.policyDocument, routeArn) ? { outcome: 'allow', context } : { outcome: 'deny' };
}

/** Caches decisions by authorizer and identity values; with simple responses an allow or deny covers every route. */
export class AuthorizerCache {
  private readonly entries = new Map<string, { decision: AuthorizerDecision; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private key(authorizerId: string, identity: string[]): string {
    return JSON.stringify([authorizerId, ...identity]);
  }

  get(authorizerId: string, identity: string[]): AuthorizerDecision | undefined {
    const key = this.key(authorizerId, identity);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.decision;
  }

  put(authorizerId: string, identity: string[], decision: AuthorizerDecision, ttlSeconds: number): void {
    // Errors are never cached; a TTL of 0 disables caching; a key needs at least one identity source.
    if (decision.outcome === 'error' || ttlSeconds <= 0 || identity.length === 0) return;
    this.entries.set(this.key(authorizerId, identity), { decision, expiresAt: this.now() + ttlSeconds * 1000 });
  }
}
