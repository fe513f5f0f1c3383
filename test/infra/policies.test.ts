import {
  actionsOf,
  allow,
  eventBridgeDlqQueuePolicy,
  eventBridgeLogsResourcePolicy,
  invokeApiDestinationStatement,
  listStreamsStatement,
  logGroupWriteStatement,
  policyDocument,
  putEventsStatement,
  sendMessageStatement,
  serviceTrustPolicy,
  streamReadStatement,
  tableItemStatement,
  TRUST_CONTEXT_KEYS,
} from '../../infra/policies';

const account = '123456789012';

describe('IAM policy builders', () => {
  it('builds a trust policy pinned to the account and, when given, the source resource', () => {
    // Prepare / Act
    const withArn = serviceTrustPolicy('events.amazonaws.com', {
      accountId: account,
      sourceArn: 'arn:aws:events:us-east-1:123456789012:rule/b/r',
    });
    const withoutArn = serviceTrustPolicy('lambda.amazonaws.com', { accountId: account });

    // Assess
    expect(withArn).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': account },
            ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/b/r' },
          },
        },
      ],
    });
    expect(withoutArn.Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': account } });
  });

  it('gives API Gateway a trust without conditions: it provides no aws:SourceAccount when it assumes a role', () => {
    // Prepare / Act
    const doc = serviceTrustPolicy('apigateway.amazonaws.com');

    // Assess
    expect(doc.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(TRUST_CONTEXT_KEYS['apigateway.amazonaws.com']).toEqual([]);
  });

  it('refuses a trust condition on a key the service does not provide, and demands the keys it does', () => {
    // Prepare / Act / Assess
    expect(() => serviceTrustPolicy('apigateway.amazonaws.com', { accountId: account })).toThrow(
      /does not provide aws:SourceAccount/,
    );
    expect(() =>
      serviceTrustPolicy('lambda.amazonaws.com', {
        accountId: account,
        sourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      }),
    ).toThrow(/does not provide aws:SourceArn/);
    expect(() => serviceTrustPolicy('lambda.amazonaws.com')).toThrow(/give accountId/);
    expect(() => serviceTrustPolicy('events.amazonaws.com', { accountId: account })).toThrow(/give sourceArn/);
  });

  it('scopes each identity statement to exact actions on exact ARNs', () => {
    // Prepare
    const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
    const stream = `${table}/stream/2026-01-01T00:00:00.000`;

    // Act
    const statements = [
      logGroupWriteStatement('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f'),
      tableItemStatement(table, ['GetItem', 'PutItem']),
      streamReadStatement(stream),
      sendMessageStatement('arn:aws:sqs:us-east-1:123456789012:q'),
      putEventsStatement('arn:aws:events:us-east-1:123456789012:event-bus/orders'),
      invokeApiDestinationStatement('arn:aws:events:us-east-1:123456789012:api-destination/c/1'),
    ];

    // Assess
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      [
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*'],
      ],
      [['dynamodb:GetItem', 'dynamodb:PutItem'], [table]],
      [['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], [stream]],
      [['sqs:SendMessage'], ['arn:aws:sqs:us-east-1:123456789012:q']],
      [['events:PutEvents'], ['arn:aws:events:us-east-1:123456789012:event-bus/orders']],
      [['events:InvokeApiDestination'], ['arn:aws:events:us-east-1:123456789012:api-destination/c/1']],
    ]);
  });

  it('grants dynamodb:ListStreams only as AWS evaluates it (it has no resource type, so a stream ARN authorises nothing)', () => {
    // Prepare / Act
    const statement = listStreamsStatement();

    // Assess
    expect(statement).toEqual({
      Sid: 'ListStreams',
      Effect: 'Allow',
      Action: ['dynamodb:ListStreams'],
      Resource: ['*'],
    });
  });

  it('lets only EventBridge, only for the given rules, dead-letter into a queue', () => {
    // Prepare
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/orders/r';

    // Act
    const one = eventBridgeDlqQueuePolicy('arn:aws:sqs:us-east-1:123456789012:q', [rule]);
    const two = eventBridgeDlqQueuePolicy('arn:aws:sqs:us-east-1:123456789012:q', [rule, `${rule}2`]);

    // Assess
    expect(one.Statement[0]).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: 'arn:aws:sqs:us-east-1:123456789012:q',
      Condition: { ArnEquals: { 'aws:SourceArn': rule } },
    });
    expect(two.Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': [rule, `${rule}2`] } });
    expect(() => eventBridgeDlqQueuePolicy('arn:aws:sqs:us-east-1:123456789012:q', [])).toThrow(
      /at least one rule ARN/,
    );
  });

  it('lets EventBridge create streams in the one log group, and put events only for the given rule (its ARN is absent from CreateLogStream)', () => {
    // Prepare
    const group = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders';
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/orders/all';

    // Act
    const doc = eventBridgeLogsResourcePolicy(group, { ruleArns: [rule] });

    // Assess
    const principal = { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] };
    expect(doc.Statement).toEqual([
      {
        Sid: 'EventBridgeCreateLogStream',
        Effect: 'Allow',
        Principal: principal,
        Action: 'logs:CreateLogStream',
        Resource: `${group}:*`,
      },
      {
        Sid: 'EventBridgePutLogEvents',
        Effect: 'Allow',
        Principal: principal,
        Action: 'logs:PutLogEvents',
        Resource: `${group}:*`,
        Condition: { ArnEquals: { 'aws:SourceArn': rule } },
      },
    ]);
    expect(actionsOf(doc)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(() => eventBridgeLogsResourcePolicy(group, { ruleArns: [] })).toThrow(/at least one rule ARN/);
  });

  it('refuses statements without actions or resources', () => {
    // Prepare / Act / Assess
    expect(() => allow([], ['arn:aws:sqs:us-east-1:1:q'])).toThrow(/at least one action/);
    expect(() => allow(['sqs:SendMessage'], [])).toThrow(/at least one resource/);
    expect(policyDocument().Statement).toEqual([]);
  });
});
