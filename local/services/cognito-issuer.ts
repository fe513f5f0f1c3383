/**
 * Amazon Cognito user pools, as token issuers: for each user pool the graph declares, the local cloud serves the
 * pool's OpenID Connect discovery document and its JSON Web Key Set, and signs tokens with the pool's own key.
 * Nothing else of Cognito (users, passwords, InitiateAuth) is emulated: `npm run token` (local/token-cli.ts) mints
 * a token for any user directly, as Cognito would after a successful sign-in.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 *
 * - The issuer is `https://cognito-idp.<region>.amazonaws.com/<pool id>` (the graph's `endpoint` with https); its
 *   documents are `<issuer>/.well-known/openid-configuration` and `<issuer>/.well-known/jwks.json`. The URL map
 *   sends the issuer URL to this server (`<local>/<pool id>`), so anything that follows the issuer's URLs (the
 *   HTTP API's JWT authorizer) reaches these documents.
 * - Each pool has one RS256 key pair, generated on first use and kept in the data directory (so tokens survive a
 *   restart; an in-memory run gets a fresh one), readable by the owner only.
 * - Tokens are access tokens shaped as Cognito's: `sub`, `iss`, `client_id` (no `aud`), `token_use: access`,
 *   `scope`, `auth_time`, `iat`, `exp`, `jti`, `username`.
 * - `<data dir>/local-issuers.json` tells `npm run token` which pools and clients the running cloud serves.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { physicalName, type ResourceGraph } from '../model/graph';
import { jsonMessage, type HttpResponse, type IncomingHttpRequest } from './http-api/payload';
import { LocalHttpServer } from './http-api/server';

export const USER_POOL_TYPE = 'aws:cognito/userPool:UserPool';
export const USER_POOL_CLIENT_TYPE = 'aws:cognito/userPoolClient:UserPoolClient';

/** The file, in the data directory, that says which issuers the running local cloud serves. */
export const ISSUERS_FILE = 'local-issuers.json';

/** The scope Cognito gives access tokens from its user pools API (InitiateAuth). */
export const COGNITO_SIGNIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface UserPoolDefinition {
  id: string;
  name: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  issuer: string;
  clientIds: string[];
}

export interface IssuerRecord extends UserPoolDefinition {
  /** Where this run serves the issuer's documents. */
  local: string;
  /** The pool's private key (JWK, JSON). */
  keyFile: string;
}

export function readUserPools(graph: ResourceGraph): UserPoolDefinition[] {
  const clients = graph.ofType(USER_POOL_CLIENT_TYPE);
  return graph.ofType(USER_POOL_TYPE).map((pool) => ({
    id: pool.id,
    name: physicalName(pool),
    issuer: `https://${String(pool.state.endpoint ?? `cognito-idp.amazonaws.com/${pool.id}`)}`,
    clientIds: clients.filter((c) => c.state.userPoolId === pool.id).map((c) => c.id),
  }));
}

/** The discovery document Cognito publishes for a pool (the fields a relying party reads). */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  };
}

/** The pool's key pair: read from `file`, or generated and written there (mode 0600). */
export async function loadOrCreateSigningKey(file: string): Promise<JWK> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  chmodSync(file, 0o600);
  return jwk;
}

/** The public half of a private RSA JWK, as a JWKS lists it. */
export function publicJwk(privateJwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = privateJwk;
  return { kty, n, e, kid, alg, use };
}

export interface AccessTokenArgs {
  privateJwk: JWK;
  issuer: string;
  clientId: string;
  subject: string;
  username?: string;
  /** Space-separated scopes (default Cognito's sign-in scope). */
  scope?: string;
  /** Seconds until `exp` (default 3600; may be negative, for an expired token). */
  expiresInSeconds?: number;
  now?: Date;
}

/** A Cognito-shaped access token, signed RS256 with the pool's key. */
export async function mintAccessToken(args: AccessTokenArgs): Promise<string> {
  const now = Math.floor((args.now ?? new Date()).getTime() / 1000);
  const key = await importJWK(args.privateJwk, 'RS256');
  return new SignJWT({
    client_id: args.clientId,
    token_use: 'access',
    scope: args.scope ?? COGNITO_SIGNIN_SCOPE,
    auth_time: now,
    username: args.username ?? args.subject,
    origin_jti: randomUUID(),
  })
    .setProtectedHeader({ alg: 'RS256', kid: String(args.privateJwk.kid) })
    .setSubject(args.subject)
    .setIssuer(args.issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + (args.expiresInSeconds ?? 3600))
    .setJti(randomUUID())
    .sign(key);
}

export interface LocalIssuerOptions {
  pools: UserPoolDefinition[];
  /** Where the keys are kept. */
  keyDir: string;
  /** Where ISSUERS_FILE is written (the data directory). */
  dataDir: string;
}

/** Serves every pool's discovery document and JWKS under `/<pool id>/.well-known/...` on one local server. */
export class LocalIssuerService {
  private server?: LocalHttpServer;
  private readonly documents = new Map<string, Record<string, unknown>>();
  records: IssuerRecord[] = [];

  constructor(private readonly options: LocalIssuerOptions) {}

  async start(port = 0): Promise<IssuerRecord[]> {
    this.server = new LocalHttpServer((request) => this.handle(request));
    const base = await this.server.start(port);
    this.records = [];
    for (const pool of this.options.pools) {
      const keyFile = path.join(this.options.keyDir, `${pool.id}.jwk.json`);
      const jwk = await loadOrCreateSigningKey(keyFile);
      this.documents.set(`/${pool.id}/.well-known/openid-configuration`, discoveryDocument(pool.issuer));
      this.documents.set(`/${pool.id}/.well-known/jwks.json`, { keys: [publicJwk(jwk)] });
      this.records.push({ ...pool, local: `${base}/${pool.id}`, keyFile });
    }
    mkdirSync(this.options.dataDir, { recursive: true });
    writeFileSync(path.join(this.options.dataDir, ISSUERS_FILE), JSON.stringify({ issuers: this.records }, null, 2));
    return this.records;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  private async handle(request: IncomingHttpRequest): Promise<HttpResponse> {
    const document = request.method === 'GET' ? this.documents.get(request.rawPath) : undefined;
    if (!document) return jsonMessage(404, 'Not Found');
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from(JSON.stringify(document)),
    };
  }
}
