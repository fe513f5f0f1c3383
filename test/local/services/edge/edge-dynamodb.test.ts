import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { startEdge } from '../../../../local/services/edge';
import { allowAll, type IamGate } from '../../../../local/services/iam';
import { DynamoDbEdge, NO_EVENTBRIDGE, startDynamoDbEdge } from './dynamodb-edge-fixture';

jest.setTimeout(90_000);

let fixture: DynamoDbEdge;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;

beforeAll(async () => {
  fixture = await startDynamoDbEdge('us-east-1');
  ({ ddb, streams } = fixture);
});

afterAll(async () => {
  await fixture?.stop();
});

describe('edge: DynamoDB and DynamoDB Streams forwarded to DynamoDB Local', () => {
  it('creates a table, writes and reads an item, and reads its stream through the edge', async () => {
    // Prepare
    await ddb.send(
      new CreateTableCommand({
        TableName: 'records',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    // Act
    await ddb.send(new PutItemCommand({ TableName: 'records', Item: { pk: { S: 'r-1' }, state: { S: 'new' } } }));
    const item = await ddb.send(new GetItemCommand({ TableName: 'records', Key: { pk: { S: 'r-1' } } }));
    const table = await ddb.send(new DescribeTableCommand({ TableName: 'records' }));
    const streamArn = table.Table?.LatestStreamArn as string;
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shardId = described.StreamDescription?.Shards?.[0]?.ShardId as string;
    const iterator = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const records = await streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    // Assess
    expect(item.Item).toEqual({ pk: { S: 'r-1' }, state: { S: 'new' } });
    expect(described.StreamDescription).toMatchObject({
      StreamStatus: 'ENABLED',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      TableName: 'records',
    });
    expect(records.Records?.map((r) => r.eventName)).toEqual(['INSERT']);
    expect(records.Records?.[0].dynamodb?.NewImage).toEqual({ pk: { S: 'r-1' }, state: { S: 'new' } });
  });

  it('passes DynamoDB Local errors through unchanged', async () => {
    // Act
    const error = await ddb
      .send(new GetItemCommand({ TableName: 'absent', Key: { pk: { S: 'x' } } }))
      .catch((e: Error) => e);
    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it("sends a function's authorized call on from the body it read, and its answers back whole (large and failed ones too)", async () => {
    // Prepare: a function's key is authorized (so the edge reads the body first), and allowed.
    const functionKey = 'ASIAFUNCTIONKEY00002';
    const asked: string[] = [];
    const gate: IamGate = {
      ...allowAll,
      enabled: true,
      knowsKey: (key) => key === functionKey,
      sdkCall: (_key, action) => void asked.push(action),
    };
    const guarded = await startEdge({
      port: 0,
      sqs: fixture.sqs,
      dynamoDbEndpoint: fixture.ddbLocal.endpoint,
      eventBridge: NO_EVENTBRIDGE,
      iam: { gate, scope: { account: '123456789012', region: 'us-east-1' } },
    });
    const fn = new DynamoDBClient({
      endpoint: guarded.url,
      region: 'us-east-1',
      credentials: { accessKeyId: functionKey, secretAccessKey: 'x', sessionToken: 'y' },
      maxAttempts: 1,
    });
    // An answer of several hundred KB arrives in many chunks from DynamoDB Local.
    const big = 'é'.repeat(150_000);
    try {
      // Act
      await fn.send(
        new PutItemCommand({
          TableName: 'records',
          Item: { pk: { S: 'r-big' }, body: { S: big } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      const again = await fn
        .send(
          new PutItemCommand({
            TableName: 'records',
            Item: { pk: { S: 'r-big' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch((e: Error) => e);
      const read = await fn.send(new GetItemCommand({ TableName: 'records', Key: { pk: { S: 'r-big' } } }));
      // Assess: the SDK checked each answer's CRC32, so the bytes are DynamoDB Local's own.
      expect(asked).toEqual(['dynamodb:PutItem', 'dynamodb:PutItem', 'dynamodb:GetItem']);
      expect(read.Item?.body?.S).toBe(big);
      expect((again as Error).name).toBe('ConditionalCheckFailedException');
    } finally {
      fn.destroy();
      await guarded.stop();
    }
  });

  it('answers 503 with a clear message when DynamoDB Local is not reachable', async () => {
    // Prepare
    const lonely = await startEdge({
      port: 0,
      sqs: fixture.sqs,
      dynamoDbEndpoint: 'http://127.0.0.1:9',
      eventBridge: NO_EVENTBRIDGE,
    });
    try {
      // Act
      const res = await fetch(lonely.url, {
        method: 'POST',
        headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
        body: '{}',
      });
      // Assess
      expect(res.status).toBe(503);
      expect(((await res.json()) as { message: string }).message).toContain(
        'DynamoDB Local at http://127.0.0.1:9 is not reachable',
      );
    } finally {
      await lonely.stop();
    }
  });
});
