import { DetailTypes, EventSources, OrderStreamFilter } from '../../handlers/contract';
import { orderChangedPipeTemplate } from '../../infra/templates';
import { PIPE_CREATE_WAIT } from '../../infra/order-stream-pipe';
import { loadStack, T, type LoadedStack } from './helpers/stack';

describe('OrderStreamPipe', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack();
  });

  it('reads the orders table stream from LATEST with finite retries and record age, into its own DLQ', () => {
    // Prepare
    const table = stack.ofType(T.table)[0];
    const dlq = stack.get(T.queue, 'order-changes-dlq');

    // Act
    const pipe = stack.ofType(T.pipe)[0];

    // Assess
    expect(pipe.inputs.source).toBe(table.state.streamArn);
    expect(pipe.inputs.sourceParameters.dynamodbStreamParameters).toEqual({
      startingPosition: 'LATEST',
      batchSize: 10,
      maximumBatchingWindowInSeconds: 0,
      maximumRetryAttempts: 10,
      maximumRecordAgeInSeconds: 3600,
      onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
      deadLetterConfig: { arn: dlq.state.arn },
    });
  });

  it("filters with the contract's OrderStreamFilter", () => {
    // Prepare
    const pipe = stack.ofType(T.pipe)[0];

    // Act
    const filters = pipe.inputs.sourceParameters.filterCriteria.filters.map((f: { pattern: string }) =>
      JSON.parse(f.pattern),
    );

    // Assess
    expect(filters).toEqual([OrderStreamFilter]);
  });

  it('puts order-change events on the orders bus with the contract source and detail type and the input template', () => {
    // Prepare
    const bus = stack.ofType(T.bus)[0];

    // Act
    const pipe = stack.ofType(T.pipe)[0];

    // Assess
    expect(pipe.inputs.target).toBe(bus.state.arn);
    expect(pipe.inputs.targetParameters).toEqual({
      inputTemplate: orderChangedPipeTemplate,
      eventbridgeEventBusParameters: { source: EventSources.ordersTable, detailType: DetailTypes.orderChanged },
    });
  });

  it('logs errors into its own log group', () => {
    // Prepare
    const logGroup = stack.get(T.logGroup, 'order-changes-logs');

    // Act
    const pipe = stack.ofType(T.pipe)[0];

    // Assess
    expect(pipe.inputs.logConfiguration).toEqual({
      level: 'ERROR',
      cloudwatchLogsLogDestination: { logGroupArn: logGroup.state.arn },
    });
  });

  it('runs as a role that trusts only Pipes, for this account (the key Pipes provides)', () => {
    // Prepare
    const pipe = stack.ofType(T.pipe)[0];
    const role = stack.get(T.role, 'order-changes-role');

    // Act
    const trust = JSON.parse(role.inputs.assumeRolePolicy);

    // Assess
    expect(pipe.inputs.roleArn).toBe(role.state.arn);
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'pipes.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
  });

  it('may read the stream, put events on the bus, dead-letter and log, each on its exact ARN', () => {
    // Prepare
    const table = stack.ofType(T.table)[0];
    const bus = stack.ofType(T.bus)[0];
    const dlq = stack.get(T.queue, 'order-changes-dlq');
    const logGroup = stack.get(T.logGroup, 'order-changes-logs');

    // Act
    const doc = JSON.parse(stack.get(T.rolePolicy, 'order-changes-policy').inputs.policy);

    // Assess
    expect(doc.Statement.map((s: { Action: string[]; Resource: string[] }) => [s.Action, s.Resource])).toEqual([
      [['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], [table.state.streamArn]],
      // No resource type: on a stream ARN it would authorise nothing (Service Authorization Reference).
      [['dynamodb:ListStreams'], ['*']],
      [['events:PutEvents'], [bus.state.arn]],
      [['sqs:SendMessage'], [dlq.state.arn]],
      [['logs:CreateLogStream', 'logs:PutLogEvents'], [`${logGroup.state.arn}:*`]],
    ]);
  });

  it('is created only after its role policy (explicit dependsOn)', () => {
    // Prepare
    const policy = stack.get(T.rolePolicy, 'order-changes-policy');

    // Act
    const pipe = stack.ofType(T.pipe)[0];

    // Assess: the pipe's inputs never mention the policy, so this dependency can only be the explicit dependsOn
    expect(pipe.dependencies).toContain(policy.urn);
    expect(JSON.stringify(pipe.inputs)).not.toContain(policy.id);
  });

  it('waits after its stream and role policy before it is created (Pipes checks the role at CreatePipe)', () => {
    // Prepare
    const policy = stack.get(T.rolePolicy, 'order-changes-policy');
    const table = stack.ofType(T.table)[0];

    // Act
    const wait = stack.get('time:index/sleep:Sleep', 'order-changes-create-wait');
    const pipe = stack.ofType(T.pipe)[0];

    // Assess
    expect(wait.inputs.createDuration).toBe(PIPE_CREATE_WAIT);
    expect(PIPE_CREATE_WAIT).toBe('120s');
    expect(wait.inputs.triggers.streamArn).toBe(table.state.streamArn);
    expect(wait.dependencies).toContain(policy.urn);
    expect(pipe.dependencies).toContain(wait.urn);
  });
});
