import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribePipeCommand, PipesClient } from '@aws-sdk/client-pipes';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { redriveQueue, type RedriveClients } from '../../../tools/redrive/redrive';

const sqs = mockClient(SQSClient);
const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
const pipes = mockClient(PipesClient);
const streams = mockClient(DynamoDBStreamsClient);
const clients = {
  sqs: new SQSClient({}),
  events: new EventBridgeClient({}),
  lambda: new LambdaClient({}),
  pipes: new PipesClient({}),
  streams: new DynamoDBStreamsClient({}),
} as RedriveClients;

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq-1a2b3c4';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:confirm-shipment-1a2b3c4';
const RULE = 'arn:aws:events:us-east-1:123456789012:rule/orders/shipment-confirmed';
const EVENT = {
  version: '0',
  id: 'e-7',
  source: 'carrier',
  'detail-type': 'Shipment Confirmed',
  time: '2026-11-30T10:00:00Z',
  resources: [],
  detail: { order_id: 'o-7', tracking_number: 'T7' },
};

/** The queue holds `messages` once; later receives find nothing new. */
function queueHolds(...messages: Message[]): void {
  sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
}

function message(id: string, body: unknown, attributes: Record<string, string> = {}): Message {
  return {
    MessageId: id,
    ReceiptHandle: `handle-${id}`,
    Body: typeof body === 'string' ? body : JSON.stringify(body),
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
    ),
  };
}

function invokedPayloads(): unknown[] {
  return lambda.commandCalls(InvokeCommand).map((c) => {
    expect(c.args[0].input.InvocationType).toBe('Event');
    return JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8'));
  });
}

beforeEach(() => {
  for (const mock of [sqs, events, lambda, pipes, streams]) mock.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

describe('redriveQueue', () => {
  it('invokes the function of an on-failure record with the payload it failed on, then deletes the message', async () => {
    // Prepare
    queueHolds(message('m1', { requestContext: { functionArn: FUNCTION }, requestPayload: EVENT }));

    // Act
    const report = await redriveQueue(clients, QUEUE);

    // Assess
    expect(invokedPayloads()).toEqual([EVENT]);
    expect(lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe(FUNCTION);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['handle-m1']);
    expect(report).toMatchObject({ placed: 1, refused: [] });
  });

  it("renders a rule's Lambda target with its input transformer before invoking it", async () => {
    // Prepare
    queueHolds(message('m2', EVENT, { RULE_ARN: RULE, TARGET_ARN: FUNCTION }));
    events.on(ListTargetsByRuleCommand, { Rule: 'shipment-confirmed', EventBusName: 'orders' }).resolves({
      Targets: [
        {
          Id: 't1',
          Arn: FUNCTION,
          InputTransformer: {
            InputPathsMap: { orderId: '$.detail.order_id', id: '$.id' },
            InputTemplate: '{"orderId": <orderId>, "confirmationId": <id>}',
          },
        },
      ],
    });

    // Act
    await redriveQueue(clients, QUEUE);

    // Assess: the same event id, as EventBridge would have rendered it.
    expect(invokedPayloads()).toEqual([{ orderId: 'o-7', confirmationId: 'e-7' }]);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('puts an API destination’s dead letter back on its bus unchanged', async () => {
    // Prepare
    const destination = 'arn:aws:events:us-east-1:123456789012:api-destination/carrier/9f8e';
    queueHolds(message('m3', EVENT, { RULE_ARN: RULE, TARGET_ARN: destination }));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'new' }] });

    // Act
    await redriveQueue(clients, QUEUE);

    // Assess
    expect(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries).toEqual([
      {
        EventBusName: 'orders',
        Source: 'carrier',
        DetailType: 'Shipment Confirmed',
        Detail: JSON.stringify(EVENT.detail),
        Resources: [],
        Time: new Date(EVENT.time),
      },
    ]);
  });

  it("re-reads a pipe's batch from the stream, filters and renders it as the pipe does, and puts it on the bus", async () => {
    // Prepare
    const stream = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-30T00:00:00.000';
    queueHolds(
      message('m4', {
        requestContext: { pipeArn: 'arn:aws:pipes:us-east-1:123456789012:pipe/order-changes' },
        DDBStreamBatchInfo: { streamArn: stream, shardId: 's-1', startSequenceNumber: '100', endSequenceNumber: '300' },
      }),
    );
    pipes.on(DescribePipeCommand).resolves({
      Source: stream,
      Target: 'arn:aws:events:us-east-1:123456789012:event-bus/orders',
      SourceParameters: {
        FilterCriteria: { Filters: [{ Pattern: '{"dynamodb":{"NewImage":{"state":{"S":[{"exists":true}]}}}}' }] },
      },
      TargetParameters: {
        InputTemplate: '{"orderId": <$.dynamodb.NewImage.id.S>, "changeId": <$.eventID>}',
        EventBridgeEventBusParameters: { Source: 'orders', DetailType: 'Order Changed' },
      },
    });
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 's-1' }] } });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    const record = (seq: string, image: Record<string, { S: string }>) => ({
      eventID: `ev-${seq}`,
      eventName: 'INSERT' as const,
      dynamodb: { SequenceNumber: seq, Keys: { id: image.id }, NewImage: image },
    });
    streams.on(GetRecordsCommand).resolves({
      Records: [
        record('100', { id: { S: 'o-1' }, state: { S: 'pending' } }),
        record('200', { id: { S: 'claim-1' } }),
        record('300', { id: { S: 'o-3' }, state: { S: 'pending' } }),
        record('400', { id: { S: 'o-4' }, state: { S: 'pending' } }),
      ],
      NextShardIterator: 'it-2',
    });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{}, {}] });

    // Act
    const report = await redriveQueue(clients, QUEUE);

    // Assess: the bookkeeping item is filtered out, the record after the batch is not read.
    const entries = events.commandCalls(PutEventsCommand)[0].args[0].input.Entries ?? [];
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType, JSON.parse(e.Detail as string)])).toEqual([
      ['orders', 'orders', 'Order Changed', { orderId: 'o-1', changeId: 'ev-100' }],
      ['orders', 'orders', 'Order Changed', { orderId: 'o-3', changeId: 'ev-300' }],
    ]);
    expect(report.actions[0]).toContain('put 2 of 3 record(s)');
  });

  it('refuses what it cannot place, keeps it and makes it visible again', async () => {
    // Prepare
    queueHolds(message('m5', 'not json'));

    // Act
    const report = await redriveQueue(clients, QUEUE);

    // Assess
    expect(report.refused).toEqual([{ messageId: 'm5', reason: expect.stringContaining('neither') }]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0].args[0].input).toEqual({
      QueueUrl: QUEUE,
      ReceiptHandle: 'handle-m5',
      VisibilityTimeout: 0,
    });
  });

  it('refuses a dead letter whose PutEvents entry EventBridge refuses, and keeps it', async () => {
    // Prepare
    const destination = 'arn:aws:events:us-east-1:123456789012:api-destination/carrier/9f8e';
    queueHolds(message('m6', EVENT, { RULE_ARN: RULE, TARGET_ARN: destination }));
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });

    // Act
    const report = await redriveQueue(clients, QUEUE);

    // Assess
    expect(report.refused[0].reason).toBe('PutEvents refused it: InternalFailure x');
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('in a dry run, says what it would do, sends nothing and leaves every message visible', async () => {
    // Prepare
    queueHolds(message('m7', { requestContext: { functionArn: FUNCTION }, requestPayload: EVENT }));

    // Act
    const report = await redriveQueue(clients, QUEUE, { dryRun: true });

    // Assess
    expect(report.actions).toEqual([`m7: invoke ${FUNCTION} asynchronously with the payload it failed on`]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(1);
  });
});
