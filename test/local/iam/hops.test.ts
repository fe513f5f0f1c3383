/**
 * The hops read from a small hand-made graph, for target kinds and settings the real stack does not use.
 */
import { collectChecks, deliveryAction } from '../../../local/iam/hops';
import { buildIamModel } from '../../../local/iam/model';
import { GraphResource, ResourceGraph } from '../../../local/model/graph';

const A = '123456789012';
const R = 'eu-west-1';
let n = 0;
function res(type: string, name: string, state: Record<string, unknown>, id = name): GraphResource {
  n += 1;
  return { type, name, id, urn: `urn:pulumi:test::p::${type}::${name}-${n}`, inputs: state, state };
}
const trust = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
const role = (name: string, service: string) =>
  res('aws:iam/role:Role', name, { name, arn: `arn:aws:iam::${A}:role/${name}`, assumeRolePolicy: trust(service) });
const fnArn = (name: string) => `arn:aws:lambda:${R}:${A}:function:${name}`;

function graph(): ResourceGraph {
  return new ResourceGraph([
    role('worker-role', 'lambda.amazonaws.com'),
    role('bus-role', 'events.amazonaws.com'),
    role('api-role', 'apigateway.amazonaws.com'),
    res('aws:lambda/function:Function', 'worker', {
      name: 'worker',
      arn: fnArn('worker'),
      role: `arn:aws:iam::${A}:role/worker-role`,
      deadLetterConfig: { targetArn: `arn:aws:sns:${R}:${A}:failures` },
    }),
    res('aws:cloudwatch/eventRule:EventRule', 'r', {
      name: 'r',
      eventBusName: 'b',
      arn: `arn:aws:events:${R}:${A}:rule/b/r`,
    }),
    // A bus target through a role, an SQS target through its queue policy, an API destination without a role.
    res('aws:cloudwatch/eventTarget:EventTarget', 't-bus', {
      rule: 'r',
      eventBusName: 'b',
      arn: `arn:aws:events:${R}:${A}:event-bus/other`,
      roleArn: `arn:aws:iam::${A}:role/bus-role`,
    }),
    res('aws:cloudwatch/eventTarget:EventTarget', 't-sqs', {
      rule: 'r',
      eventBusName: 'b',
      arn: `arn:aws:sqs:${R}:${A}:inbox`,
    }),
    res('aws:cloudwatch/eventTarget:EventTarget', 't-dest', {
      rule: 'r',
      eventBusName: 'b',
      arn: `arn:aws:events:${R}:${A}:api-destination/d/1`,
    }),
    res('aws:cloudwatch/eventTarget:EventTarget', 't-orphan', {
      rule: 'missing',
      eventBusName: 'b',
      arn: `arn:aws:sqs:${R}:${A}:inbox`,
    }),
    // A Lambda proxy route whose integration carries a credentials role.
    res('aws:apigatewayv2/api:Api', 'api', { executionArn: `arn:aws:execute-api:${R}:${A}:abc` }, 'abc'),
    res(
      'aws:apigatewayv2/integration:Integration',
      'int',
      {
        apiId: 'abc',
        integrationType: 'AWS_PROXY',
        integrationUri: fnArn('worker'),
        credentialsArn: `arn:aws:iam::${A}:role/api-role`,
      },
      'i1',
    ),
    res('aws:apigatewayv2/route:Route', 'route', {
      apiId: 'abc',
      routeKey: 'ANY /items/{proxy+}',
      target: 'integrations/i1',
    }),
    res('aws:iam/rolePolicy:RolePolicy', 'orphan-policy', { role: 'nobody', policy: '{}' }),
    res('aws:sqs/queuePolicy:QueuePolicy', 'broken', { queueUrl: 'https://sqs/none', policy: 'not json' }),
  ]);
}

describe('collectChecks on other shapes of graph', () => {
  const g = graph();
  const model = buildIamModel(g, A, R);
  const { checks, problems } = collectChecks(g, model);
  const find = (action: string, resource: string) =>
    checks.filter((c) => c.request.action === action && c.request.resource === resource);

  it('a role-based bus target: EventBridge assumes the role (rule ARN, account), then the role puts events', () => {
    const [assume] = find('sts:AssumeRole', `arn:aws:iam::${A}:role/bus-role`);
    expect(assume.request.context).toEqual({
      'aws:SourceArn': `arn:aws:events:${R}:${A}:rule/b/r`,
      'aws:SourceAccount': A,
    });
    expect(find('events:PutEvents', `arn:aws:events:${R}:${A}:event-bus/other`)[0].request.caller).toEqual({
      type: 'role',
      roleArn: `arn:aws:iam::${A}:role/bus-role`,
      sessionName: 'events',
    });
  });

  it('an SQS target goes through its queue policy with the rule ARN', () => {
    const [send] = find('sqs:SendMessage', `arn:aws:sqs:${R}:${A}:inbox`);
    expect(send.request).toEqual({
      caller: { type: 'service', service: 'events.amazonaws.com' },
      action: 'sqs:SendMessage',
      resource: `arn:aws:sqs:${R}:${A}:inbox`,
      context: { 'aws:SourceArn': `arn:aws:events:${R}:${A}:rule/b/r` },
    });
  });

  it('a Lambda route with a credentials role: API Gateway assumes it and the role invokes', () => {
    expect(find('sts:AssumeRole', `arn:aws:iam::${A}:role/api-role`)).toHaveLength(1);
    expect(find('lambda:InvokeFunction', fnArn('worker'))[0].request.caller).toEqual({
      type: 'role',
      roleArn: `arn:aws:iam::${A}:role/api-role`,
      sessionName: 'apigateway',
    });
  });

  it("a function's own dead-letter queue is reached with its role", () => {
    expect(find('sns:Publish', `arn:aws:sns:${R}:${A}:failures`)[0].request.caller).toEqual({
      type: 'role',
      roleArn: `arn:aws:iam::${A}:role/worker-role`,
      sessionName: 'worker',
    });
  });

  it('says what it could not check instead of guessing', () => {
    const messages = [...model.problems, ...problems].map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/EventBridge needs a RoleArn to call arn:aws:events:.*:api-destination\/d\/1/),
        expect.stringMatching(/target t-orphan: its rule missing is not in the graph/),
        expect.stringMatching(/role policy orphan-policy: its role nobody is not in the graph/),
        expect.stringMatching(/queue policy broken: queue https:\/\/sqs\/none is not in the graph/),
      ]),
    );
  });

  it('knows the action that delivers to each kind of ARN', () => {
    expect(deliveryAction(`arn:aws:sqs:${R}:${A}:q`)).toBe('sqs:SendMessage');
    expect(deliveryAction(`arn:aws:sns:${R}:${A}:t`)).toBe('sns:Publish');
    expect(deliveryAction(fnArn('f'))).toBe('lambda:InvokeFunction');
    expect(deliveryAction(`arn:aws:events:${R}:${A}:event-bus/b`)).toBe('events:PutEvents');
    expect(deliveryAction(`arn:aws:events:${R}:${A}:api-destination/d/1`)).toBe('events:InvokeApiDestination');
    expect(deliveryAction(`arn:aws:s3:::bucket`)).toBeUndefined();
  });
});
