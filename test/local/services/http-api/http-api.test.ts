import { evaluateParameterMapping } from '../../../../local/engine/parameter-mapping';
import { GraphResource, ResourceGraph } from '../../../../local/model/graph';
import { type PutEventsRequestEntry, validatePutEventsRequest } from '../../../../local/engine';
import { EventPutter, HttpApiService, readHttpApis, SyncInvoker } from '../../../../local/services/http-api';

const account = '123456789012';
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${account}:function:${name}`;
const invokeArn = (name: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn(name)}/invocations`;

function resource(type: string, name: string, id: string, state: Record<string, unknown>): GraphResource {
  return { type, name, id, urn: `urn:pulumi:test::p::${type}::${name}`, inputs: state, state };
}

/** A hand-built graph: one HTTP API with a $default stage and a named stage, every integration kind. */
function graph(): ResourceGraph {
  const api = 'api1';
  return new ResourceGraph([
    resource('aws:apigatewayv2/api:Api', 'api', api, {
      name: 'api',
      protocolType: 'HTTP',
      apiEndpoint: `https://${api}.execute-api.us-east-1.amazonaws.com`,
    }),
    resource('aws:apigatewayv2/stage:Stage', 'default', '$default', {
      apiId: api,
      name: '$default',
      defaultRouteSettings: { throttlingBurstLimit: 100, throttlingRateLimit: 100 },
      routeSettings: [{ routeKey: 'GET /limited', throttlingBurstLimit: 1, throttlingRateLimit: 0.001 }],
      accessLogSettings: {
        destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigw/access',
        format:
          '{"route":"$context.routeKey","status":"$context.status","error":"$context.integrationErrorMessage","ip":"$context.identity.sourceIp"}',
      },
    }),
    resource('aws:apigatewayv2/stage:Stage', 'beta', 'beta', {
      apiId: api,
      name: 'beta',
      stageVariables: { color: 'blue' },
    }),
    resource('aws:apigatewayv2/integration:Integration', 'events', 'int-events', {
      apiId: api,
      integrationType: 'AWS_PROXY',
      integrationSubtype: 'EventBridge-PutEvents',
      payloadFormatVersion: '1.0',
      requestParameters: {
        Source: 'test.api',
        DetailType: '$request.header.x-type',
        Detail: '$request.body',
        EventBusName: 'bus',
      },
    }),
    resource('aws:apigatewayv2/integration:Integration', 'echo', 'int-echo', {
      apiId: api,
      integrationType: 'AWS_PROXY',
      integrationUri: invokeArn('echo'),
      payloadFormatVersion: '2.0',
    }),
    resource('aws:apigatewayv2/integration:Integration', 'slow', 'int-slow', {
      apiId: api,
      integrationType: 'AWS_PROXY',
      integrationUri: fnArn('slow'),
      payloadFormatVersion: '2.0',
      timeoutMilliseconds: 100,
    }),
    resource('aws:apigatewayv2/authorizer:Authorizer', 'auth', 'auth1', {
      apiId: api,
      authorizerType: 'REQUEST',
      authorizerUri: invokeArn('auth'),
      identitySources: ['$request.header.Authorization'],
      authorizerPayloadFormatVersion: '2.0',
      enableSimpleResponses: true,
      authorizerResultTtlInSeconds: 0,
    }),
    resource('aws:apigatewayv2/route:Route', 'r1', 'r1', {
      apiId: api,
      routeKey: 'POST /events',
      target: 'integrations/int-events',
    }),
    resource('aws:apigatewayv2/route:Route', 'r2', 'r2', {
      apiId: api,
      routeKey: 'ANY /echo/{proxy+}',
      target: 'integrations/int-echo',
    }),
    resource('aws:apigatewayv2/route:Route', 'r3', 'r3', {
      apiId: api,
      routeKey: 'POST /secure',
      target: 'integrations/int-echo',
      authorizationType: 'CUSTOM',
      authorizerId: 'auth1',
    }),
    resource('aws:apigatewayv2/route:Route', 'r4', 'r4', {
      apiId: api,
      routeKey: 'GET /slow',
      target: 'integrations/int-slow',
    }),
    resource('aws:apigatewayv2/route:Route', 'r5', 'r5', {
      apiId: api,
      routeKey: 'GET /limited',
      target: 'integrations/int-echo',
    }),
  ]);
}

describe('HTTP API service (hand-built graph, real HTTP)', () => {
  const invocations: { arn: string; payload: Record<string, unknown> }[] = [];
  const entries: PutEventsRequestEntry[] = [];
  let authorizerAnswer: unknown = { isAuthorized: true, context: { who: 'tester' } };
  const lambda: SyncInvoker = {
    async invoke(arn, payload) {
      invocations.push({ arn, payload: payload as Record<string, unknown> });
      if (arn === fnArn('auth')) return { payload: authorizerAnswer };
      if (arn === fnArn('slow')) return new Promise((resolve) => setTimeout(() => resolve({ payload: 'late' }), 1_000));
      if ((payload as { rawPath: string }).rawPath.endsWith('/fail'))
        return { functionError: 'Unhandled', errorMessage: 'boom', errorType: 'Error' };
      return {
        payload: {
          statusCode: 200,
          body: JSON.stringify(payload),
          headers: { 'content-type': 'application/json' },
          cookies: ['s=1'],
        },
      };
    },
  };
  const eventBridge: EventPutter = {
    async putEvents(request) {
      validatePutEventsRequest(request.Entries); // the service's own request limits, as the real PutEvents applies
      entries.push(...request.Entries);
      const detailOk = (() => {
        try {
          return typeof JSON.parse(request.Entries[0].Detail ?? '') === 'object';
        } catch {
          return false;
        }
      })();
      return detailOk
        ? { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }
        : { FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] };
    },
  };
  const logged: string[] = [];
  const accessLines: { source: string; message: string }[] = [];
  let service: HttpApiService;
  let base: string;

  beforeAll(async () => {
    const [api] = readHttpApis(graph());
    service = new HttpApiService({
      api,
      accountId: account,
      region: 'us-east-1',
      lambda,
      eventBridge,
      mapParameters: evaluateParameterMapping,
      log: (m) => logged.push(m),
      writeLog: (source, message) => accessLines.push({ source, message }),
    });
    base = await service.start(0);
  });

  afterAll(async () => {
    await service.stop();
  });

  beforeEach(() => {
    invocations.length = 0;
    entries.length = 0;
    authorizerAnswer = { isAuthorized: true, context: { who: 'tester' } };
  });

  it('maps a PutEvents integration and passes the PutEvents answer through with 200', async () => {
    // Act
    const ok = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'x-type': 'Thing Happened' },
      body: '{"a":1}',
    });
    const failed = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'x-type': 'Thing Happened' },
      body: 'hello',
    });
    // Assess
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 });
    expect(failed.status).toBe(200);
    expect(await failed.json()).toEqual({
      Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
      FailedEntryCount: 1,
    });
    expect(entries[0]).toEqual({
      Source: 'test.api',
      DetailType: 'Thing Happened',
      Detail: '{"a":1}',
      EventBusName: 'bus',
    });
  });

  it('invokes a Lambda proxy route with a 2.0 event and writes its structured response', async () => {
    const response = await fetch(`${base}/echo/a/b?x=1&x=2`, {
      method: 'PUT',
      headers: { Cookie: 'c=1' },
      body: 'text',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBe('s=1');
    const event = (await response.json()) as Record<string, unknown>;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /echo/{proxy+}',
      rawPath: '/echo/a/b',
      rawQueryString: 'x=1&x=2',
      cookies: ['c=1'],
      queryStringParameters: { x: '1,2' },
      pathParameters: { proxy: 'a/b' },
      body: 'text',
      requestContext: { apiId: 'api1', stage: '$default', http: { method: 'PUT', path: '/echo/a/b' } },
    });
    expect(invocations[0].arn).toBe(fnArn('echo'));
  });

  it('serves a named stage under its prefix with its stage variables, keeping the prefix in rawPath', async () => {
    const response = await fetch(`${base}/beta/echo/x`);
    const event = (await response.json()) as {
      rawPath: string;
      stageVariables: unknown;
      requestContext: { stage: string };
    };
    expect(event.rawPath).toBe('/beta/echo/x');
    expect(event.stageVariables).toEqual({ color: 'blue' });
    expect(event.requestContext.stage).toBe('beta');
  });

  it('answers 404, 500 on a function error, and 503 past the integration timeout', async () => {
    const notFound = await fetch(`${base}/nothing`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ message: 'Not Found' });
    const failed = await fetch(`${base}/echo/fail`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    const slow = await fetch(`${base}/slow`);
    expect(slow.status).toBe(503);
    expect(await slow.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('refuses without invoking when the identity source is missing (401)', async () => {
    const response = await fetch(`${base}/secure`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(invocations).toHaveLength(0);
  });

  it('passes the authorizer context on allow, 403 on deny, 500 on a malformed answer', async () => {
    const allowed = await fetch(`${base}/secure`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t' },
      body: '{}',
    });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { requestContext: { authorizer: unknown } }).requestContext.authorizer).toEqual({
      lambda: { who: 'tester' },
    });
    expect(invocations[0].payload).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      identitySource: ['Bearer t'],
      routeKey: 'POST /secure',
      routeArn: `arn:aws:execute-api:us-east-1:${account}:api1/$default/POST/secure`,
    });
    expect(invocations[0].payload).not.toHaveProperty('body');
    authorizerAnswer = { isAuthorized: false };
    const denied = await fetch(`${base}/secure`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t' },
      body: '{}',
    });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: 'Forbidden' });
    authorizerAnswer = 'yes';
    const broken = await fetch(`${base}/secure`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t' },
      body: '{}',
    });
    expect(broken.status).toBe(500);
  });

  it('throttles a route past its burst with 429', async () => {
    const first = await fetch(`${base}/limited`);
    const second = await fetch(`${base}/limited`);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(await second.json()).toEqual({ message: 'Too Many Requests' });
  });

  it("writes one access-log line per request into the stage's log group", async () => {
    accessLines.length = 0;
    await fetch(`${base}/slow`);
    await fetch(`${base}/beta/echo/x`);
    expect(accessLines).toEqual([
      {
        source: '/aws/apigw/access',
        message: '{"route":"GET /slow","status":"503","error":"Integration timeout","ip":"127.0.0.1"}',
      },
    ]);
  });

  it('passes $request.body whole past 100 KB (API Gateway truncates only before a JSON-path selection)', async () => {
    // Prepare: well-formed JSON of about 150 KB
    const body = JSON.stringify({ pad: 'x'.repeat(150 * 1024) });

    // Act
    const response = await fetch(`${base}/events`, { method: 'POST', headers: { 'x-type': 'Thing Happened' }, body });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 });
    expect(entries[0].Detail).toBe(body);
  });

  it("answers with the service's own 400 when PutEvents refuses the request (over 256 KB), not a 500", async () => {
    // Act
    const body = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    const response = await fetch(`${base}/events`, { method: 'POST', headers: { 'x-type': 'Thing Happened' }, body });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });

  it('rejects a body over 10 MB with 413', async () => {
    const response = await fetch(`${base}/events`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a') });
    expect(response.status).toBe(413);
  });
});
