import { EventBridgeService } from '../../../../local/services/eventbridge';
import { ConnectionDefinition } from '../../../../local/services/eventbridge/types';
import { attributeValues, FakeSqs, recordingClock, waitFor } from '../../helpers/fakes';
import { Responder, startTestServer, TestServer } from '../../helpers/http-server';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:carrier-dlq`;
const DESTINATION_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:api-destination/carrier/6f1c2a3b-0000-4000-8000-000000000001`;
const CONNECTION_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:connection/carrier-conn/1b2c3d4e-0000-4000-8000-000000000002`;

const apiKeyConnection: ConnectionDefinition = {
  name: 'carrier-conn',
  arn: CONNECTION_ARN,
  authorizationType: 'API_KEY',
  authParameters: { apiKey: { key: 'x-api-key', value: 's3cr3t' } },
};

describe('API destination targets', () => {
  const servers: TestServer[] = [];
  let sqs: FakeSqs;
  let service: EventBridgeService | undefined;
  let clock: ReturnType<typeof recordingClock>;

  async function server(respond: Responder): Promise<TestServer> {
    const s = await startTestServer(respond);
    servers.push(s);
    return s;
  }

  function setup(options: {
    endpoint: string;
    connection?: ConnectionDefinition;
    rate?: number;
    retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number };
    httpTarget?: {
      headerParameters?: Record<string, string>;
      queryStringParameters?: Record<string, string>;
      pathParameterValues?: string[];
    };
    timeoutMs?: number;
    method?: string;
    resolveUrl?: (url: string) => string;
    inputTransformer?: { inputPaths?: Record<string, string>; inputTemplate: string };
  }): EventBridgeService {
    clock = recordingClock(1000);
    const svc = new EventBridgeService({
      account: ACCOUNT,
      region: REGION,
      sqs,
      clock,
      random: () => 0,
      log: () => undefined,
      apiDestinationTimeoutMs: options.timeoutMs,
      resolveUrl: options.resolveUrl,
    });
    svc.addBus({ name: 'shop' });
    svc.addConnection(options.connection ?? apiKeyConnection);
    svc.addApiDestination({
      name: 'carrier',
      arn: DESTINATION_ARN,
      invocationEndpoint: options.endpoint,
      httpMethod: options.method ?? 'POST',
      invocationRateLimitPerSecond: options.rate,
      connectionArn: CONNECTION_ARN,
    });
    svc.addRule({ name: 'to-carrier', eventBusName: 'shop', eventPattern: '{"source":["com.example.shop"]}' });
    svc.addTarget({
      rule: 'to-carrier',
      eventBusName: 'shop',
      targetId: 'carrier',
      arn: DESTINATION_ARN,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/invoke`,
      retryPolicy: options.retryPolicy ?? { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: DLQ },
      httpTarget: options.httpTarget,
      inputTransformer: options.inputTransformer,
    });
    service = svc;
    return svc;
  }

  function put(svc: EventBridgeService, detail: object) {
    return svc.putEvents({
      Entries: [
        {
          Source: 'com.example.shop',
          DetailType: 'Thing Happened',
          Detail: JSON.stringify(detail),
          EventBusName: 'shop',
        },
      ],
    });
  }

  beforeEach(() => {
    sqs = new FakeSqs();
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('sends the event with AWS headers, the API key, path wildcards and query parameters', async () => {
    // Prepare
    const target = await server(() => ({ status: 200 }));
    const svc = setup({
      endpoint: `${target.url}/things/*/notes/*`,
      httpTarget: {
        pathParameterValues: ['$.detail.id', 'fixed'],
        queryStringParameters: { src: 'eb', who: '$.detail.who' },
      },
    });
    // Act
    const result = await put(svc, { id: 'a 1', who: 'me' });
    await svc.idle();
    // Assess
    const [request] = target.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/things/a%201/notes/fixed?src=eb&who=me');
    expect(request.headers).toMatchObject({
      'user-agent': 'Amazon/EventBridge/ApiDestinations',
      'content-type': 'application/json; charset=utf-8',
      range: 'bytes=0-1048575',
      'accept-encoding': 'gzip,deflate',
      connection: 'close',
      'x-api-key': 's3cr3t',
    });
    expect(JSON.parse(request.body).id).toBe((result.Entries[0] as { EventId: string }).EventId);
    expect(sqs.messages).toEqual([]);
  });

  it("lets the connection's header win over the target's header of the same name", async () => {
    // Prepare
    const target = await server(() => ({ status: 204 }));
    const connection: ConnectionDefinition = {
      ...apiKeyConnection,
      authParameters: {
        ...apiKeyConnection.authParameters,
        invocationHttpParameters: {
          headers: [{ key: 'X-Tenant', value: 'from-connection' }],
          bodies: [{ key: 'extra', value: 'yes' }],
        },
      },
    };
    const svc = setup({
      endpoint: target.url,
      connection,
      httpTarget: { headerParameters: { 'x-tenant': 'from-target', 'X-Other': '$.detail.k' } },
    });
    // Act
    await put(svc, { k: 'v' });
    await svc.idle();
    // Assess
    expect(target.requests[0].headers['x-tenant']).toBe('from-connection');
    expect(target.requests[0].headers['x-other']).toBe('v');
    expect(JSON.parse(target.requests[0].body).extra).toBe('yes');
  });

  it('sends the transformer output as the body', async () => {
    // Prepare
    const target = await server(() => ({ status: 200 }));
    const svc = setup({
      endpoint: target.url,
      inputTransformer: { inputPaths: { k: '$.detail.k' }, inputTemplate: '{"key":<k>}' },
    });
    // Act
    await put(svc, { k: 'v' });
    await svc.idle();
    // Assess
    expect(target.requests[0].body).toBe('{"key":"v"}');
  });

  it('retries 5xx, then dead-letters the original event with the exhausted condition', async () => {
    // Prepare
    const target = await server(() => ({ status: 503 }));
    const svc = setup({
      endpoint: target.url,
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
    });
    // Act
    const result = await put(svc, { k: 'v' });
    await svc.idle();
    // Assess
    expect(target.requests).toHaveLength(3);
    const [dead] = sqs.to(DLQ);
    expect(JSON.parse(dead.body).id).toBe((result.Entries[0] as { EventId: string }).EventId);
    expect(attributeValues(dead.attributes)).toEqual({
      RULE_ARN: `arn:aws:events:${REGION}:${ACCOUNT}:rule/shop/to-carrier`,
      TARGET_ARN: DESTINATION_ARN,
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: expect.stringContaining('503'),
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
    });
  });

  it('stops at MaximumEventAgeInSeconds when the next back-off would exceed it', async () => {
    // Prepare: back-off doubles from 1 s (jitter 0 gives half): 0.5 s, 1 s, 2 s, 4 s ... age limit 3 s
    const target = await server(() => ({ status: 500 }));
    const svc = setup({
      endpoint: target.url,
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 3 },
    });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess
    const attributes = attributeValues(sqs.to(DLQ)[0].attributes);
    expect(attributes.EXHAUSTED_RETRY_CONDITION).toBe('MaximumEventAgeInSeconds');
    expect(clock.delays).toEqual([500, 1000]);
    expect(target.requests).toHaveLength(3);
  });

  it('does not retry other 4xx answers', async () => {
    // Prepare
    const target = await server(() => ({ status: 400, body: 'bad' }));
    const svc = setup({ endpoint: target.url, retryPolicy: { maximumRetryAttempts: 5 } });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess
    expect(target.requests).toHaveLength(1);
    const attributes = attributeValues(sqs.to(DLQ)[0].attributes);
    expect(attributes).toMatchObject({ RETRY_ATTEMPTS: '0', ERROR_MESSAGE: expect.stringContaining('400') });
    expect(attributes.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
  });

  it('retries 429 and waits at least as long as Retry-After asks', async () => {
    // Prepare
    const target = await server((_r, i) =>
      i === 0 ? { status: 429, headers: { 'Retry-After': '7' } } : { status: 200 },
    );
    const svc = setup({ endpoint: target.url });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess: the back-off alone would be 500 ms (AWS time); Retry-After makes it 7 s, compressed by the clock
    expect(target.requests).toHaveLength(2);
    expect(clock.delays).toEqual([7000]);
    expect(sqs.messages).toEqual([]);
  });

  it('gives up at once when Retry-After is negative', async () => {
    // Prepare
    const target = await server(() => ({ status: 503, headers: { 'Retry-After': '-1' } }));
    const svc = setup({ endpoint: target.url, retryPolicy: { maximumRetryAttempts: 5 } });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess
    expect(target.requests).toHaveLength(1);
    expect(sqs.to(DLQ)).toHaveLength(1);
  });

  it('times out a slow endpoint and retries it; TIMEOUT in the DLQ', async () => {
    // Prepare
    const target = await server(() => ({ status: 200, delayMs: 2000 }));
    const svc = setup({ endpoint: target.url, timeoutMs: 100, retryPolicy: { maximumRetryAttempts: 1 } });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess
    expect(target.requests).toHaveLength(2);
    expect(attributeValues(sqs.to(DLQ)[0].attributes)).toMatchObject({ ERROR_CODE: 'TIMEOUT', RETRY_ATTEMPTS: '1' });
  });

  it('retries a refused connection and reports CONNECTION_FAILURE', async () => {
    // Prepare: a server that is closed again, so its port refuses connections
    const gone = await startTestServer(() => ({ status: 200 }));
    await gone.close();
    const svc = setup({ endpoint: `${gone.url}/x`, retryPolicy: { maximumRetryAttempts: 2 } });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess
    expect(attributeValues(sqs.to(DLQ)[0].attributes)).toMatchObject({
      ERROR_CODE: 'CONNECTION_FAILURE',
      RETRY_ATTEMPTS: '2',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
    });
  });

  it('queues invocations beyond the rate limit instead of rejecting them', async () => {
    // Prepare
    const target = await server(() => ({ status: 200 }));
    const svc = setup({ endpoint: target.url, rate: 2 });
    // Act
    for (let i = 0; i < 5; i += 1) await put(svc, { i });
    await svc.idle();
    // Assess: a bucket of 2 tokens refilled at 2/s: 2 at once, then one every 500 ms
    expect(target.requests).toHaveLength(5);
    expect(sqs.messages).toEqual([]);
    // The last send is due 1,500 ms after the first; the arrivals are timed at the server, where the first request's
    // connection set-up may land late on a loaded machine, so allow 300 ms of that (without the limit: ~0 ms).
    const span = target.requests[4].at - target.requests[0].at;
    expect(span).toBeGreaterThanOrEqual(1200);
  });

  it('lets a queued event age out into the DLQ', async () => {
    // Prepare
    const target = await server(() => ({ status: 200 }));
    const svc = setup({
      endpoint: target.url,
      rate: 1,
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 0.3 },
    });
    // Act
    await svc.putEvents({
      Entries: [1, 2, 3].map((n) => ({
        Source: 'com.example.shop',
        DetailType: 't',
        Detail: JSON.stringify({ n }),
        EventBusName: 'shop',
      })),
    });
    await svc.idle();
    // Assess
    expect(target.requests).toHaveLength(1);
    const dead = sqs.to(DLQ);
    expect(dead).toHaveLength(2);
    expect(attributeValues(dead[0].attributes)).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
      ERROR_CODE: 'THROTTLING',
    });
  });

  it('sends Basic authorization for a BASIC connection', async () => {
    // Prepare
    const target = await server(() => ({ status: 200 }));
    const svc = setup({
      endpoint: target.url,
      connection: {
        name: 'carrier-conn',
        arn: CONNECTION_ARN,
        authorizationType: 'BASIC',
        authParameters: { basic: { username: 'u', password: 'p' } },
      },
    });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess
    expect(target.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('fetches an OAuth token once, and refreshes it when the endpoint answers 401', async () => {
    // Prepare
    let issued = 0;
    const auth = await server(() => {
      issued += 1;
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ access_token: `token-${issued}`, expires_in: 3600 }),
      };
    });
    const target = await server((request) =>
      request.headers.authorization === 'Bearer token-1' && issued === 1 && target.requests.length === 2
        ? { status: 401 }
        : { status: 200 },
    );
    const svc = setup({
      endpoint: target.url,
      connection: {
        name: 'carrier-conn',
        arn: CONNECTION_ARN,
        authorizationType: 'OAUTH_CLIENT_CREDENTIALS',
        authParameters: {
          oauth: {
            authorizationEndpoint: 'https://auth.example.com/oauth/token',
            httpMethod: 'POST',
            clientParameters: { clientId: 'id', clientSecret: 'secret' },
            oauthHttpParameters: { bodies: [{ key: 'grant_type', value: 'client_credentials' }] },
          },
        },
      },
      resolveUrl: (url) => url.replace('https://auth.example.com', auth.url),
    });
    // Act
    await put(svc, { n: 1 });
    await svc.idle();
    await put(svc, { n: 2 });
    await svc.idle();
    // Assess
    const form = new URLSearchParams(auth.requests[0].body);
    expect(Object.fromEntries(form)).toEqual({
      client_id: 'id',
      client_secret: 'secret',
      grant_type: 'client_credentials',
    });
    expect(target.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(auth.requests).toHaveLength(2);
    expect(sqs.messages).toEqual([]);
  });

  it('maps the endpoint through resolveUrl (e.g. a Function URL to a local server)', async () => {
    // Prepare
    const target = await server(() => ({ status: 200 }));
    const svc = setup({
      endpoint: 'https://abc123.lambda-url.us-east-1.on.aws/hook',
      resolveUrl: (url) => url.replace('https://abc123.lambda-url.us-east-1.on.aws', target.url),
    });
    // Act
    await put(svc, {});
    await waitFor(() => target.requests.length === 1);
    // Assess
    expect(target.requests[0].url).toBe('/hook');
  });

  it('does not call an API destination whose connection does not exist', async () => {
    // Prepare
    const target = await server(() => ({ status: 200 }));
    const svc = setup({
      endpoint: target.url,
      connection: { ...apiKeyConnection, name: 'another-connection', arn: undefined },
    });
    // Act
    await put(svc, {});
    await svc.idle();
    // Assess
    expect(target.requests).toEqual([]);
    expect(attributeValues(sqs.to(DLQ)[0].attributes)).toMatchObject({
      ERROR_CODE: 'NO_RESOURCE',
      RETRY_ATTEMPTS: '0',
    });
  });
});
