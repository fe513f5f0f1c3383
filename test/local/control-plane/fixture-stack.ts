/**
 * A hand-made resource graph, shaped as the shared Pulumi mocks record one (inputs plus computed outputs), in an
 * account and region other than the mocks' defaults, so that every answer provably takes them from the graph.
 * Enough rules and functions for more than one page; secrets from config and from a generated password.
 */
import { GraphResource, ResourceGraph } from '../../../local/model/graph';
import type { StackGraphLike } from '../../../local/control-plane';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const CONFIG_SECRET = 'config-secret-456';
export const GENERATED_SECRET = 'generatedsecret123';

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
export const BUS_ARN = arn('events', 'event-bus/shop');
export const DLQ_ARN = arn('sqs', 'shop-dlq');
export const WORKER_ARN = arn('lambda', 'function:worker');
export const TABLE_STREAM_ARN = arn('dynamodb', 'table/orders/stream/2026-01-01T00:00:00.000');
export const API_ID = 'abc1234567';

let counter = 0;
function resource(type: string, name: string, id: string, state: Record<string, unknown>): GraphResource {
  counter += 1;
  return { type, name, id, urn: `urn:pulumi:test::shop::${type}::${name}-${counter}`, inputs: state, state };
}

function rule(name: string, extra: Record<string, unknown> = {}): GraphResource {
  return resource('aws:cloudwatch/eventRule:EventRule', name, `shop/${name}`, {
    name,
    eventBusName: 'shop',
    eventPattern: JSON.stringify({ source: ['shop'], 'detail-type': [name] }),
    arn: arn('events', `rule/shop/${name}`),
    ...extra,
  });
}

function fn(name: string, extra: Record<string, unknown> = {}): GraphResource {
  return resource('aws:lambda/function:Function', name, name, {
    name,
    arn: arn('lambda', `function:${name}`),
    role: arn('iam', `role/${name}-role`).replace(`:${REGION}:`, '::'),
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    code: { assets: { 'index.js': { text: `exports.handler = async () => '${name}';` } } },
    ...extra,
  });
}

export function fixtureResources(): GraphResource[] {
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/worker-role`;
  return [
    resource('random:index/randomPassword:RandomPassword', 'token', 'none', { length: 18, result: GENERATED_SECRET }),
    resource('aws:cloudwatch/eventBus:EventBus', 'shop', 'shop', {
      name: 'shop',
      description: 'The shop bus',
      arn: BUS_ARN,
    }),
    rule('rule-a', { description: 'first' }),
    rule('rule-b'),
    rule('rule-c', { state: 'DISABLED' }),
    rule('rule-d'),
    rule('rule-e'),
    resource('aws:cloudwatch/eventRule:EventRule', 'nightly', 'nightly', {
      name: 'nightly',
      scheduleExpression: 'rate(1 day)',
      arn: arn('events', 'rule/nightly'),
    }),
    resource('aws:cloudwatch/eventTarget:EventTarget', 'rule-a-worker', 'shop-rule-a-worker', {
      rule: 'rule-a',
      eventBusName: 'shop',
      targetId: 'worker',
      arn: WORKER_ARN,
      inputTransformer: { inputPaths: { id: '$.detail.id' }, inputTemplate: '{"id": <id>}' },
      retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 600 },
      deadLetterConfig: { arn: DLQ_ARN },
    }),
    resource('aws:cloudwatch/eventTarget:EventTarget', 'rule-a-partner', 'shop-rule-a-partner', {
      rule: 'rule-a',
      eventBusName: 'shop',
      targetId: 'partner',
      arn: arn('events', 'api-destination/partner-endpoint/0000'),
      roleArn,
      httpTarget: { headerParameters: { 'x-source': 'shop' } },
    }),
    resource('aws:cloudwatch/eventTarget:EventTarget', 'rule-b-worker', 'shop-rule-b-worker', {
      rule: 'rule-b',
      eventBusName: BUS_ARN,
      targetId: 'worker',
      arn: WORKER_ARN,
    }),
    resource('aws:cloudwatch/eventArchive:EventArchive', 'archive', 'shop-archive', {
      name: 'shop-archive',
      eventSourceArn: BUS_ARN,
      retentionDays: 7,
      description: 'replayable',
      arn: arn('events', 'archive/shop-archive'),
    }),
    resource('aws:cloudwatch/eventConnection:EventConnection', 'partner', 'partner', {
      name: 'partner',
      authorizationType: 'API_KEY',
      authParameters: {
        apiKey: { key: 'x-api-key', value: 'api-key-value-789' },
        invocationHttpParameters: {
          headers: [
            { key: 'x-tenant', value: 'acme', isValueSecret: false },
            { key: 'x-signature', value: 'signature-value-000', isValueSecret: true },
          ],
        },
      },
      arn: arn('events', 'connection/partner/1111'),
      secretArn: arn('secretsmanager', 'secret:events!connection/partner/1111-abcdef'),
    }),
    resource('aws:cloudwatch/eventApiDestination:EventApiDestination', 'partner-endpoint', 'partner-endpoint', {
      name: 'partner-endpoint',
      connectionArn: arn('events', 'connection/partner/1111'),
      invocationEndpoint: 'https://partner.example/hook',
      httpMethod: 'POST',
      invocationRateLimitPerSecond: 5,
      arn: arn('events', 'api-destination/partner-endpoint/0000'),
    }),
    resource('aws:sqs/queue:Queue', 'dlq', `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/shop-dlq`, {
      name: 'shop-dlq',
      tags: { team: 'shop' },
      arn: DLQ_ARN,
      url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/shop-dlq`,
    }),
    resource('aws:dynamodb/table:Table', 'orders', 'orders', {
      name: 'orders',
      hashKey: 'id',
      attributes: [{ name: 'id', type: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      arn: arn('dynamodb', 'table/orders'),
      streamArn: TABLE_STREAM_ARN,
    }),
    resource('aws:pipes/pipe:Pipe', 'changes', 'changes', {
      name: 'changes',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/changes-role`,
      source: TABLE_STREAM_ARN,
      target: BUS_ARN,
      sourceParameters: {
        dynamodbStreamParameters: { batchSize: 5, startingPosition: 'LATEST', deadLetterConfig: { arn: DLQ_ARN } },
        filterCriteria: { filters: [{ pattern: '{"eventName":["INSERT"]}' }] },
      },
      targetParameters: {
        inputTemplate: '{"id": <$.dynamodb.Keys.id.S>}',
        eventbridgeEventBusParameters: { detailType: 'Order Changed', source: 'shop.orders' },
      },
      arn: arn('pipes', 'pipe/changes'),
    }),
    fn('worker', {
      timeout: 10,
      memorySize: 256,
      environment: {
        variables: { PLAIN: 'visible', TOKEN: GENERATED_SECRET, AUTHORIZATION: `Bearer ${CONFIG_SECRET}` },
      },
      deadLetterConfig: { targetArn: DLQ_ARN },
      tags: { team: 'shop' },
    }),
    fn('api-handler'),
    fn('other'),
    fn('fourth'),
    fn('fifth'),
    resource('aws:lambda/permission:Permission', 'api-invoke', 'api-invoke', {
      action: 'lambda:InvokeFunction',
      function: 'api-handler',
      principal: 'apigateway.amazonaws.com',
      sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*/GET/things`,
      statementId: 'api-invoke',
    }),
    resource('aws:lambda/functionUrl:FunctionUrl', 'other-url', 'other', {
      functionName: 'other',
      authorizationType: 'NONE',
      functionUrl: `https://otherurlid.lambda-url.${REGION}.on.aws/`,
      functionArn: arn('lambda', 'function:other'),
    }),
    resource('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'worker-async', 'worker', {
      functionName: 'worker',
      maximumRetryAttempts: 1,
      destinationConfig: { onFailure: { destination: DLQ_ARN } },
    }),
    resource('aws:apigatewayv2/api:Api', 'shop-api', API_ID, {
      name: 'shop-api',
      protocolType: 'HTTP',
      apiEndpoint: `https://${API_ID}.execute-api.${REGION}.amazonaws.com`,
    }),
    resource('aws:apigatewayv2/integration:Integration', 'things', 'int0001', {
      apiId: API_ID,
      integrationType: 'AWS_PROXY',
      integrationUri: WORKER_ARN,
      payloadFormatVersion: '2.0',
    }),
    resource('aws:apigatewayv2/integration:Integration', 'events', 'int0002', {
      apiId: API_ID,
      integrationType: 'AWS_PROXY',
      integrationSubtype: 'EventBridge-PutEvents',
      credentialsArn: roleArn,
      requestParameters: { Detail: '$request.body', DetailType: 'Thing', Source: 'shop' },
    }),
    resource('aws:apigatewayv2/route:Route', 'get-things', 'rte0001', {
      apiId: API_ID,
      routeKey: 'GET /things',
      target: 'integrations/int0001',
    }),
    resource('aws:apigatewayv2/route:Route', 'post-things', 'rte0002', {
      apiId: API_ID,
      routeKey: 'POST /things',
      target: 'integrations/int0002',
      authorizationType: 'JWT',
      authorizerId: 'aut0001',
    }),
    resource('aws:apigatewayv2/route:Route', 'delete-things', 'rte0003', {
      apiId: API_ID,
      routeKey: 'DELETE /things/{id}',
      target: 'integrations/int0001',
    }),
    resource('aws:apigatewayv2/stage:Stage', 'default-stage', '$default', {
      apiId: API_ID,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: 10, throttlingRateLimit: 5 },
    }),
    resource('aws:apigatewayv2/authorizer:Authorizer', 'jwt', 'aut0001', {
      apiId: API_ID,
      name: 'jwt',
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { audiences: ['shop'], issuer: 'https://issuer.example' },
    }),
    resource('aws:iam/role:Role', 'worker-role', 'worker-role', {
      name: 'worker-role',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      arn: roleArn,
      uniqueId: 'AROAFIXTUREWORKER',
      inlinePolicies: [
        {
          name: 'inline-logs',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }],
          }),
        },
      ],
    }),
    resource('aws:iam/rolePolicy:RolePolicy', 'worker-policy', 'worker-role:worker-policy', {
      role: 'worker-role',
      name: 'worker-policy',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: DLQ_ARN }],
      }),
    }),
    resource('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'worker-basic', 'worker-role-1', {
      role: 'worker-role',
      policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    }),
  ];
}

export function fixtureGraph(): StackGraphLike {
  const graph = new ResourceGraph(fixtureResources()) as StackGraphLike;
  graph.accountId = ACCOUNT;
  graph.region = REGION;
  graph.config = {
    values: { 'shop:apiToken': CONFIG_SECRET, 'shop:greeting': 'hello' },
    secretKeys: ['shop:apiToken'],
  };
  return graph;
}
