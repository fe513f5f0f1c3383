import {
  actionsOf,
  allow,
  eventBridgeDlqQueuePolicy,
  eventBridgeLogsResourcePolicy,
  invokeApiDestinationStatement,
  logGroupWriteStatement,
  policyDocument,
  putEventsStatement,
  sendMessageStatement,
  serviceTrustPolicy,
  streamReadStatement,
  tableItemStatement,
} from '../../infra/policies';

const account = '123456789012';

describe('IAM policy builders', () => {
  it('builds a trust policy pinned to the account and, when given, the source resource', () => {
    // Prepare / Act
    const withArn = serviceTrustPolicy('pipes.amazonaws.com', { accountId: account, sourceArn: 'arn:aws:pipes:us-east-1:123456789012:pipe/p' });
    const withoutArn = serviceTrustPolicy('lambda.amazonaws.com', { accountId: account });

    // Assess
    expect(withArn).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'pipes.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': 'arn:aws:pipes:us-east-1:123456789012:pipe/p' } },
        },
      ],
    });
    expect(withoutArn.Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': account } });
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
      [['logs:CreateLogStream', 'logs:PutLogEvents'], ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*']],
      [['dynamodb:GetItem', 'dynamodb:PutItem'], [table]],
      [['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], [stream]],
      [['sqs:SendMessage'], ['arn:aws:sqs:us-east-1:123456789012:q']],
      [['events:PutEvents'], ['arn:aws:events:us-east-1:123456789012:event-bus/orders']],
      [['events:InvokeApiDestination'], ['arn:aws:events:us-east-1:123456789012:api-destination/c/1']],
    ]);
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
    expect(() => eventBridgeDlqQueuePolicy('arn:aws:sqs:us-east-1:123456789012:q', [])).toThrow(/at least one rule ARN/);
  });

  it('lets EventBridge write only into the one log group, only for the one rule', () => {
    // Prepare / Act
    const doc = eventBridgeLogsResourcePolicy('arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders', {
      accountId: account,
      ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/orders/all',
    });

    // Assess
    expect(doc.Statement[0]).toMatchObject({
      Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
      Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/orders:*',
      Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/orders/all' } },
    });
    expect(actionsOf(doc)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('refuses statements without actions or resources', () => {
    // Prepare / Act / Assess
    expect(() => allow([], ['arn:aws:sqs:us-east-1:1:q'])).toThrow(/at least one action/);
    expect(() => allow(['sqs:SendMessage'], [])).toThrow(/at least one resource/);
    expect(policyDocument().Statement).toEqual([]);
  });
});
