import { loadStack, T, type LoadedStack } from './helpers/stack';

const all = ['capture-order', 'cancel-order', 'confirm-shipment', 'get-order', 'authorize-carrier', 'carrier-mock'];
const asyncInvoked = ['capture-order', 'cancel-order', 'confirm-shipment'];

describe('HandlerFunction', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack({ config: { logRetentionDays: '60' } });
  });

  it.each(all)('%s runs the bundled handler on nodejs22.x with memory, timeout and JSON logging set', (name) => {
    // Prepare
    const logGroup = stack.get(T.logGroup, `${name}-logs`);

    // Act
    const fn = stack.get(T.function, name);

    // Assess
    expect(fn.inputs).toMatchObject({
      name: `${name}-dev`,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      memorySize: 256,
      loggingConfig: { logFormat: 'JSON', logGroup: `/aws/lambda/${name}-dev`, applicationLogLevel: 'INFO' },
    });
    expect(fn.inputs.timeout).toBeGreaterThanOrEqual(5);
    expect(fn.inputs.timeout).toBeLessThanOrEqual(10);
    expect(Object.keys(fn.inputs.code.assets)).toEqual(['index.js']);
    expect(fn.inputs.code.assets['index.js'].text).toMatch(/module\.exports/);
    expect(logGroup.inputs).toEqual({ name: `/aws/lambda/${name}-dev`, retentionInDays: 60 });
    expect(fn.dependencies).toContain(logGroup.urn);
  });

  it.each(all)('%s runs with the Powertools layer its bundle leaves Powertools to', (name) => {
    // Prepare
    const fn = stack.get(T.function, name);

    // Act
    const code: string = fn.inputs.code.assets['index.js'].text;

    // Assess: the layer ARN the public SSM parameter gives for the installed version (mocked), and no bundled copy
    expect(fn.inputs.layers).toEqual([
      expect.stringMatching(/^arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:\d+$/),
    ]);
    expect(code).toMatch(/require\("@aws-lambda-powertools\/logger"\)/);
  });

  it.each(all)('%s has its own role, trusting Lambda for this account, writing only its own log group', (name) => {
    // Prepare
    const fn = stack.get(T.function, name);
    const role = stack.get(T.role, `${name}-role`);
    const logGroup = stack.get(T.logGroup, `${name}-logs`);

    // Act
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    const policy = stack.get(T.rolePolicy, `${name}-policy`);
    const doc = JSON.parse(policy.inputs.policy);

    // Assess
    expect(fn.inputs.role).toBe(role.state.arn);
    expect(policy.inputs.role).toBe(role.id);
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
    expect(doc.Statement[0]).toEqual({
      Sid: 'WriteOwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [`${logGroup.state.arn}:*`],
    });
    expect(fn.dependencies).toContain(policy.urn);
  });

  it('gives each role to one function only', () => {
    // Prepare / Act
    const roles = stack.ofType(T.function).map((f) => f.inputs.role);

    // Assess
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('sets exactly the environment variables the handlers read', () => {
    // Prepare
    const table = stack.ofType(T.table)[0];
    const api = stack.ofType(T.api)[0];
    const envOf = (name: string) => stack.get(T.function, name).inputs.environment.variables;
    const powertools = {
      POWERTOOLS_SERVICE_NAME: 'order-event-gateway',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      STACK_NAME: 'dev',
    };

    // Act / Assess
    for (const name of ['capture-order', 'cancel-order', 'confirm-shipment', 'get-order']) {
      expect(envOf(name)).toEqual({ ORDERS_TABLE_NAME: table.state.name, ...powertools });
    }
    expect(Object.keys(envOf('authorize-carrier')).sort()).toEqual([
      'CALLBACK_TOKEN',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'STACK_NAME',
    ]);
    const mock = envOf('carrier-mock');
    expect(Object.keys(mock).sort()).toEqual([
      'CALLBACK_TOKEN',
      'CALLBACK_URL',
      'CARRIER_AUTH_HEADER_NAME',
      'CARRIER_AUTH_HEADER_VALUE',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'STACK_NAME',
    ]);
    expect(mock.CALLBACK_URL).toBe(`https://${api.id}.execute-api.us-east-1.amazonaws.com/confirm-shipment`);
    expect(mock.CALLBACK_TOKEN).toBe(envOf('authorize-carrier').CALLBACK_TOKEN);
  });

  it.each(asyncInvoked)('%s retries twice on its own, then sends the event to its own DLQ', (name) => {
    // Prepare
    const queue = stack.get(T.queue, `${name}-failures`);
    const policy = stack.get(T.rolePolicy, `${name}-policy`);

    // Act
    const config = stack.get(T.invokeConfig, `${name}-async`);
    const doc = JSON.parse(policy.inputs.policy);

    // Assess
    expect(config.inputs).toEqual({
      functionName: `${name}-dev`,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: queue.state.arn } },
    });
    expect(doc.Statement).toContainEqual({
      Sid: 'SendFailedInvocations',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [queue.state.arn],
    });
    expect(config.dependencies).toContain(policy.urn);
  });

  it('configures async invocation only for the functions EventBridge invokes', () => {
    // Prepare / Act
    const configured = stack
      .ofType(T.invokeConfig)
      .map((c) => c.inputs.functionName)
      .sort();

    // Assess
    expect(configured).toEqual(asyncInvoked.map((n) => `${n}-dev`).sort());
  });
});

describe('log retention', () => {
  it('sets the configured retention on every log group of the stack', async () => {
    // Prepare
    const stack = await loadStack({
      config: { logRetentionDays: '90', chatWebhookUrl: 'https://hooks.slack.com/services/T/B/x' },
      secretKeys: ['chatWebhookUrl'],
    });

    // Act
    const groups = stack.ofType(T.logGroup);

    // Assess
    expect(groups.map((g) => g.inputs.name).sort()).toEqual([
      '/aws/apigateway/orders-api-dev/access',
      '/aws/events/orders-dev',
      ...all.map((n) => `/aws/lambda/${n}-dev`).sort(),
      '/aws/vendedlogs/pipes/order-changes-dev',
    ]);
    for (const group of groups) expect([group.name, group.inputs.retentionInDays]).toEqual([group.name, 90]);
  });
});
