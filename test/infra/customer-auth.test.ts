import { evaluateParameterMapping } from '../../local/engine';
import { parseStackConfig } from '../../infra/config';
import { loadStack, T, type LoadedStack } from './helpers/stack';

/**
 * Customers authenticate with a JWT authorizer (no Lambda) on every customer route, and the subject of their token
 * reaches the bus through the integration's own mapping; the carrier's callback keeps its Lambda authorizer.
 */
const USER_POOL = 'aws:cognito/userPool:UserPool';
const USER_POOL_CLIENT = 'aws:cognito/userPoolClient:UserPoolClient';
const CUSTOMER_ROUTES = ['GET /orders/{id}', 'POST /cancellations', 'POST /uploads'];

function routeOf(stack: LoadedStack, routeKey: string) {
  const route = stack.ofType(T.route).find((r) => r.inputs.routeKey === routeKey);
  if (!route) throw new Error(`no route ${routeKey}`);
  return route;
}

describe('customer routes (no issuer configured: the stack makes a Cognito user pool)', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack();
  });

  it('creates one user pool and one public app client for it', () => {
    // Prepare / Act
    const [pool] = stack.ofType(USER_POOL);
    const [client] = stack.ofType(USER_POOL_CLIENT);

    // Assess
    expect(stack.ofType(USER_POOL)).toHaveLength(1);
    expect(client.inputs).toMatchObject({
      userPoolId: pool.id,
      generateSecret: false,
      explicitAuthFlows: expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      preventUserExistenceErrors: 'ENABLED',
    });
    expect(pool.inputs.adminCreateUserConfig).toEqual({ allowAdminCreateUserOnly: true });
  });

  it("has a JWT authorizer that trusts the pool's issuer and its client as audience, reading Authorization", () => {
    // Prepare
    const [pool] = stack.ofType(USER_POOL);
    const [client] = stack.ofType(USER_POOL_CLIENT);

    // Act
    const authorizer = stack.get(T.authorizer, 'orders-api-customer-authorizer');

    // Assess
    expect(authorizer.inputs).toMatchObject({
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool.id}`, audiences: [client.id] },
    });
    expect(authorizer.inputs).not.toHaveProperty('authorizerUri');
    expect(stack.outputs.customerTokenIssuer).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${pool.id}`);
    expect(stack.outputs.customerUserPoolId).toBe(pool.id);
  });

  it.each(CUSTOMER_ROUTES)('guards %s with the JWT authorizer (no scopes unless configured)', (routeKey) => {
    // Prepare
    const authorizer = stack.get(T.authorizer, 'orders-api-customer-authorizer');

    // Act
    const route = routeOf(stack, routeKey);

    // Assess
    expect(route.inputs).toMatchObject({ authorizationType: 'JWT', authorizerId: authorizer.id });
    expect(route.inputs.authorizationScopes).toBeUndefined();
  });

  it("keeps the carrier's callback on its own Lambda authorizer", () => {
    // Prepare
    const lambdaAuthorizer = stack.get(T.authorizer, 'orders-api-authorizer');

    // Act
    const route = routeOf(stack, 'POST /confirm-shipment');

    // Assess
    expect(lambdaAuthorizer.inputs.authorizerType).toBe('REQUEST');
    expect(route.inputs).toMatchObject({ authorizationType: 'CUSTOM', authorizerId: lambdaAuthorizer.id });
  });

  it.each(['POST /uploads', 'POST /cancellations'])(
    "maps the token's subject into %s's event, around the body, so the body cannot choose it",
    (routeKey) => {
      // Prepare
      const route = routeOf(stack, routeKey);
      const integration = stack.ofType(T.integration).find((i) => route.inputs.target === `integrations/${i.id}`);
      const forged = '{"orderId":"x"},"customerId":"someone-else"';

      // Act: the mapping as API Gateway evaluates it, once with an honest body and once with a forging one
      const evaluate = (body: string) =>
        evaluateParameterMapping(integration?.inputs.requestParameters, {
          body,
          headers: {},
          query: {},
          pathParameters: {},
          context: { authorizer: { claims: { sub: 'c0ffee00-1111-4222-8333-444455556666' } } },
          stageVariables: {},
        }).Detail;

      // Assess
      expect(integration?.inputs.requestParameters.Detail).toContain('${context.authorizer.claims.sub}');
      expect(JSON.parse(evaluate('{"orderId":"x"}'))).toEqual({
        customerId: 'c0ffee00-1111-4222-8333-444455556666',
        body: { orderId: 'x' },
        customerIdRepeated: 'c0ffee00-1111-4222-8333-444455556666',
      });
      // JSON.parse keeps the last duplicate: the forged id lands in the first copy only, and the copies differ.
      const parsed = JSON.parse(evaluate(forged)) as Record<string, string>;
      expect(parsed.customerId).not.toBe(parsed.customerIdRepeated);
    },
  );

  it('proxies GET /orders/{id} with payload 2.0, where the function reads the claims', () => {
    // Prepare
    const route = routeOf(stack, 'GET /orders/{id}');

    // Act
    const integration = stack.ofType(T.integration).find((i) => route.inputs.target === `integrations/${i.id}`);

    // Assess
    expect(integration?.inputs).toMatchObject({ integrationType: 'AWS_PROXY', payloadFormatVersion: '2.0' });
  });
});

describe('customer routes with a configured issuer', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack({
      config: {
        customerJwtIssuer: 'https://login.example.com/',
        customerJwtAudience: '["shop-web","shop-app"]',
        customerJwtScopes: 'orders:write,orders:read',
      },
    });
  });

  it('creates no user pool and trusts the configured issuer and audiences', () => {
    // Prepare / Act
    const authorizer = stack.get(T.authorizer, 'orders-api-customer-authorizer');

    // Assess
    expect(stack.ofType(USER_POOL)).toHaveLength(0);
    expect(stack.ofType(USER_POOL_CLIENT)).toHaveLength(0);
    expect(authorizer.inputs.jwtConfiguration).toEqual({
      issuer: 'https://login.example.com/',
      audiences: ['shop-web', 'shop-app'],
    });
  });

  it.each(CUSTOMER_ROUTES)('requires one of the configured scopes on %s', (routeKey) => {
    expect(routeOf(stack, routeKey).inputs.authorizationScopes).toEqual(['orders:write', 'orders:read']);
  });
});

describe('customer issuer config', () => {
  it.each([
    [{ customerJwtIssuer: 'https://login.example.com' }, /customerJwtAudience/],
    [{ customerJwtAudience: 'shop-web' }, /customerJwtIssuer/],
    [{ customerJwtIssuer: 'http://login.example.com', customerJwtAudience: 'a' }, /https URL/],
    [{ customerJwtScopes: '[1]' }, /customerJwtScopes/],
  ])('refuses %j', (plain, message) => {
    expect(() => parseStackConfig(plain)).toThrow(message);
  });

  it('reads a comma-separated audience list', () => {
    expect(
      parseStackConfig({ customerJwtIssuer: 'https://login.example.com', customerJwtAudience: 'a, b' }).customerJwt,
    ).toEqual({
      issuer: 'https://login.example.com',
      audience: ['a', 'b'],
    });
  });
});
