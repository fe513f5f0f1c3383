/**
 * JWT authorizers of an HTTP API (AuthorizerType JWT): API Gateway itself validates the token, no function runs.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html
 *
 * As AWS does it:
 * - the identity source holds the token alone or `Bearer <token>`; a missing identity source → 401;
 * - the signature is checked with the issuer's key (by `kid`) from the `jwks_uri` of
 *   `<issuer>/.well-known/openid-configuration`; only RSA algorithms are supported; keys are cached (AWS: up to two
 *   hours; here for the life of the process, the local issuer never rotates while it runs);
 * - claims: `iss` equals the configured issuer; `aud`, or `client_id` when the token has no `aud`, is one of the
 *   configured audiences; `exp` is after now; `nbf` and `iat` are before now;
 * - a route with authorization scopes needs a token whose `scope` (or `scp`) holds at least one of them;
 * - every failure answers `401 {"message":"Unauthorized"}` with a `www-authenticate: Bearer ... error="invalid_token"
 *   error_description="..."` header, except a token without the route's scopes, which answers
 *   `403 {"message":"Forbidden"}` with `error="insufficient_scope"` (RFC 6750 section 3.1).
 * - the integration sees the claims: payload 2.0 `requestContext.authorizer.jwt.{claims,scopes}` and parameter
 *   mappings `$context.authorizer.claims.<claim>`. HTTP APIs pass claims on as strings (payload 2.0 shows `exp` as
 *   `"1787996002"`); non-string claims become their JSON text here.
 * Where the local cloud differs: the issuer's documents are fetched from wherever the URL map sends the issuer URL
 * (the local issuer for a user pool the graph declares), and https is not required locally.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { jsonMessage, type HttpResponse } from './payload';

export interface JwtAuthorizerConfig {
  id: string;
  identitySources: string[];
  issuer: string;
  audiences: string[];
}

export interface JwtAuthorization {
  claims: Record<string, string>;
  /** The token's scopes, or null when it has none (as payload 2.0 shows them). */
  scopes: string[] | null;
}

export type JwtDecision =
  | { outcome: 'allow'; authorization: JwtAuthorization }
  | { outcome: 'unauthorized'; description: string }
  | { outcome: 'forbidden'; description: string; requiredScopes: string[] };

/** Only RSA-based algorithms are supported by API Gateway's JWT authorizer. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/** `Bearer <token>` or the token alone. */
export function tokenFromIdentity(value: string): string {
  const trimmed = value.trim();
  return /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '').trim() : trimmed;
}

function stringClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}

function scopesOf(payload: JWTPayload): string[] | null {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s !== '');
  if (Array.isArray(raw)) return raw.map(String);
  return null;
}

/** The audience rule: `aud` when the token has one, else `client_id`. Pure. */
export function audienceMatches(payload: JWTPayload, audiences: readonly string[]): boolean {
  if (payload.aud !== undefined) {
    const values = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    return values.some((a) => audiences.includes(a));
  }
  return typeof payload.client_id === 'string' && audiences.includes(payload.client_id);
}

/** The 401 / 403 API Gateway answers for a refused token. */
export function jwtRefusal(decision: Exclude<JwtDecision, { outcome: 'allow' }>): HttpResponse {
  if (decision.outcome === 'forbidden') {
    const response = jsonMessage(403, 'Forbidden');
    response.headers['www-authenticate'] =
      `Bearer scope="${decision.requiredScopes.join(' ')}" error="insufficient_scope" error_description="${decision.description}"`;
    return response;
  }
  const response = jsonMessage(401, 'Unauthorized');
  response.headers['www-authenticate'] =
    `Bearer scope="" error="invalid_token" error_description="${decision.description}"`;
  return response;
}

export interface JwtVerifierOptions {
  /** Maps an AWS URL (the issuer's) to where it is served locally. */
  resolveUrl?: (url: string) => string;
  now?: () => number;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

export class JwtVerifier {
  private readonly keySets = new Map<string, Promise<KeySet>>();
  private readonly now: () => number;

  constructor(private readonly options: JwtVerifierOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Validates `identity` (the identity source's value) for a route with these authorization scopes. */
  async verify(config: JwtAuthorizerConfig, identity: string, routeScopes: readonly string[]): Promise<JwtDecision> {
    const token = tokenFromIdentity(identity);
    if (token.split('.').length !== 3) return { outcome: 'unauthorized', description: 'the token is not a JWT' };
    let payload: JWTPayload;
    try {
      const keys = await this.keySet(config.issuer);
      const nowSeconds = Math.floor(this.now() / 1000);
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: JWT_ALGORITHMS,
        issuer: config.issuer,
        requiredClaims: ['exp'],
        currentDate: new Date(nowSeconds * 1000),
        clockTolerance: 0,
      }));
      if (typeof payload.iat === 'number' && payload.iat > nowSeconds)
        return { outcome: 'unauthorized', description: 'the token was issued in the future' };
    } catch (error) {
      return { outcome: 'unauthorized', description: describeJoseError(error) };
    }
    if (!audienceMatches(payload, config.audiences))
      return { outcome: 'unauthorized', description: 'the token does not have a valid audience' };
    const scopes = scopesOf(payload);
    if (routeScopes.length > 0 && !(scopes ?? []).some((s) => routeScopes.includes(s))) {
      return {
        outcome: 'forbidden',
        description: 'the token does not have the scopes the route requires',
        requiredScopes: [...routeScopes],
      };
    }
    return { outcome: 'allow', authorization: { claims: stringClaims(payload), scopes } };
  }

  /** The issuer's key set, from its discovery document's `jwks_uri` (fetched once per issuer). */
  private keySet(issuer: string): Promise<KeySet> {
    let keys = this.keySets.get(issuer);
    if (!keys) {
      keys = this.discover(issuer);
      this.keySets.set(issuer, keys);
      // A failed discovery is retried on the next request.
      keys.catch(() => this.keySets.delete(issuer));
    }
    return keys;
  }

  private async discover(issuer: string): Promise<KeySet> {
    const resolve = this.options.resolveUrl ?? ((url: string) => url);
    const discoveryUrl = resolve(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    const response = await fetch(discoveryUrl);
    if (!response.ok) throw new Error(`the issuer's discovery document answered ${response.status}`);
    const document = (await response.json()) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string') throw new Error("the issuer's discovery document has no jwks_uri");
    return createRemoteJWKSet(new URL(resolve(document.jwks_uri)));
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is not valid`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is not signed with an RSA algorithm';
  if (error instanceof joseErrors.JOSEError) return 'the token is not valid';
  return `the issuer's keys could not be read: ${error instanceof Error ? error.message : String(error)}`;
}
