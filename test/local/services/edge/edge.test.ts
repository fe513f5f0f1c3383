import {
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { testEventPattern } from '../../../../local/engine';
import { EdgeHandle, edgePortFromEnv, startEdge, toEdgeQueueUrl } from '../../../../local/services/edge';
import { md5OfMessageAttributes, SqsService } from '../../../../local/services/sqs';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:target-dlq';
const GRAPH_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/target-dlq';

let edge: EdgeHandle;
let sqs: SqsService;
let received: { Entries: object[] }[];
let events: EventBridgeClient;
let sqsClient: SQSClient;

beforeEach(async () => {
  received = [];
  sqs = new SqsService();
  sqs.createQueue({ name: 'target-dlq', arn: QUEUE_ARN, url: GRAPH_URL });
  sqs.createQueue({
    name: 'other-queue',
    arn: 'arn:aws:sqs:us-east-1:123456789012:other-queue',
    url: 'https://sqs.us-east-1.amazonaws.com/123456789012/other-queue',
  });
  edge = await startEdge({
    port: 0,
    host: '127.0.0.1',
    sqs,
    dynamoDbEndpoint: 'http://127.0.0.1:9', // not used here; see edge-dynamodb.test.ts
    eventBridge: {
      putEvents: async (request) => {
        received.push(request);
        return { FailedEntryCount: 0, Entries: request.Entries.map((_, i) => ({ EventId: `event-${i}` })) };
      },
      testEventPattern: (pattern, event) => testEventPattern(pattern, event),
    },
  });
  events = new EventBridgeClient({ endpoint: edge.url, region: 'us-east-1', credentials });
  sqsClient = new SQSClient({ endpoint: edge.url, region: 'us-east-1', credentials });
});

afterEach(async () => {
  events.destroy();
  sqsClient.destroy();
  sqs.close();
  await edge.stop();
});

const EVENT = JSON.stringify({
  id: '1',
  'detail-type': 'Thing Happened',
  source: 'com.example.things',
  account: '123456789012',
  time: '2025-01-15T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { size: 3 },
});

describe('edge: EventBridge (AWS JSON 1.1)', () => {
  it('delegates PutEvents and returns the service answer to the SDK', async () => {
    // Prepare
    const entry = {
      Source: 'com.example.things',
      DetailType: 'Thing Happened',
      Detail: '{"size":3}',
      EventBusName: 'things',
    };
    // Act
    const out = await events.send(new PutEventsCommand({ Entries: [entry] }));
    // Assess
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toEqual([{ EventId: 'event-0' }]);
    expect(received).toEqual([{ Entries: [entry] }]);
  });

  it('answers TestEventPattern true and false', async () => {
    // Act
    const yes = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"source":["com.example.things"]}', Event: EVENT }),
    );
    const no = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"source":["elsewhere"]}', Event: EVENT }),
    );
    // Assess
    expect(yes.Result).toBe(true);
    expect(no.Result).toBe(false);
  });

  it('returns InvalidEventPatternException as AWS does for an invalid pattern', async () => {
    // Act
    const error = await events
      .send(new TestEventPatternCommand({ EventPattern: '{"source":"not-an-array"}', Event: EVENT }))
      .catch((e: Error) => e);
    // Assess
    expect(error).toMatchObject({ name: 'InvalidEventPatternException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toMatch(/^Event pattern is not valid\. Reason: /);
  });

  it('returns a ValidationException for a missing member and for an error the service raises', async () => {
    // Prepare: raw request without Event
    const raw = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.TestEventPattern' },
      body: JSON.stringify({ EventPattern: '{}' }),
    });
    // Act
    const body = (await raw.json()) as { __type: string; message: string };
    const notAnEvent = await events
      .send(new TestEventPatternCommand({ EventPattern: '{"source":["x"]}', Event: '{"foo":1}' }))
      .catch((e: Error) => e);
    // Assess
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(body).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null",
    });
    expect(notAnEvent).toMatchObject({ name: 'ValidationException' });
  });

  it.each([
    ['a null entry', { Entries: [null] }],
    ['a numeric Source', { Entries: [{ Source: 1 }] }],
    ['an object Detail', { Entries: [{ Detail: {} }] }],
    ['a numeric Resources', { Entries: [{ Resources: 5 }] }],
  ])('answers PutEvents with %s with a 400, not a 500', async (_label, input) => {
    // Act
    const raw = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify(input),
    });
    // Assess
    expect(raw.status).toBe(400);
  });

  it('answers a 5,000-deep TestEventPattern and a 17 MiB request with 4xx, not a 500 or a reset', async () => {
    // Act
    const deep = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.TestEventPattern' },
      body: JSON.stringify({ EventPattern: '{"a":'.repeat(5000) + '["x"]' + '}'.repeat(5000), Event: '{}' }),
    });
    const huge = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: Buffer.alloc(17 * 1024 * 1024, 'a'),
    });
    // Assess
    expect(deep.status).toBe(400);
    expect(huge.status).toBe(413);
  });

  it('refuses operations it does not emulate with UnknownOperationException', async () => {
    // Act
    const error = await events.send(new ListRulesCommand({})).catch((e: Error) => e);
    // Assess
    expect(error).toMatchObject({ name: 'UnknownOperationException' });
    expect((error as Error).message).toContain('AWSEvents.ListRules is not emulated');
  });
});

describe('edge: SQS (AWS JSON 1.0)', () => {
  it('hands out edge-local queue URLs from GetQueueUrl and ListQueues', async () => {
    // Act
    const byName = await sqsClient.send(new GetQueueUrlCommand({ QueueName: 'target-dlq' }));
    const listed = await sqsClient.send(new ListQueuesCommand({ QueueNamePrefix: 'target' }));
    const all = await sqsClient.send(new ListQueuesCommand({}));
    // Assess
    expect(byName.QueueUrl).toBe(`${edge.url}/123456789012/target-dlq`);
    expect(listed.QueueUrls).toEqual([`${edge.url}/123456789012/target-dlq`]);
    expect(all.QueueUrls).toHaveLength(2);
    expect(toEdgeQueueUrl(GRAPH_URL, edge.url)).toBe(byName.QueueUrl);
  });

  it('answers GetQueueUrl for an unknown queue with QueueDoesNotExist', async () => {
    // Act
    const error = await sqsClient.send(new GetQueueUrlCommand({ QueueName: 'missing' })).catch((e: Error) => e);
    // Assess
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect((error as Error).message).toBe('The specified queue does not exist.');
  });

  it('sends, receives with attributes, and deletes a message', async () => {
    // Prepare
    const { QueueUrl } = await sqsClient.send(new GetQueueUrlCommand({ QueueName: 'target-dlq' }));
    const attrs = {
      RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:us-east-1:123456789012:rule/b/r' },
      Tries: { DataType: 'Number', StringValue: '3' },
    };
    // Act
    const sent = await sqsClient.send(
      new SendMessageCommand({ QueueUrl, MessageBody: '{"hello":"world"}', MessageAttributes: attrs }),
    );
    const got = await sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        VisibilityTimeout: 30,
      }),
    );
    const message = got.Messages?.[0];
    const before = await sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'],
      }),
    );
    await sqsClient.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
    const after = await sqsClient.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    // Assess
    expect(sent.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(attrs));
    expect(got.Messages).toHaveLength(1);
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.Body).toBe('{"hello":"world"}');
    expect(message?.MessageAttributes).toEqual(attrs);
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.Attributes).toEqual({
      ApproximateReceiveCount: '1',
      SentTimestamp: expect.stringMatching(/^\d{13}$/),
    });
    expect(before.Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      QueueArn: QUEUE_ARN,
    });
    expect(after.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      CreatedTimestamp: expect.any(String),
    });
  });

  it('accepts the graph URL of a queue too, and sends batches', async () => {
    // Act
    const batch = await sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: GRAPH_URL,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two' },
        ],
      }),
    );
    const got = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: GRAPH_URL, MaxNumberOfMessages: 10 }));
    // Assess
    expect(batch.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(got.Messages?.map((m) => m.Body).sort()).toEqual(['one', 'two']);
  });

  it('long polls through the edge until a message arrives', async () => {
    // Prepare
    const QueueUrl = `${edge.url}/123456789012/target-dlq`;
    // Act
    const polling = sqsClient.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    setTimeout(() => sqs.sendMessage(QUEUE_ARN, 'late'), 200);
    const got = await polling;
    // Assess
    expect(got.Messages?.map((m) => m.Body)).toEqual(['late']);
  });

  it('rejects MaxNumberOfMessages above 10 with InvalidParameterValue', async () => {
    // Act
    const error = await sqsClient
      .send(new ReceiveMessageCommand({ QueueUrl: GRAPH_URL, MaxNumberOfMessages: 11 }))
      .catch((e: Error) => e);
    // Assess
    expect((error as Error).message).toContain('Must be between 1 and 10');
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});

describe('edge: SQS query protocol', () => {
  async function query(params: Record<string, string>): Promise<{ status: number; xml: string }> {
    const res = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
    });
    return { status: res.status, xml: await res.text() };
  }

  it('sends, receives and reads attributes with XML answers', async () => {
    // Act
    const url = await query({ Action: 'GetQueueUrl', QueueName: 'target-dlq' });
    const sent = await query({
      Action: 'SendMessage',
      QueueUrl: `${edge.url}/123456789012/target-dlq`,
      MessageBody: 'a <b> & c',
      'MessageAttribute.1.Name': 'Kind',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'test',
    });
    const got = await query({
      Action: 'ReceiveMessage',
      QueueUrl: GRAPH_URL,
      'AttributeName.1': 'All',
      'MessageAttributeName.1': 'All',
    });
    const attrs = await query({ Action: 'GetQueueAttributes', QueueUrl: GRAPH_URL, 'AttributeName.1': 'QueueArn' });
    // Assess
    expect(url.xml).toContain(
      `<GetQueueUrlResult><QueueUrl>${edge.url}/123456789012/target-dlq</QueueUrl></GetQueueUrlResult>`,
    );
    expect(sent.xml).toMatch(
      /<SendMessageResult><MessageId>[0-9a-f-]{36}<\/MessageId><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MD5OfMessageAttributes>[0-9a-f]{32}<\/MD5OfMessageAttributes><\/SendMessageResult>/,
    );
    expect(got.xml).toContain('<Body>a &lt;b&gt; &amp; c</Body>');
    expect(got.xml).toContain('<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>');
    expect(got.xml).toContain(
      '<MessageAttribute><Name>Kind</Name><Value><StringValue>test</StringValue><DataType>String</DataType></Value></MessageAttribute>',
    );
    expect(attrs.xml).toContain(`<Attribute><Name>QueueArn</Name><Value>${QUEUE_ARN}</Value></Attribute>`);
  });

  it('answers errors with the query error code', async () => {
    // Act
    const missing = await query({ Action: 'GetQueueUrl', QueueName: 'nope' });
    // Assess
    expect(missing.status).toBe(400);
    expect(missing.xml).toContain(
      '<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message>',
    );
  });
});

describe('edge: routing', () => {
  it('explains requests it cannot route and serves a health check', async () => {
    // Act
    const unknownTarget = await fetch(edge.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSLambda.Invoke' },
      body: '{}',
    });
    const noSelector = await fetch(`${edge.url}/nothing`);
    const health = await fetch(`${edge.url}/health`);
    // Assess
    expect(unknownTarget.status).toBe(400);
    expect(((await unknownTarget.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(noSelector.status).toBe(400);
    expect(await noSelector.text()).toContain('routes by X-Amz-Target');
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it('reports a dependency that is down on /_local/health (503) and answers DynamoDB calls 503 ServiceUnavailable meanwhile', async () => {
    // Prepare: an edge whose DynamoDB Local is restarting, then up.
    let status = 'restarting';
    const other = await startEdge({
      port: 0,
      sqs,
      dynamoDbEndpoint: 'http://127.0.0.1:9',
      eventBridge: { putEvents: async () => ({ FailedEntryCount: 0, Entries: [] }), testEventPattern: () => true },
      dependencies: () => ({ dynamodb: { status } }),
    });
    try {
      // Act
      const down = await fetch(`${other.url}/_local/health`);
      const call = await fetch(other.url, {
        method: 'POST',
        headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0' },
        body: '{"TableName":"t","Key":{}}',
      });
      status = 'up';
      const up = await fetch(`${other.url}/health`);
      // Assess
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        status: 'degraded',
        dependencies: { dynamodb: { status: 'restarting' } },
      });
      expect(call.status).toBe(503);
      expect(await call.json()).toMatchObject({ __type: expect.stringContaining('ServiceUnavailable') });
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ status: 'ok', dependencies: { dynamodb: { status: 'up' } } });
    } finally {
      await other.stop();
    }
  });

  it('ends pending long polls when it stops', async () => {
    // Prepare
    const polling = sqsClient
      .send(new ReceiveMessageCommand({ QueueUrl: GRAPH_URL, WaitTimeSeconds: 20 }))
      .catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    // Act
    await edge.stop();
    await polling;
    // Assess
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads its default port from AWS_EDGE_PORT', () => {
    // Act / Assess
    expect(edgePortFromEnv({})).toBe(4566);
    expect(edgePortFromEnv({ AWS_EDGE_PORT: '4999' })).toBe(4999);
    expect(() => edgePortFromEnv({ AWS_EDGE_PORT: 'x' })).toThrow('AWS_EDGE_PORT');
  });
});
