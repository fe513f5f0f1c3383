import { loadStack, type LoadedStack } from './helpers/stack';

type Infra = {
  api: typeof import('../../infra/orders-api');
  sub: typeof import('../../infra/bus-subscription');
  events: typeof import('../../infra/event-bus');
  pipe: typeof import('../../infra/order-stream-pipe');
  fn: typeof import('../../infra/handler-function');
  dlq: typeof import('../../infra/dead-letter-queue');
  cred: typeof import('../../infra/carrier-credential');
  dest: typeof import('../../infra/carrier-destination');
};

/** The infra modules, loaded under fresh mocks so components can be constructed directly. */
function infraUnderMocks(): Infra {
  let infra: Infra | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- mocks first, then the modules that register resources */
    (require('../../local/model/pulumi-mocks') as typeof import('../../local/model/pulumi-mocks')).setStackMocks();
    infra = {
      api: require('../../infra/orders-api'),
      sub: require('../../infra/bus-subscription'),
      events: require('../../infra/event-bus'),
      pipe: require('../../infra/order-stream-pipe'),
      fn: require('../../infra/handler-function'),
      dlq: require('../../infra/dead-letter-queue'),
      cred: require('../../infra/carrier-credential'),
      dest: require('../../infra/carrier-destination'),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  if (!infra) throw new Error('infra did not load');
  return infra;
}

describe('component conventions', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack({
      config: { chatWebhookUrl: 'https://hooks.slack.com/services/T/B/x' },
      secretKeys: ['chatWebhookUrl'],
    });
  });

  it('puts every cloud resource inside a component; only the generated callback token sits at the top', () => {
    // Prepare / Act
    const orphans = stack.resources.filter((r) => r.custom && !r.parent).map((r) => r.name);

    // Assess
    expect(orphans).toEqual(['callback-token']);
  });

  it('derives every child name from its component name', () => {
    // Prepare
    const misnamed: string[] = [];

    // Act
    for (const r of stack.resources.filter((x) => x.parent)) {
      const parent = stack.byUrn(r.parent as string);
      if (!parent || !r.name.startsWith(parent.name)) misnamed.push(`${r.name} under ${parent?.name}`);
    }

    // Assess
    expect(misnamed).toEqual([]);
  });

  it('gives logical names that are unique per type', () => {
    // Prepare / Act
    const keys = stack.resources.map((r) => `${r.type}::${r.name}`);

    // Assess
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('conflicting or impossible arguments are rejected early, in plain words', () => {
  let infra: Infra;
  beforeAll(() => {
    infra = infraUnderMocks();
  });

  it('OrdersApi: an authorized route without an authorizer, or the same route twice', () => {
    // Prepare
    const base = {
      busName: 'b',
      busArn: 'arn:aws:events:us-east-1:123456789012:event-bus/b',
      throttlingBurstLimit: 1,
      throttlingRateLimit: 1,
      logRetentionDays: 14,
    };

    // Act / Assess
    expect(
      () =>
        new infra.api.OrdersApi('a1', {
          ...base,
          ingestRoutes: [{ routeKey: 'POST /x', source: 's', detailType: 'd', authorized: true }],
        }),
    ).toThrow('OrdersApi a1: POST /x must be authorized but no authorizer was given');
    expect(
      () =>
        new infra.api.OrdersApi('a2', {
          ...base,
          ingestRoutes: [
            { routeKey: 'POST /x', source: 's', detailType: 'd' },
            { routeKey: 'POST /x', source: 's', detailType: 'e' },
          ],
        }),
    ).toThrow('OrdersApi a2: route POST /x is declared twice');
    expect(
      () =>
        new infra.api.OrdersApi('a3', {
          ...base,
          ingestRoutes: [{ routeKey: 'uploads', source: 's', detailType: 'd' }],
        }),
    ).toThrow(/is not a route key/);
  });

  it('BusSubscription: HTTP parameters on a non-HTTP target, or an out-of-range retry policy', () => {
    // Prepare
    const lambda = {
      kind: 'lambda' as const,
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      functionName: 'f',
    };

    // Act / Assess
    expect(
      () =>
        new infra.sub.BusSubscription('s1', {
          busName: 'b',
          pattern: { source: ['x'] },
          target: lambda,
          httpTarget: { headerParameters: { a: 'b' } },
        }),
    ).toThrow('BusSubscription s1: httpTarget only applies to API destination targets, not lambda');
    expect(
      () =>
        new infra.sub.BusSubscription('s2', {
          busName: 'b',
          pattern: { source: ['x'] },
          target: lambda,
          retryPolicy: { maximumRetryAttempts: 186, maximumEventAgeInSeconds: 60 },
        }),
    ).toThrow(/maximumRetryAttempts must be 0–185/);
    expect(() => new infra.sub.BusSubscription('s3', { busName: 'b', pattern: {}, target: lambda })).toThrow(
      /pattern must be a non-empty object/,
    );
  });

  it('EventBus: two subscriptions with one name', () => {
    // Prepare
    const events = new infra.events.EventBus('bus', { archiveRetentionDays: 1, logRetentionDays: 14 });
    const target = {
      kind: 'logGroup' as const,
      logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x',
    };

    // Act
    events.subscribe('twice', { pattern: { source: ['x'] }, target });

    // Assess
    expect(() => events.subscribe('twice', { pattern: { source: ['x'] }, target })).toThrow(
      'EventBus bus: a subscription named twice already exists',
    );
  });

  it('OrderStreamPipe: infinite retries or too many filters', () => {
    // Prepare
    const base = {
      streamArn: 's',
      busArn: 'b',
      filters: [{ eventName: ['INSERT'] }],
      inputTemplate: '{}',
      source: 'x',
      detailType: 'y',
      logRetentionDays: 14,
    };

    // Act / Assess
    expect(() => new infra.pipe.OrderStreamPipe('p1', { ...base, maximumRetryAttempts: -1 })).toThrow(
      /maximumRetryAttempts must be finite/,
    );
    expect(() => new infra.pipe.OrderStreamPipe('p2', { ...base, filters: [{}, {}, {}, {}, {}, {}] })).toThrow(
      'OrderStreamPipe p2: give 1 to 5 filters',
    );
    expect(() => new infra.pipe.OrderStreamPipe('p3', { ...base, source: 'aws.dynamodb' })).toThrow(
      /must not begin with "aws."/,
    );
  });

  it('HandlerFunction: reserved environment keys, out-of-range async settings, alarms without a DLQ', () => {
    // Prepare
    const base = { handler: 'get-order', logRetentionDays: 14 };

    // Act / Assess
    expect(() => new infra.fn.HandlerFunction('f1', { ...base, environment: { AWS_REGION: 'x' } })).toThrow(
      'HandlerFunction f1: environment key AWS_REGION is reserved or invalid',
    );
    expect(
      () => new infra.fn.HandlerFunction('f2', { ...base, asyncInvocation: { maximumEventAgeInSeconds: 30 } }),
    ).toThrow(/maximumEventAgeInSeconds must be 60–21600/);
    expect(
      () => new infra.fn.HandlerFunction('f3', { ...base, alarmActions: ['arn:aws:sns:us-east-1:123456789012:t'] }),
    ).toThrow(/alarmActions only apply/);
    expect(() => new infra.fn.HandlerFunction('f4', { handler: 'Get_Order', logRetentionDays: 14 })).toThrow(
      /kebab-case/,
    );
  });

  it('DeadLetterQueue, CarrierCredential, CarrierDestination: contradictory or impossible settings', () => {
    // Prepare / Act / Assess
    expect(() => new infra.dlq.DeadLetterQueue('q1', { eventBridgeRuleArns: [] })).toThrow(
      /eventBridgeRuleArns is empty/,
    );
    expect(() => new infra.dlq.DeadLetterQueue('q2', { retentionSeconds: 15 * 24 * 3600 })).toThrow(
      /retentionSeconds must be/,
    );
    expect(() => new infra.cred.CarrierCredential('c1', { authType: 'BASIC', apiKey: 'k' })).toThrow(
      'CarrierCredential c1: apiKeyName/apiKey are for API_KEY auth, but authType is BASIC',
    );
    expect(() => new infra.cred.CarrierCredential('c2', { authType: 'API_KEY', password: 'p' })).toThrow(
      /username\/password are for BASIC auth/,
    );
    const credential = new infra.cred.CarrierCredential('c3', { authType: 'API_KEY', apiKey: 'k' });
    expect(
      () =>
        new infra.dest.CarrierDestination('d1', { endpoint: 'https://x', credential, invocationRateLimitPerSecond: 0 }),
    ).toThrow(/invocationRateLimitPerSecond must be 1–300/);
  });
});
