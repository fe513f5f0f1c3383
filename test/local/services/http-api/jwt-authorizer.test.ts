import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { UrlMap } from '../../../../local/model/url-map';
import {
  ISSUERS_FILE,
  LocalIssuerService,
  mintAccessToken,
  type IssuerRecord,
} from '../../../../local/services/cognito-issuer';
import {
  audienceMatches,
  JwtVerifier,
  jwtRefusal,
  tokenFromIdentity,
  type JwtAuthorizerConfig,
} from '../../../../local/services/http-api/jwt-authorizer';

/**
 * The JWT authorizer against a real local issuer (discovery document and JWKS over HTTP), reached through the URL
 * map as the local cloud wires it.
 */
const POOL = {
  id: 'us-east-1_Abc123xyz',
  name: 'customers-pool',
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123xyz',
  clientIds: ['client-1'],
};

let dir: string;
let issuers: LocalIssuerService;
let record: IssuerRecord;
let key: JWK;
let verifier: JwtVerifier;
const config: JwtAuthorizerConfig = {
  id: 'a1',
  identitySources: ['$request.header.Authorization'],
  issuer: POOL.issuer,
  audiences: ['client-1'],
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'jwt-authorizer-'));
  issuers = new LocalIssuerService({ pools: [POOL], keyDir: path.join(dir, 'keys'), dataDir: dir });
  [record] = await issuers.start(0);
  key = JSON.parse(readFileSync(record.keyFile, 'utf8')) as JWK;
  const urls = new UrlMap();
  urls.add(POOL.issuer, record.local);
  verifier = new JwtVerifier({ resolveUrl: (url) => urls.rewrite(url) });
});

afterAll(async () => {
  await issuers.stop();
  rmSync(dir, { recursive: true, force: true });
});

const token = (overrides: Partial<Parameters<typeof mintAccessToken>[0]> = {}) =>
  mintAccessToken({ privateJwk: key, issuer: POOL.issuer, clientId: 'client-1', subject: 'alice', ...overrides });

describe('the local issuer of a user pool', () => {
  it('serves the discovery document and a JWKS with the public key only', async () => {
    // Act
    const discovery = (await (await fetch(`${record.local}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const jwks = (await (await fetch(`${record.local}/.well-known/jwks.json`)).json()) as { keys: JWK[] };

    // Assess
    expect(discovery).toMatchObject({ issuer: POOL.issuer, jwks_uri: `${POOL.issuer}/.well-known/jwks.json` });
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', kid: key.kid, alg: 'RS256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('keeps its key readable by the owner only, and tells the token command where it is', () => {
    // Assess
    expect(statSync(record.keyFile).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(path.join(dir, ISSUERS_FILE), 'utf8')) as { issuers: IssuerRecord[] };
    expect(written.issuers[0]).toMatchObject({
      id: POOL.id,
      issuer: POOL.issuer,
      clientIds: ['client-1'],
      keyFile: record.keyFile,
    });
  });

  it('reuses the kept key on the next start', async () => {
    // Prepare
    const again = new LocalIssuerService({ pools: [POOL], keyDir: path.join(dir, 'keys'), dataDir: dir });

    // Act
    const [second] = await again.start(0);
    await again.stop();

    // Assess
    expect((JSON.parse(readFileSync(second.keyFile, 'utf8')) as JWK).kid).toBe(key.kid);
  });
});

describe('JWT authorizer', () => {
  it('allows a Cognito-shaped access token (client_id, no aud) and hands on its claims as strings', async () => {
    // Act
    const decision = await verifier.verify(config, `Bearer ${await token()}`, []);

    // Assess
    expect(decision.outcome).toBe('allow');
    if (decision.outcome !== 'allow') return;
    expect(decision.authorization.claims).toMatchObject({
      sub: 'alice',
      client_id: 'client-1',
      token_use: 'access',
      iss: POOL.issuer,
    });
    expect(typeof decision.authorization.claims.exp).toBe('string');
    expect(decision.authorization.scopes).toEqual(['aws.cognito.signin.user.admin']);
  });

  it('takes the token with or without the Bearer prefix', async () => {
    expect(tokenFromIdentity('Bearer abc')).toBe('abc');
    expect(tokenFromIdentity('bearer  abc')).toBe('abc');
    expect(tokenFromIdentity('abc')).toBe('abc');
    expect((await verifier.verify(config, await token(), [])).outcome).toBe('allow');
  });

  it.each([
    ['another audience', { clientId: 'client-2' }, 'the token does not have a valid audience'],
    ['an expired token', { expiresInSeconds: -5 }, 'the token has expired'],
    [
      'another issuer',
      { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' },
      'the token does not have a valid issuer',
    ],
  ])('refuses %s with 401', async (_label, overrides, description) => {
    // Act
    const decision = await verifier.verify(config, await token(overrides), []);

    // Assess
    expect(decision).toEqual({ outcome: 'unauthorized', description });
  });

  it('checks aud, not client_id, when the token has an aud', () => {
    expect(audienceMatches({ aud: 'client-2', client_id: 'client-1' }, ['client-1'])).toBe(false);
    expect(audienceMatches({ aud: ['x', 'client-1'] }, ['client-1'])).toBe(true);
    expect(audienceMatches({ client_id: 'client-1' }, ['client-1'])).toBe(true);
    expect(audienceMatches({}, ['client-1'])).toBe(false);
  });

  it('refuses a token that is not valid yet, one issued in the future and one without exp', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ client_id: 'client-1', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: String(key.kid) })
        .setIssuer(POOL.issuer)
        .setSubject('alice')
        .sign(keyObject);
    const { importJWK } = await import('jose');
    const keyObject = await importJWK(key, 'RS256');

    // Act
    const notYet = await verifier.verify(config, await sign({ nbf: now + 600, exp: now + 900 }), []);
    const future = await verifier.verify(config, await sign({ iat: now + 600, exp: now + 900 }), []);
    const noExp = await verifier.verify(config, await sign({}), []);

    // Assess
    expect(notYet).toEqual({ outcome: 'unauthorized', description: 'the token is not valid yet' });
    expect(future.outcome).toBe('unauthorized');
    expect(noExp.outcome).toBe('unauthorized');
  });

  it('refuses a token signed by another key, and one signed with a shared secret (only RSA)', async () => {
    // Prepare
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const forged = await mintAccessToken({
      privateJwk: { ...(await exportJWK(privateKey)), kid: String(key.kid) },
      issuer: POOL.issuer,
      clientId: 'client-1',
      subject: 'mallory',
    });
    const hmac = await new SignJWT({ client_id: 'client-1' })
      .setProtectedHeader({ alg: 'HS256', kid: String(key.kid) })
      .setIssuer(POOL.issuer)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'));

    // Act
    const wrongKey = await verifier.verify(config, forged, []);
    const wrongAlg = await verifier.verify(config, hmac, []);

    // Assess
    expect(wrongKey).toEqual({ outcome: 'unauthorized', description: 'the token signature is invalid' });
    expect(wrongAlg.outcome).toBe('unauthorized');
  });

  it('refuses what is not a JWT', async () => {
    expect(await verifier.verify(config, 'Bearer not-a-token', [])).toEqual({
      outcome: 'unauthorized',
      description: 'the token is not a JWT',
    });
  });

  it("answers 403 insufficient_scope when the route's scopes are not in the token, and allows one of them", async () => {
    // Act
    const missing = await verifier.verify(config, await token(), ['orders:write']);
    const present = await verifier.verify(config, await token({ scope: 'openid orders:write' }), [
      'orders:read',
      'orders:write',
    ]);

    // Assess
    expect(missing.outcome).toBe('forbidden');
    expect(present.outcome).toBe('allow');
  });

  it('answers as API Gateway does: 401 {"message":"Unauthorized"} with www-authenticate, 403 for scopes', () => {
    // Act
    const unauthorized = jwtRefusal({ outcome: 'unauthorized', description: 'the token has expired' });
    const forbidden = jwtRefusal({ outcome: 'forbidden', description: 'no scope', requiredScopes: ['a', 'b'] });

    // Assess
    expect(unauthorized.statusCode).toBe(401);
    expect(JSON.parse(unauthorized.body.toString())).toEqual({ message: 'Unauthorized' });
    expect(unauthorized.headers['www-authenticate']).toBe(
      'Bearer scope="" error="invalid_token" error_description="the token has expired"',
    );
    expect(forbidden.statusCode).toBe(403);
    expect(JSON.parse(forbidden.body.toString())).toEqual({ message: 'Forbidden' });
    expect(forbidden.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('refuses every token when the issuer cannot be reached', async () => {
    // Prepare
    const offline = new JwtVerifier({ resolveUrl: () => 'http://127.0.0.1:9/nowhere' });

    // Act
    const decision = await offline.verify(config, await token(), []);

    // Assess
    expect(decision.outcome).toBe('unauthorized');
  });
});
