/**
 * The edge's read-only control plane through the real AWS SDK v3 clients: the edge alone, with a hand-made graph
 * (fixture-stack.ts) in account 111122223333, region eu-west-1.
 */
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  GetApiCommand,
  GetApisCommand,
  GetAuthorizersCommand,
  GetIntegrationCommand,
  GetIntegrationsCommand,
  GetRouteCommand,
  GetRoutesCommand,
  GetStagesCommand,
  NotFoundException as ApiNotFound,
} from '@aws-sdk/client-apigatewayv2';
import {
  DescribeApiDestinationCommand,
  DescribeArchiveCommand,
  DescribeConnectionCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListApiDestinationsCommand,
  ListArchivesCommand,
  ListConnectionsCommand,
  ListEventBusesCommand,
  ListEndpointsCommand,
  ListReplaysCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceNotFoundException as EventsNotFound,
} from '@aws-sdk/client-eventbridge';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  paginateListFunctions,
  ResourceNotFoundException as LambdaNotFound,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  DescribePipeCommand,
  ListPipesCommand,
  NotFoundException as PipeNotFound,
  PipesClient,
  StopPipeCommand,
} from '@aws-sdk/client-pipes';
import { ListQueueTagsCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { ControlPlane } from '../../../local/control-plane';
import { EdgeHandle, startEdge } from '../../../local/services/edge';
import { SqsService } from '../../../local/services/sqs';
import {
  ACCOUNT,
  API_ID,
  BUS_ARN,
  CONFIG_SECRET,
  DLQ_ARN,
  fixtureGraph,
  GENERATED_SECRET,
  REGION,
  TABLE_STREAM_ARN,
  WORKER_ARN,
} from './fixture-stack';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let edge: EdgeHandle;
let sqs: SqsService;
const putEvents: object[] = [];
let clients: {
  events: EventBridgeClient;
  pipes: PipesClient;
  lambda: LambdaClient;
  api: ApiGatewayV2Client;
  iam: IAMClient;
  sqs: SQSClient;
};

beforeAll(async () => {
  sqs = new SqsService();
  edge = await startEdge({
    port: 0,
    sqs,
    dynamoDbEndpoint: 'http://127.0.0.1:9',
    eventBridge: {
      putEvents: (request) => {
        putEvents.push(request);
        return { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] };
      },
      testEventPattern: () => true,
    },
    controlPlane: new ControlPlane(fixtureGraph()),
  });
  const config = { endpoint: edge.url, region: REGION, credentials };
  clients = {
    events: new EventBridgeClient(config),
    pipes: new PipesClient(config),
    lambda: new LambdaClient(config),
    api: new ApiGatewayV2Client(config),
    iam: new IAMClient(config),
    sqs: new SQSClient(config),
  };
});

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.destroy();
  sqs?.close();
  await edge?.stop();
});

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Error) => error,
  );
}

describe('EventBridge control plane (AWS JSON 1.1)', () => {
  it('lists the default bus and the declared one, and describes a bus with the stack ARN', async () => {
    // Act
    const listed = await clients.events.send(new ListEventBusesCommand({}));
    const shop = await clients.events.send(new DescribeEventBusCommand({ Name: BUS_ARN }));
    // Assess
    expect(listed.EventBuses?.map((b) => [b.Name, b.Arn])).toEqual([
      ['default', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`],
      ['shop', BUS_ARN],
    ]);
    expect(shop).toMatchObject({ Name: 'shop', Arn: BUS_ARN, Description: 'The shop bus' });
    expect(shop.CreationTime).toBeInstanceOf(Date);
  });

  it('pages through the rules of a bus with Limit and NextToken', async () => {
    // Act
    const first = await clients.events.send(new ListRulesCommand({ EventBusName: 'shop', Limit: 2 }));
    const all: string[] = [];
    let token: string | undefined;
    do {
      const page = await clients.events.send(
        new ListRulesCommand({ EventBusName: 'shop', Limit: 2, NextToken: token }),
      );
      all.push(...(page.Rules ?? []).map((r) => r.Name as string));
      token = page.NextToken;
    } while (token);
    const onDefault = await clients.events.send(new ListRulesCommand({}));
    // Assess
    expect(first.Rules?.map((r) => r.Name)).toEqual(['rule-a', 'rule-b']);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(all).toEqual(['rule-a', 'rule-b', 'rule-c', 'rule-d', 'rule-e']);
    expect(onDefault.Rules).toEqual([
      expect.objectContaining({ Name: 'nightly', ScheduleExpression: 'rate(1 day)', EventBusName: 'default' }),
    ]);
  });

  it('describes a rule with its pattern and state, and answers an unknown one as AWS does', async () => {
    // Act
    const rule = await clients.events.send(new DescribeRuleCommand({ Name: 'rule-c', EventBusName: 'shop' }));
    const missing = await failure(clients.events.send(new DescribeRuleCommand({ Name: 'rule-a' })));
    const noBus = await failure(clients.events.send(new ListRulesCommand({ EventBusName: 'nope' })));
    // Assess
    expect(rule).toMatchObject({
      Name: 'rule-c',
      Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/shop/rule-c`,
      State: 'DISABLED',
      EventBusName: 'shop',
      CreatedBy: ACCOUNT,
      EventPattern: JSON.stringify({ source: ['shop'], 'detail-type': ['rule-c'] }),
    });
    expect(missing).toBeInstanceOf(EventsNotFound);
    expect(missing.message).toBe('Rule rule-a does not exist on EventBus default.');
    expect(noBus.message).toBe('Event bus nope does not exist.');
  });

  it('lists targets with input transformer, retry policy and DLQ, and finds rules by target', async () => {
    // Act
    const targets = await clients.events.send(new ListTargetsByRuleCommand({ Rule: 'rule-a', EventBusName: 'shop' }));
    const rules = await clients.events.send(
      new ListRuleNamesByTargetCommand({ TargetArn: WORKER_ARN, EventBusName: 'shop' }),
    );
    // Assess
    expect(targets.Targets).toEqual([
      expect.objectContaining({
        Id: 'partner',
        HttpParameters: { HeaderParameters: { 'x-source': 'shop' } },
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/worker-role`,
      }),
      {
        Id: 'worker',
        Arn: WORKER_ARN,
        InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' },
        RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 600 },
        DeadLetterConfig: { Arn: DLQ_ARN },
      },
    ]);
    expect(rules.RuleNames).toEqual(['rule-a', 'rule-b']);
  });

  it('lists and describes archives, connections (no secret values) and API destinations', async () => {
    // Act
    const archives = await clients.events.send(new ListArchivesCommand({ EventSourceArn: BUS_ARN }));
    const archive = await clients.events.send(new DescribeArchiveCommand({ ArchiveName: 'shop-archive' }));
    const connections = await clients.events.send(new ListConnectionsCommand({}));
    const connection = await clients.events.send(new DescribeConnectionCommand({ Name: 'partner' }));
    const destinations = await clients.events.send(new ListApiDestinationsCommand({ NamePrefix: 'partner' }));
    const destination = await clients.events.send(new DescribeApiDestinationCommand({ Name: 'partner-endpoint' }));
    const noConnection = await failure(clients.events.send(new DescribeConnectionCommand({ Name: 'nope' })));
    // Assess
    expect(archives.Archives).toEqual([
      expect.objectContaining({
        ArchiveName: 'shop-archive',
        EventSourceArn: BUS_ARN,
        State: 'ENABLED',
        RetentionDays: 7,
      }),
    ]);
    expect(archive).toMatchObject({
      ArchiveArn: `arn:aws:events:${REGION}:${ACCOUNT}:archive/shop-archive`,
      Description: 'replayable',
    });
    expect(connections.Connections?.map((c) => [c.Name, c.ConnectionState, c.AuthorizationType])).toEqual([
      ['partner', 'AUTHORIZED', 'API_KEY'],
    ]);
    expect(connection.AuthParameters).toEqual({
      ApiKeyAuthParameters: { ApiKeyName: 'x-api-key' },
      InvocationHttpParameters: {
        HeaderParameters: [
          { Key: 'x-tenant', Value: 'acme', IsValueSecret: false },
          { Key: 'x-signature', IsValueSecret: true },
        ],
      },
    });
    expect(connection.SecretArn).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection\/partner\//,
    );
    expect(JSON.stringify(connection)).not.toMatch(/api-key-value-789|signature-value-000/);
    expect(destinations.ApiDestinations).toEqual([
      expect.objectContaining({ Name: 'partner-endpoint', ApiDestinationState: 'ACTIVE', HttpMethod: 'POST' }),
    ]);
    expect(destination).toMatchObject({
      InvocationEndpoint: 'https://partner.example/hook',
      InvocationRateLimitPerSecond: 5,
    });
    expect(noConnection.message).toBe("Failed to describe the connection(s). Connection 'nope' does not exist.");
  });

  it('refuses calls that would change the stack, keeps the data plane, and reports other operations unknown', async () => {
    // Act
    const putRule = await failure(
      clients.events.send(new PutRuleCommand({ Name: 'x', EventBusName: 'shop', EventPattern: '{}' })),
    );
    const putTargets = await failure(
      clients.events.send(
        new PutTargetsCommand({ Rule: 'rule-a', EventBusName: 'shop', Targets: [{ Id: 'x', Arn: WORKER_ARN }] }),
      ),
    );
    const put = await clients.events.send(
      new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }),
    );
    const endpoints = await failure(clients.events.send(new ListEndpointsCommand({})));
    // The replay API is the data plane's (this edge's EventBridge has no replay: answered unknown there).
    const replays = await failure(clients.events.send(new ListReplaysCommand({})));
    // Assess
    expect(putRule.name).toBe('AccessDeniedException');
    expect(putRule.$metadata?.httpStatusCode).toBe(403);
    expect(putRule.message).toContain(
      'events:PutRule is refused by the local cloud: the local stack is defined by the Pulumi program. Change infra/ and restart',
    );
    expect(putTargets.message).toContain('events:PutTargets is refused');
    expect(put.Entries).toEqual([{ EventId: 'e-1' }]);
    expect(putEvents).toHaveLength(1);
    expect(endpoints.name).toBe('UnknownOperationException');
    expect(endpoints.message).toContain('events:ListEndpoints is not emulated by the local edge');
    expect(replays.name).toBe('UnknownOperationException');
    expect(replays.message).toContain('Operation AWSEvents.ListReplays is not emulated by the local edge');
  });
});

describe('Pipes control plane (REST)', () => {
  it('lists and describes a pipe with its parameters in the API spelling', async () => {
    // Act
    const listed = await clients.pipes.send(new ListPipesCommand({ SourcePrefix: 'arn:aws:dynamodb:' }));
    const pipe = await clients.pipes.send(new DescribePipeCommand({ Name: 'changes' }));
    // Assess
    expect(listed.Pipes).toEqual([
      expect.objectContaining({
        Name: 'changes',
        Arn: `arn:aws:pipes:${REGION}:${ACCOUNT}:pipe/changes`,
        CurrentState: 'RUNNING',
        Source: TABLE_STREAM_ARN,
        Target: BUS_ARN,
      }),
    ]);
    expect(pipe.SourceParameters).toEqual({
      DynamoDBStreamParameters: { BatchSize: 5, StartingPosition: 'LATEST', DeadLetterConfig: { Arn: DLQ_ARN } },
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
    });
    expect(pipe.TargetParameters).toEqual({
      InputTemplate: '{"id": <$.dynamodb.Keys.id.S>}',
      EventBridgeEventBusParameters: { DetailType: 'Order Changed', Source: 'shop.orders' },
    });
    expect(pipe.RoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/changes-role`);
  });

  it('answers an unknown pipe with NotFoundException (404) and refuses StopPipe', async () => {
    // Act
    const missing = await failure(clients.pipes.send(new DescribePipeCommand({ Name: 'nope' })));
    const stop = await failure(clients.pipes.send(new StopPipeCommand({ Name: 'changes' })));
    // Assess
    expect(missing).toBeInstanceOf(PipeNotFound);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    expect(stop.message).toContain('pipes:StopPipe is refused');
  });
});

describe('Lambda control plane (REST)', () => {
  it('pages through the functions with MaxItems and Marker', async () => {
    // Act
    const first = await clients.lambda.send(new ListFunctionsCommand({ MaxItems: 2 }));
    const all: string[] = [];
    for await (const page of paginateListFunctions({ client: clients.lambda, pageSize: 2 }, {}))
      all.push(...(page.Functions ?? []).map((f) => f.FunctionName as string));
    // Assess
    expect(first.Functions?.map((f) => f.FunctionName)).toEqual(['api-handler', 'fifth']);
    expect(first.NextMarker).toEqual(expect.any(String));
    expect(all).toEqual(['api-handler', 'fifth', 'fourth', 'other', 'worker']);
  });

  it('returns the configuration with the environment minus its secrets, by name or ARN', async () => {
    // Act
    const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: WORKER_ARN }));
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: 'worker' }));
    // Assess
    expect(config).toMatchObject({
      FunctionName: 'worker',
      FunctionArn: WORKER_ARN,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Timeout: 10,
      MemorySize: 256,
      Version: '$LATEST',
      State: 'Active',
      Role: `arn:aws:iam::${ACCOUNT}:role/worker-role`,
      DeadLetterConfig: { TargetArn: DLQ_ARN },
      Environment: { Variables: { PLAIN: 'visible' } },
      CodeSize: Buffer.byteLength("exports.handler = async () => 'worker';"),
    });
    expect(JSON.stringify(config)).not.toContain(GENERATED_SECRET);
    expect(JSON.stringify(config)).not.toContain(CONFIG_SECRET);
    expect(fn.Configuration?.FunctionArn).toBe(WORKER_ARN);
    expect(fn.Tags).toEqual({ team: 'shop' });
    expect((await clients.lambda.send(new ListTagsCommand({ Resource: WORKER_ARN }))).Tags).toEqual({ team: 'shop' });
  });

  it('returns the resource policy, the Function URL and the async invoke config; event source mappings are empty', async () => {
    // Act
    const policy = await clients.lambda.send(new GetPolicyCommand({ FunctionName: 'api-handler' }));
    const url = await clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'other' }));
    const invoke = await clients.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'worker' }));
    const mappings = await clients.lambda.send(new ListEventSourceMappingsCommand({}));
    // Assess
    expect(JSON.parse(policy.Policy as string)).toEqual({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [
        {
          Sid: 'api-invoke',
          Effect: 'Allow',
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:api-handler`,
          Condition: {
            ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*/GET/things` },
          },
        },
      ],
    });
    expect(url).toMatchObject({
      FunctionUrl: `https://otherurlid.lambda-url.${REGION}.on.aws/`,
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
    });
    expect(invoke).toMatchObject({
      FunctionArn: `${WORKER_ARN}:$LATEST`,
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: DLQ_ARN } },
    });
    expect(mappings.EventSourceMappings).toEqual([]);
  });

  it('answers unknown functions and absent sub-resources with ResourceNotFoundException (404)', async () => {
    // Act
    const missing = await failure(clients.lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })));
    const noUrl = await failure(clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'worker' })));
    const noPolicy = await failure(clients.lambda.send(new GetPolicyCommand({ FunctionName: 'worker' })));
    // Assess
    expect(missing).toBeInstanceOf(LambdaNotFound);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    expect(missing.message).toBe(`Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:nope`);
    expect(noUrl).toBeInstanceOf(LambdaNotFound);
    expect(noPolicy.message).toBe('The resource you requested does not exist.');
    const noInvokeConfig = await failure(
      clients.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'other' })),
    );
    expect(noInvokeConfig.message).toBe(
      `The function arn:aws:lambda:${REGION}:${ACCOUNT}:function:other:$LATEST doesn't have an EventInvokeConfig`,
    );
  });

  it('refuses UpdateFunctionConfiguration', async () => {
    // Act
    const error = await failure(
      clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'worker', Timeout: 30 })),
    );
    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('lambda:UpdateFunctionConfiguration is refused by the local cloud');
  });
});

describe('API Gateway v2 control plane (REST)', () => {
  it('gets the API, its routes (paged), integrations, stages and authorizers', async () => {
    // Act
    const apis = await clients.api.send(new GetApisCommand({}));
    const api = await clients.api.send(new GetApiCommand({ ApiId: API_ID }));
    const firstRoutes = await clients.api.send(new GetRoutesCommand({ ApiId: API_ID, MaxResults: '2' }));
    const routeKeys: string[] = [];
    let token: string | undefined;
    do {
      const page = await clients.api.send(new GetRoutesCommand({ ApiId: API_ID, MaxResults: '2', NextToken: token }));
      routeKeys.push(...(page.Items ?? []).map((r) => r.RouteKey as string));
      token = page.NextToken;
    } while (token);
    const route = await clients.api.send(new GetRouteCommand({ ApiId: API_ID, RouteId: 'rte0002' }));
    const integrations = await clients.api.send(new GetIntegrationsCommand({ ApiId: API_ID }));
    const integration = await clients.api.send(new GetIntegrationCommand({ ApiId: API_ID, IntegrationId: 'int0002' }));
    const stages = await clients.api.send(new GetStagesCommand({ ApiId: API_ID }));
    const authorizers = await clients.api.send(new GetAuthorizersCommand({ ApiId: API_ID }));
    // Assess
    expect(apis.Items?.map((a) => a.ApiId)).toEqual([API_ID]);
    expect(api).toMatchObject({
      Name: 'shop-api',
      ProtocolType: 'HTTP',
      ApiEndpoint: `https://${API_ID}.execute-api.${REGION}.amazonaws.com`,
      RouteSelectionExpression: '$request.method $request.path',
    });
    expect(firstRoutes.Items).toHaveLength(2);
    expect(firstRoutes.NextToken).toEqual(expect.any(String));
    expect(routeKeys).toEqual(['GET /things', 'POST /things', 'DELETE /things/{id}']);
    expect(route).toMatchObject({
      RouteKey: 'POST /things',
      AuthorizationType: 'JWT',
      AuthorizerId: 'aut0001',
      Target: 'integrations/int0002',
    });
    expect(integrations.Items?.map((i) => [i.IntegrationId, i.IntegrationType])).toEqual([
      ['int0001', 'AWS_PROXY'],
      ['int0002', 'AWS_PROXY'],
    ]);
    expect(integration).toMatchObject({
      IntegrationSubtype: 'EventBridge-PutEvents',
      RequestParameters: { Detail: '$request.body', DetailType: 'Thing', Source: 'shop' },
    });
    expect(stages.Items).toEqual([
      expect.objectContaining({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingBurstLimit: 10, ThrottlingRateLimit: 5 },
      }),
    ]);
    expect(authorizers.Items).toEqual([
      expect.objectContaining({
        AuthorizerId: 'aut0001',
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: { Audience: ['shop'], Issuer: 'https://issuer.example' },
      }),
    ]);
  });

  it('answers unknown ids with NotFoundException in AWS wording and refuses CreateApi', async () => {
    // Act
    const missing = await failure(clients.api.send(new GetApiCommand({ ApiId: 'nope' })));
    const noRoute = await failure(clients.api.send(new GetRouteCommand({ ApiId: API_ID, RouteId: 'nope' })));
    const create = await failure(clients.api.send(new CreateApiCommand({ Name: 'x', ProtocolType: 'HTTP' })));
    // Assess
    expect(missing).toBeInstanceOf(ApiNotFound);
    expect(missing.message).toBe(`Invalid API identifier specified ${ACCOUNT}:nope`);
    expect(noRoute.message).toBe('Invalid Route identifier specified nope');
    expect(create.message).toContain('apigateway:CreateApi is refused');
  });
});

describe('IAM control plane (query protocol, XML)', () => {
  it('gets a role and its inline and attached policies, URL-encoded as AWS sends them', async () => {
    // Act
    const role = await clients.iam.send(new GetRoleCommand({ RoleName: 'worker-role' }));
    const names = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'worker-role' }));
    const firstName = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'worker-role', MaxItems: 1 }));
    const policy = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: 'worker-role', PolicyName: 'worker-policy' }),
    );
    const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'worker-role' }));
    // Assess
    expect(role.Role).toMatchObject({
      RoleName: 'worker-role',
      Arn: `arn:aws:iam::${ACCOUNT}:role/worker-role`,
      RoleId: 'AROAFIXTUREWORKER',
      Path: '/',
      MaxSessionDuration: 3600,
    });
    expect(
      JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument as string)).Statement[0].Principal,
    ).toEqual({ Service: 'lambda.amazonaws.com' });
    expect(names).toMatchObject({ PolicyNames: ['inline-logs', 'worker-policy'], IsTruncated: false });
    expect(firstName).toMatchObject({ PolicyNames: ['inline-logs'], IsTruncated: true, Marker: expect.any(String) });
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument as string)).Statement[0]).toEqual({
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: DLQ_ARN,
    });
    expect(attached.AttachedPolicies).toEqual([
      {
        PolicyName: 'AWSLambdaBasicExecutionRole',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      },
    ]);
  });

  it('answers an unknown role with NoSuchEntity and refuses PutRolePolicy', async () => {
    // Act
    const missing = await failure(clients.iam.send(new GetRoleCommand({ RoleName: 'nope' })));
    const put = await failure(
      clients.iam.send(new PutRolePolicyCommand({ RoleName: 'worker-role', PolicyName: 'x', PolicyDocument: '{}' })),
    );
    // Assess
    expect(missing).toBeInstanceOf(NoSuchEntityException);
    expect(missing.message).toBe('The role with name nope cannot be found.');
    expect(put.name).toBe('AccessDenied');
    expect(put.message).toContain('iam:PutRolePolicy is refused');
  });
});

describe('SQS ListQueueTags (AWS JSON 1.0)', () => {
  it("returns a queue's declared tags by its edge or graph URL", async () => {
    // Act
    const byEdgeUrl = await clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: `${edge.url}/${ACCOUNT}/shop-dlq` }));
    const byGraphUrl = await clients.sqs.send(
      new ListQueueTagsCommand({ QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/shop-dlq` }),
    );
    const missing = await failure(
      clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: `${edge.url}/${ACCOUNT}/nope` })),
    );
    // Assess
    expect(byEdgeUrl.Tags).toEqual({ team: 'shop' });
    expect(byGraphUrl.Tags).toEqual({ team: 'shop' });
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('control-plane input held to the edge shape table', () => {
  it('answers a wrong-typed member of an EventBridge read call or ListQueueTags with 400 SerializationException', async () => {
    // Act
    const post = async (target: string, body: unknown, version: string) => {
      const res = await fetch(edge.url, {
        method: 'POST',
        headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { __type: string; message: string } };
    };
    const rules = await post('AWSEvents.ListRules', { EventBusName: 'shop', Limit: 'ten' }, '1.1');
    const describe = await post('AWSEvents.DescribeRule', { Name: { rule: 'rule-a' } }, '1.1');
    const tags = await post('AmazonSQS.ListQueueTags', { QueueUrl: 5 }, '1.0');
    // Assess
    expect(rules).toEqual({
      status: 400,
      body: { __type: 'SerializationException', message: 'STRING_VALUE can not be converted to an Integer' },
    });
    expect(describe.status).toBe(400);
    expect(describe.body.message).toBe('Start of structure or map found where not expected.');
    expect(tags.status).toBe(400);
    expect(tags.body).toMatchObject({ message: 'NUMBER_VALUE can not be converted to a String' });
    expect(tags.body.__type).toMatch(/SerializationException$/);
  });
});
