import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { JWK } from 'jose';
import { evaluateParameterMapping } from '../../../../local/engine/parameter-mapping';
import type { PutEventsRequestEntry } from '../../../../local/engine';
import { GraphResource, ResourceGraph } from '../../../../local/model/graph';
import { UrlMap } from '../../../../local/model/url-map';
import { LocalIssuerService, mintAccessToken } from '../../../../local/services/cognito-issuer';
import { EventPutter, HttpApiService, readHttpApis, SyncInvoker } from '../../../../local/services/http-api';

/** Routes behind a JWT authorizer, served over real HTTP, with the issuer played by the local issuer. */
const account = '123456789012';
const fnArn = `arn:aws:lambda:us-east-1:${account}:function:echo`;
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Jwt123abc';

function resource(type: string, name: string, id: string, state: Record<string, unknown>): GraphResource {
  return { type, name, id, urn: `urn:pulumi:test::p::${type}::${name}`, inputs: state, state };
}

function graph(): ResourceGraph {
  const api = 'api1';
  return new ResourceGraph([
    resource('aws:apigatewayv2/api:Api', 'api', api, { name: 'api', protocolType: 'HTTP' }),
    resource('aws:apigatewayv2/stage:Stage', 'default', '$default', { apiId: api, name: '$default' }),
    resource('aws:apigatewayv2/authorizer:Authorizer', 'jwt', 'jwt1', {
      apiId: api,
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: ISSUER, audiences: ['client-1'] },
    }),
    resource('aws:apigatewayv2/integration:Integration', 'events', 'int-events', {
      apiId: api,
      integrationType: 'AWS_PROXY',
      integrationSubtype: 'EventBridge-PutEvents',
      requestParameters: {
        Source: 'test.api',
        DetailType: 'T',
        EventBusName: 'bus',
        Detail: '{"who":"${context.authorizer.claims.sub}","body":${request.body}}',
      },
    }),
    resource('aws:apigatewayv2/integration:Integration', 'echo', 'int-echo', {
      apiId: api,
      integrationType: 'AWS_PROXY',
      integrationUri: fnArn,
      payloadFormatVersion: '2.0',
    }),
    resource('aws:apigatewayv2/route:Route', 'r1', 'r1', {
      apiId: api,
      routeKey: 'POST /events',
      target: 'integrations/int-events',
      authorizationType: 'JWT',
      authorizerId: 'jwt1',
    }),
    resource('aws:apigatewayv2/route:Route', 'r2', 'r2', {
      apiId: api,
      routeKey: 'GET /me',
      target: 'integrations/int-echo',
      authorizationType: 'JWT',
      authorizerId: 'jwt1',
    }),
    resource('aws:apigatewayv2/route:Route', 'r3', 'r3', {
      apiId: api,
      routeKey: 'GET /admin',
      target: 'integrations/int-echo',
      authorizationType: 'JWT',
      authorizerId: 'jwt1',
      authorizationScopes: ['shop/admin'],
    }),
  ]);
}

describe('HTTP API routes behind a JWT authorizer', () => {
  const entries: PutEventsRequestEntry[] = [];
  const invocations: Record<string, unknown>[] = [];
  const lambda: SyncInvoker = {
    async invoke(_arn, payload) {
      invocations.push(payload as Record<string, unknown>);
      return { payload: { statusCode: 200, body: '{}' } };
    },
  };
  const eventBridge: EventPutter = {
    async putEvents(request) {
      entries.push(...request.Entries);
      return { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] };
    },
  };
  let dir: string;
  let issuers: LocalIssuerService;
  let key: JWK;
  let service: HttpApiService;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'http-api-jwt-'));
    issuers = new LocalIssuerService({
      pools: [{ id: 'us-east-1_Jwt123abc', name: 'pool', issuer: ISSUER, clientIds: ['client-1'] }],
      keyDir: dir,
      dataDir: dir,
    });
    const [record] = await issuers.start(0);
    key = JSON.parse(readFileSync(record.keyFile, 'utf8')) as JWK;
    const urls = new UrlMap();
    urls.add(ISSUER, record.local);
    const [api] = readHttpApis(graph());
    service = new HttpApiService({
      api,
      accountId: account,
      region: 'us-east-1',
      lambda,
      eventBridge,
      mapParameters: evaluateParameterMapping,
      resolveUrl: (url) => urls.rewrite(url),
    });
    base = await service.start(0);
  });

  afterAll(async () => {
    await service.stop();
    await issuers.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const token = (scope?: string) =>
    mintAccessToken({ privateJwk: key, issuer: ISSUER, clientId: 'client-1', subject: 'alice', scope });

  it("reads the JWT authorizer and each route's scopes from the graph", () => {
    const [api] = readHttpApis(graph());
    const admin = api.routes.find((r) => r.routeKey === 'GET /admin');
    expect(admin?.jwtAuthorizer).toEqual({
      id: 'jwt1',
      identitySources: ['$request.header.Authorization'],
      issuer: ISSUER,
      audiences: ['client-1'],
    });
    expect(admin?.authorizationScopes).toEqual(['shop/admin']);
  });

  it('answers 401 without a token and calls no integration', async () => {
    // Act
    const response = await fetch(`${base}/events`, { method: 'POST', body: '{}' });

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(entries).toHaveLength(0);
  });

  it("maps the token's subject into the PutEvents entry ($context.authorizer.claims.sub)", async () => {
    // Act
    const response = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}` },
      body: '{"n":1}',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(JSON.parse(entries[0].Detail ?? '')).toEqual({ who: 'alice', body: { n: 1 } });
  });

  it('gives a Lambda proxy integration the claims and scopes (payload 2.0, requestContext.authorizer.jwt)', async () => {
    // Act
    await fetch(`${base}/me`, { headers: { authorization: await token() } });

    // Assess
    const context = invocations[invocations.length - 1].requestContext as {
      authorizer: { jwt: { claims: Record<string, string>; scopes: string[] } };
    };
    expect(context.authorizer.jwt.claims).toMatchObject({ sub: 'alice', client_id: 'client-1', token_use: 'access' });
    expect(context.authorizer.jwt.scopes).toEqual(['aws.cognito.signin.user.admin']);
  });

  it("answers 403 when the token lacks the route's scopes, and passes one that has them", async () => {
    // Act
    const without = await fetch(`${base}/admin`, { headers: { authorization: `Bearer ${await token()}` } });
    const withScope = await fetch(`${base}/admin`, {
      headers: { authorization: `Bearer ${await token('shop/admin')}` },
    });

    // Assess
    expect(without.status).toBe(403);
    expect(await without.json()).toEqual({ message: 'Forbidden' });
    expect(withScope.status).toBe(200);
  });
});
