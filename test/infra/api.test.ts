import { DetailTypes, EventSources } from '../../handlers/contract';
import { routeSlug, routeSourcePath } from '../../infra/orders-api';
import { loadStack, T, type LoadedStack } from './helpers/stack';

describe('OrdersApi', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack({
      config: { throttlingBurstLimit: '7', throttlingRateLimit: '3', logRetentionDays: '30' },
    });
  });

  const integrationOf = (routeKey: string) => {
    const route = stack.ofType(T.route).find((r) => r.inputs.routeKey === routeKey);
    if (!route) throw new Error(`no route ${routeKey}`);
    const integration = stack.ofType(T.integration).find((i) => route.inputs.target === `integrations/${i.id}`);
    if (!integration) throw new Error(`no integration for ${routeKey}`);
    return { route, integration };
  };

  it('is an HTTP API with an auto-deploying $default stage, throttled from config, with JSON access logs', () => {
    // Prepare
    const api = stack.ofType(T.api)[0];
    const stage = stack.ofType(T.stage)[0];
    const accessLogs = stack.get(T.logGroup, 'orders-api-access-logs');

    // Act
    const format = JSON.parse(stage.inputs.accessLogSettings.format);

    // Assess
    expect(api.inputs.protocolType).toBe('HTTP');
    expect(stage.inputs).toMatchObject({
      apiId: api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: 7, throttlingRateLimit: 3 },
    });
    expect(stage.inputs.accessLogSettings.destinationArn).toBe(accessLogs.state.arn);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    expect(accessLogs.inputs.retentionInDays).toBe(30);
  });

  it('declares exactly the four routes', () => {
    // Prepare / Act
    const keys = stack
      .ofType(T.route)
      .map((r) => r.inputs.routeKey)
      .sort();

    // Assess
    expect(keys).toEqual(['GET /orders/{id}', 'POST /cancellations', 'POST /confirm-shipment', 'POST /uploads']);
  });

  // Customer routes wrap the body with the token's subject (test/infra/customer-auth.test.ts); the carrier's is the body.
  const CUSTOMER_DETAIL =
    '{"customerId":"${context.authorizer.claims.sub}","body":${request.body},"customerIdRepeated":"${context.authorizer.claims.sub}"}';

  it.each([
    ['POST /uploads', EventSources.api, DetailTypes.orderUploaded, CUSTOMER_DETAIL],
    ['POST /cancellations', EventSources.api, DetailTypes.cancellationRequested, CUSTOMER_DETAIL],
    ['POST /confirm-shipment', EventSources.carrier, DetailTypes.shipmentConfirmed, '$request.body'],
  ])(
    'integrates %s straight with EventBridge PutEvents, static source and detail type',
    (routeKey, source, detailType, detail) => {
      // Prepare
      const bus = stack.ofType(T.bus)[0];
      const role = stack.get(T.role, 'orders-api-put-events-role');

      // Act
      const { integration } = integrationOf(routeKey);

      // Assess
      expect(integration.inputs).toMatchObject({
        integrationType: 'AWS_PROXY',
        integrationSubtype: 'EventBridge-PutEvents',
        payloadFormatVersion: '1.0',
        credentialsArn: role.state.arn,
        requestParameters: { EventBusName: bus.state.name, Source: source, DetailType: detailType, Detail: detail },
      });
      expect(Object.keys(integration.inputs.requestParameters).sort()).toEqual([
        'Detail',
        'DetailType',
        'EventBusName',
        'Source',
      ]);
    },
  );

  it('lets the integrations role put events on the orders bus and nothing else', () => {
    // Prepare
    const bus = stack.ofType(T.bus)[0];
    const role = stack.get(T.role, 'orders-api-put-events-role');
    const policy = stack.get(T.rolePolicy, 'orders-api-put-events-policy');

    // Act
    const doc = JSON.parse(policy.inputs.policy);
    const trust = JSON.parse(role.inputs.assumeRolePolicy);

    // Assess
    expect(policy.inputs.role).toBe(role.id);
    expect(doc.Statement).toEqual([
      { Sid: 'PutEventsOnBus', Effect: 'Allow', Action: ['events:PutEvents'], Resource: [bus.state.arn] },
    ]);
    // API Gateway provides no aws:SourceAccount when it assumes an integration's role: any condition would 500 every route.
    expect(trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('guards only POST /confirm-shipment with the REQUEST Lambda authorizer', () => {
    // Prepare
    const authorizer = stack.get(T.authorizer, 'orders-api-authorizer');
    const fn = stack.get(T.function, 'authorize-carrier');

    // Act
    const guarded = stack.ofType(T.route).filter((r) => r.inputs.authorizationType === 'CUSTOM');

    // Assess
    expect(guarded.map((r) => r.inputs.routeKey)).toEqual(['POST /confirm-shipment']);
    expect(guarded[0].inputs.authorizerId).toBe(authorizer.id);
    expect(authorizer.inputs).toMatchObject({
      authorizerType: 'REQUEST',
      authorizerUri: fn.state.invokeArn,
      authorizerPayloadFormatVersion: '2.0',
      enableSimpleResponses: true,
      identitySources: ['$request.header.Authorization'],
      authorizerResultTtlInSeconds: 0,
    });
    // Every other route is a customer route (test/infra/customer-auth.test.ts): none is open.
    for (const route of stack.ofType(T.route).filter((r) => r.inputs.authorizationType !== 'CUSTOM'))
      expect(route.inputs.authorizationType).toBe('JWT');
  });

  it("lets API Gateway invoke the authorizer only as this API's authorizer", () => {
    // Prepare
    const api = stack.ofType(T.api)[0];
    const authorizer = stack.get(T.authorizer, 'orders-api-authorizer');

    // Act
    const permission = stack.get(T.permission, 'orders-api-authorizer-invoke');

    // Assess
    expect(permission.inputs).toMatchObject({
      action: 'lambda:InvokeFunction',
      function: 'authorize-carrier-dev',
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${api.state.executionArn}/authorizers/${authorizer.id}`,
    });
  });

  it('proxies GET /orders/{id} to get-order with payload 2.0, and lets only that route invoke it', () => {
    // Prepare
    const api = stack.ofType(T.api)[0];
    const fn = stack.get(T.function, 'get-order');

    // Act
    const { integration } = integrationOf('GET /orders/{id}');
    const permission = stack.get(T.permission, 'orders-api-get-orders-id-invoke');

    // Assess
    expect(integration.inputs).toMatchObject({
      integrationType: 'AWS_PROXY',
      integrationUri: fn.state.arn,
      payloadFormatVersion: '2.0',
    });
    expect(integration.inputs.integrationSubtype).toBeUndefined();
    expect(permission.inputs).toMatchObject({
      function: 'get-order-dev',
      principal: 'apigateway.amazonaws.com',
      sourceArn: `${api.state.executionArn}/*/GET/orders/*`,
    });
  });

  it('derives child-name slugs and source-ARN paths from route keys', () => {
    // Prepare / Act / Assess
    expect(routeSlug('GET /orders/{id}')).toBe('get-orders-id');
    expect(routeSourcePath('/orders/{id}')).toBe('/orders/*');
    expect(routeSourcePath('/files/{proxy+}')).toBe('/files/*');
    expect(routeSourcePath('/uploads')).toBe('/uploads');
  });

  it('creates each Lambda-backed route only after the permission it needs (the $default stage auto-deploys)', () => {
    // Prepare
    const authorizerPermission = stack.get(T.permission, 'orders-api-authorizer-invoke');
    const getOrderPermission = stack.get(T.permission, 'orders-api-get-orders-id-invoke');

    // Act
    const confirm = stack.ofType(T.route).find((r) => r.inputs.routeKey === 'POST /confirm-shipment');
    const getOrder = stack.ofType(T.route).find((r) => r.inputs.routeKey === 'GET /orders/{id}');

    // Assess
    expect(confirm?.dependencies).toContain(authorizerPermission.urn);
    expect(getOrder?.dependencies).toContain(getOrderPermission.urn);
  });
});
