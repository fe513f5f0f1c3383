import { ControlPlane, controlPlaneBanner, servedOperations } from '../../../local/control-plane';
import { apiGatewayRoute } from '../../../local/control-plane/apigatewayv2';
import { restCall, toQueryXml } from '../../../local/control-plane/http';
import { rfc3986 } from '../../../local/control-plane/iam';
import { toPipesMembers } from '../../../local/control-plane/pipes';
import { secretValuesOf } from '../../../local/control-plane/stack';
import { ResourceGraph } from '../../../local/model/graph';
import { API_ID, CONFIG_SECRET, fixtureGraph, GENERATED_SECRET } from './fixture-stack';

describe('ControlPlane', () => {
  const controlPlane = new ControlPlane(fixtureGraph(), new Date('2026-01-02T03:04:05.000Z'));

  it('serves, refuses or reports unknown, per operation', () => {
    // Act
    const served = controlPlane.call('events', 'DescribeEventBus', { Name: 'shop' });
    const refused = () => controlPlane.call('lambda', 'CreateFunction', {});
    const unknown = () => controlPlane.call('iam', 'ListUsers', {});
    // Assess
    expect(served).toMatchObject({ Name: 'shop', CreationTime: 1767323045 });
    expect(refused).toThrow(expect.objectContaining({ code: 'AccessDeniedException', statusCode: 403 }));
    expect(unknown).toThrow(expect.objectContaining({ code: 'UnknownOperationException' }));
    expect(controlPlane.handles('events', 'PutRule')).toBe(true);
    expect(controlPlane.handles('events', 'StartReplay')).toBe(false);
    expect(controlPlane.handles('sqs', 'SendMessage')).toBe(false);
  });

  it('never answers a secret value, wherever the graph holds one', () => {
    // Prepare
    const graph = fixtureGraph();
    const withSecret = new ControlPlane(
      Object.assign(
        new ResourceGraph([
          ...graph.resources,
          {
            type: 'aws:apigatewayv2/integration:Integration',
            name: 'secret-header',
            id: 'int0009',
            urn: 'urn:x',
            inputs: {},
            state: {
              apiId: API_ID,
              integrationType: 'HTTP_PROXY',
              requestParameters: { 'overwrite:header.Authorization': `Bearer ${CONFIG_SECRET}` },
            },
          },
        ]),
        { accountId: graph.accountId, region: graph.region, config: graph.config },
      ),
    );
    // Act
    const integration = withSecret.call('apigatewayv2', 'GetIntegration', { ApiId: API_ID, IntegrationId: 'int0009' });
    // Assess
    expect(integration.requestParameters).toEqual({ 'overwrite:header.Authorization': 'Bearer *****' });
  });

  it('knows the program’s secrets: secret config values and generated passwords', () => {
    // Act
    const secrets = secretValuesOf(fixtureGraph());
    // Assess
    expect(secrets.sort()).toEqual([CONFIG_SECRET, GENERATED_SECRET].sort());
  });

  it('lists the served operations per service for the banner', () => {
    // Act
    const served = servedOperations();
    const banner = controlPlaneBanner();
    // Assess
    expect(served.events).toEqual(
      expect.arrayContaining(['ListRules', 'DescribeRule', 'ListTargetsByRule', 'DescribeConnection']),
    );
    expect(served.lambda).toEqual(expect.arrayContaining(['ListFunctions', 'GetFunctionConfiguration', 'GetPolicy']));
    expect(served.iam).toEqual([
      'ListRoles',
      'GetRole',
      'ListRolePolicies',
      'GetRolePolicy',
      'ListAttachedRolePolicies',
    ]);
    expect(banner[0]).toMatch(/^Control plane on the AWS edge/);
    expect(banner).toContain(`  pipes         ListPipes, DescribePipe`);
  });
});

describe('protocol helpers', () => {
  it('routes REST paths to operations with their path and query members', () => {
    // Act
    const getFunction = restCall(
      'GET',
      '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A1%3Afunction%3Aw/configuration?Qualifier=%24LATEST',
    );
    const invoke = restCall('POST', '/2015-03-31/functions/w/invocations');
    const pipe = restCall('GET', '/v1/pipes/changes');
    const route = restCall('GET', '/v2/apis/abc/routes?maxResults=2');
    const other = restCall('GET', '/health');
    // Assess
    expect(getFunction).toEqual({
      key: 'lambda',
      protocol: 'lambda',
      operation: 'GetFunctionConfiguration',
      input: { FunctionName: 'arn:aws:lambda:eu-west-1:1:function:w', Qualifier: '$LATEST' },
    });
    expect(invoke).toBeUndefined();
    expect(pipe).toMatchObject({ key: 'pipes', operation: 'DescribePipe', input: { Name: 'changes' } });
    expect(route).toMatchObject({
      key: 'apigatewayv2',
      operation: 'GetRoutes',
      input: { ApiId: 'abc', MaxResults: '2' },
    });
    expect(other).toBeUndefined();
  });

  it('names API Gateway v2 operations from method and path', () => {
    // Assess
    expect(apiGatewayRoute('GET', '/v2/apis')?.operation).toBe('GetApis');
    expect(apiGatewayRoute('GET', '/v2/apis/a1/stages/%24default')).toEqual({
      operation: 'GetStage',
      params: { ApiId: 'a1', StageName: '$default' },
    });
    expect(apiGatewayRoute('PATCH', '/v2/apis/a1/integrations/i1')?.operation).toBe('UpdateIntegration');
    expect(apiGatewayRoute('POST', '/v2/apis')?.operation).toBe('CreateApi');
  });

  it('writes query-protocol XML with <member> lists and escaped text', () => {
    // Act
    const xml = toQueryXml({ PolicyNames: ['a', 'b<c'], IsTruncated: false, Role: { RoleName: 'r' } });
    // Assess
    expect(xml).toBe(
      '<PolicyNames><member>a</member><member>b&lt;c</member></PolicyNames><IsTruncated>false</IsTruncated><Role><RoleName>r</RoleName></Role>',
    );
  });

  it('URL-encodes policy documents per RFC 3986', () => {
    // Assess
    expect(rfc3986('{"a":"b*(c)!\'"}')).toBe('%7B%22a%22%3A%22b%2A%28c%29%21%27%22%7D');
  });

  it('spells Pipes members as the API does, keeping user map keys', () => {
    // Act
    const members = toPipesMembers({
      dynamodbStreamParameters: { batchSize: 1 },
      httpParameters: { headerParameters: { 'x-a': 'b' } },
      selfManagedKafkaParameters: { consumerGroupId: 'g' },
    });
    // Assess
    expect(members).toEqual({
      DynamoDBStreamParameters: { BatchSize: 1 },
      HttpParameters: { HeaderParameters: { 'x-a': 'b' } },
      SelfManagedKafkaParameters: { ConsumerGroupID: 'g' },
    });
  });
});
