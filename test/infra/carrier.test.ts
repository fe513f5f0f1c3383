import { loadStack, T, type LoadedStack } from './helpers/stack';

describe('carrier on the dev stack (no endpoint configured): the mock', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack();
  });

  it("sends order changes to an API destination at 20 calls/s, POST, to the mock's function URL", () => {
    // Prepare
    const url = stack.get(T.functionUrl, 'carrier-mock-url');
    const connection = stack.get(T.connection, 'carrier-connection');

    // Act
    const destination = stack.get(T.apiDestination, 'carrier');

    // Assess
    expect(destination.inputs).toMatchObject({
      connectionArn: connection.state.arn,
      httpMethod: 'POST',
      invocationEndpoint: url.state.functionUrl,
      invocationRateLimitPerSecond: 20,
    });
    expect(destination.state.arn).toMatch(
      /^arn:aws:events:us-east-1:123456789012:api-destination\/carrier-dev\/[0-9a-f-]{36}$/,
    );
  });

  it('authenticates with a generated API key (a secret) in x-api-key, which the mock expects', () => {
    // Prepare
    const connection = stack.get(T.connection, 'carrier-connection');
    const generated = stack.get(T.randomPassword, 'carrier-api-key');
    const mock = stack.get(T.function, 'carrier-mock').inputs.environment.variables;

    // Act
    const { key, value } = connection.inputs.authParameters.apiKey;

    // Assess
    expect(connection.inputs.authorizationType).toBe('API_KEY');
    expect(connection.secretInputs).toContain('authParameters');
    expect(key).toBe('x-api-key');
    expect(value).toBe(generated.state.result);
    expect(mock.CARRIER_AUTH_HEADER_NAME).toBe('x-api-key');
    expect(mock.CARRIER_AUTH_HEADER_VALUE).toBe(value);
  });

  it('serves the mock at a public function URL with the two permissions AWS requires', () => {
    // Prepare
    const fn = stack.get(T.function, 'carrier-mock');

    // Act
    const url = stack.get(T.functionUrl, 'carrier-mock-url');
    const permissions = stack.ofType(T.permission).filter((p) => p.inputs.function === fn.state.name);

    // Assess
    expect(url.inputs).toEqual({ functionName: fn.state.name, authorizationType: 'NONE' });
    expect(url.state.functionUrl).toMatch(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
    expect(permissions.map((p) => p.inputs).sort((a, b) => a.action.localeCompare(b.action))).toEqual([
      { action: 'lambda:InvokeFunction', function: fn.state.name, principal: '*', invokedViaFunctionUrl: true },
      { action: 'lambda:InvokeFunctionUrl', function: fn.state.name, principal: '*', functionUrlAuthType: 'NONE' },
    ]);
  });
});

describe('carrier with a configured endpoint and BASIC auth', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack({
      config: {
        carrierEndpoint: 'https://carrier.example.com/orders',
        carrierAuthType: 'BASIC',
        carrierUsername: 'shop',
        carrierPassword: 'pw-from-config',
        carrierRateLimitPerSecond: '5',
      },
      secretKeys: ['carrierPassword'],
    });
  });

  it('calls the configured endpoint at the configured rate and deploys no mock', () => {
    // Prepare / Act
    const destination = stack.get(T.apiDestination, 'carrier');

    // Assess
    expect(destination.inputs).toMatchObject({
      invocationEndpoint: 'https://carrier.example.com/orders',
      invocationRateLimitPerSecond: 5,
    });
    expect(stack.ofType(T.functionUrl)).toEqual([]);
    expect(stack.ofType(T.function).map((f) => f.name)).not.toContain('carrier-mock');
    expect(stack.outputs.carrierEndpoint).toBe('https://carrier.example.com/orders');
  });

  it('uses Basic auth with the configured user and secret password, generating nothing', () => {
    // Prepare / Act
    const connection = stack.get(T.connection, 'carrier-connection');

    // Assess
    expect(connection.inputs.authorizationType).toBe('BASIC');
    expect(connection.inputs.authParameters).toEqual({ basic: { username: 'shop', password: 'pw-from-config' } });
    expect(connection.secretInputs).toContain('authParameters');
    expect(stack.ofType(T.randomPassword).map((p) => p.name)).toEqual(['callback-token']);
  });
});
