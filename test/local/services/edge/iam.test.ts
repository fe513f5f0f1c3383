/**
 * The edge's IAM checks: which action on which resource each data-plane call asks (pure), and, through real AWS SDK
 * clients, that a function's denied call is answered with AWS's AccessDeniedException (HTTP 400) before it reaches
 * the service, while a user's own key is served.
 */
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  dynamoDbChecks,
  eventBridgeChecks,
  lambdaInvokeCheck,
  putEventsChecks,
  queueArn,
  sqsChecks,
} from '../../../../local/services/edge/iam';
import { EdgeHandle, startEdge } from '../../../../local/services/edge';
import type { IamGate } from '../../../../local/services/iam';
import { allowAll } from '../../../../local/services/iam';
import { SqsService } from '../../../../local/services/sqs';

const scope = { account: '123456789012', region: 'us-east-1' };
const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';

describe('edge IAM checks (pure)', () => {
  it('asks each item of a TransactWriteItems for its own action, as AWS does', () => {
    const checks = dynamoDbChecks(
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'orders' } },
          { Update: { TableName: 'orders' } },
          { ConditionCheck: { TableName: 'other' } },
          { Delete: { TableName: table } },
        ],
      },
      scope,
    );
    expect(checks).toEqual([
      { action: 'dynamodb:PutItem', resource: table },
      { action: 'dynamodb:UpdateItem', resource: table },
      { action: 'dynamodb:ConditionCheckItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/other' },
      { action: 'dynamodb:DeleteItem', resource: table },
    ]);
  });

  it('asks a Query on an index for the index, a batch for each table, a plain call for the table', () => {
    expect(dynamoDbChecks('Query', { TableName: 'orders', IndexName: 'by-customer' }, scope)).toEqual([
      { action: 'dynamodb:Query', resource: `${table}/index/by-customer` },
    ]);
    expect(
      dynamoDbChecks('BatchWriteItem', { RequestItems: { orders: [], other: [] } }, scope).map((c) => c.resource),
    ).toEqual([table, 'arn:aws:dynamodb:us-east-1:123456789012:table/other']);
    expect(dynamoDbChecks('GetItem', { TableName: 'orders' }, scope)).toEqual([
      { action: 'dynamodb:GetItem', resource: table },
    ]);
    expect(dynamoDbChecks('ListTables', {}, scope)).toEqual([]);
  });

  it('asks PutEvents once per bus (the default bus when none is named), SQS on the queue, Invoke on the function', () => {
    expect(putEventsChecks({ Entries: [{ EventBusName: 'orders' }, {}, { EventBusName: 'orders' }] }, scope)).toEqual([
      { action: 'events:PutEvents', resource: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
      { action: 'events:PutEvents', resource: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
    ]);
    expect(sqsChecks('SendMessageBatch', { QueueUrl: 'http://127.0.0.1:4566/123456789012/jobs' }, scope)).toEqual([
      { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:jobs' },
    ]);
    expect(queueArn('https://sqs.us-east-1.amazonaws.com/210987654321/jobs', scope)).toBe(
      'arn:aws:sqs:us-east-1:210987654321:jobs',
    );
    expect(lambdaInvokeCheck('worker', scope)).toEqual({
      action: 'lambda:InvokeFunction',
      resource: 'arn:aws:lambda:us-east-1:123456789012:function:worker',
    });
  });

  it('asks StartReplay for the archive, the destination bus and the replay; Describe/Cancel for the replay', () => {
    const archive = 'arn:aws:events:us-east-1:123456789012:archive/a';
    const bus = 'arn:aws:events:us-east-1:123456789012:event-bus/orders';
    const replay = 'arn:aws:events:us-east-1:123456789012:replay/r';
    expect(
      eventBridgeChecks('StartReplay', { ReplayName: 'r', EventSourceArn: archive, Destination: { Arn: bus } }, scope),
    ).toEqual([archive, bus, replay].map((resource) => ({ action: 'events:StartReplay', resource })));
    expect(eventBridgeChecks('CancelReplay', { ReplayName: 'r' }, scope)).toEqual([
      { action: 'events:CancelReplay', resource: replay },
    ]);
    expect(eventBridgeChecks('ListReplays', {}, scope)).toEqual([{ action: 'events:ListReplays', resource: '*' }]);
    expect(eventBridgeChecks('PutEvents', { Entries: [{}] }, scope)).toEqual(putEventsChecks({ Entries: [{}] }, scope));
  });
});

describe('edge IAM enforcement through the AWS SDK', () => {
  const FUNCTION_KEY = 'ASIAFUNCTIONKEY00001';
  const asked: { action: string; resource: string }[] = [];
  /** A function's key may do nothing but read; any other key is a user's. */
  const gate: IamGate = {
    ...allowAll,
    enabled: true,
    knowsKey: (key) => key === FUNCTION_KEY,
    sdkCall: (key, action, resource) => {
      asked.push({ action, resource });
      if (key !== FUNCTION_KEY || action === 'dynamodb:PutItem') return undefined;
      const message = `User: arn:aws:sts::123456789012:assumed-role/worker-role/worker is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
      return { allowed: false, evaluation: { decision: 'ImplicitDeny', statements: [] }, message, reasons: [] };
    },
  };
  const putEvents = jest.fn(() => ({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }));
  const invoke = jest.fn(async () => ({ payload: { ok: true } }));
  let edge: EdgeHandle;
  const sqs = new SqsService();
  const fn = { accessKeyId: FUNCTION_KEY, secretAccessKey: 'x', sessionToken: 'y' };
  const user = { accessKeyId: 'AKIAUSER000000000001', secretAccessKey: 'x' };
  const client = <T>(make: new (config: object) => T, credentials: object): T =>
    new make({ endpoint: edge.url, region: 'us-east-1', credentials, maxAttempts: 1 });

  beforeAll(async () => {
    sqs.createQueue({
      name: 'jobs',
      arn: 'arn:aws:sqs:us-east-1:123456789012:jobs',
      url: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs',
    });
    edge = await startEdge({
      port: 0,
      sqs,
      // Never reached by a denied call; an allowed one gets DynamoDB's answer from a stand-in below.
      dynamoDbEndpoint: 'http://127.0.0.1:9',
      eventBridge: { putEvents, testEventPattern: () => false },
      lambda: { invoke, invokeAsync: async () => ({}) },
      iam: { gate, scope },
    });
  });

  afterAll(async () => {
    sqs.close();
    await edge?.stop();
  });

  it("answers a function's denied PutEvents with AccessDeniedException (400) and never calls EventBridge", async () => {
    const events = client(EventBridgeClient, fn);
    const error = (await events
      .send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))
      .catch((e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode: number } };
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/worker-role/worker is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:123456789012:event-bus/default because no identity-based policy allows the events:PutEvents action',
    );
    expect(putEvents).not.toHaveBeenCalled();
    events.destroy();
  });

  it("serves a user's own key without asking", async () => {
    asked.length = 0;
    const events = client(EventBridgeClient, user);
    const out = await events.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }));
    expect(out.Entries).toEqual([{ EventId: 'e-1' }]);
    expect(asked).toEqual([]);
    events.destroy();
  });

  it('denies SendMessage and Invoke of a function in their own protocols', async () => {
    const queue = client(SQSClient, fn);
    const lambda = client(LambdaClient, fn);
    const sent = (await queue
      .send(new SendMessageCommand({ QueueUrl: `${edge.url}/123456789012/jobs`, MessageBody: 'x' }))
      .catch((e: unknown) => e)) as Error;
    const invoked = (await lambda.send(new InvokeCommand({ FunctionName: 'other' })).catch((e: unknown) => e)) as Error;
    expect(sent.name).toBe('AccessDeniedException');
    expect(sent.message).toContain('sqs:SendMessage on resource: arn:aws:sqs:us-east-1:123456789012:jobs');
    expect(invoked.name).toBe('AccessDeniedException');
    expect(invoked.message).toContain(
      'lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:other',
    );
    expect(sqs.getQueueAttributes('arn:aws:sqs:us-east-1:123456789012:jobs', ['ApproximateNumberOfMessages'])).toEqual({
      ApproximateNumberOfMessages: '0',
    });
    expect(invoke).not.toHaveBeenCalled();
    queue.destroy();
    lambda.destroy();
  });

  it('denies a TransactWriteItems when one of its items is denied (its UpdateItem), though the PutItem is allowed', async () => {
    asked.length = 0;
    const ddb = client(DynamoDBClient, fn);
    const error = (await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'orders', Item: { id: { S: '1' } } } },
            {
              Update: {
                TableName: 'orders',
                Key: { id: { S: '1' } },
                UpdateExpression: 'SET a = :a',
                ExpressionAttributeValues: { ':a': { S: 'x' } },
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(
      'dynamodb:UpdateItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders',
    );
    expect(asked.map((a) => a.action)).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    ddb.destroy();
  });
});
