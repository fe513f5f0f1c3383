/**
 * DynamoDB and DynamoDB Streams through the edge with the control plane attached: DynamoDB Local's own ARNs
 * (`arn:aws:dynamodb:ddblocal:000000000000:…`) never reach the client; it sees, and may send, the stack's.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { ControlPlane } from '../../../local/control-plane';
import { createTableInput } from '../../../local/model/tables';
import { startEdge } from '../../../local/services/edge';
import {
  DynamoDbEdge,
  LOCAL_CREDENTIALS,
  NO_EVENTBRIDGE,
  startDynamoDbEdge,
} from '../services/edge/dynamodb-edge-fixture';
import { ACCOUNT, fixtureGraph, REGION, TABLE_STREAM_ARN } from './fixture-stack';

jest.setTimeout(90_000);

let fixture: DynamoDbEdge;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;

beforeAll(async () => {
  const graph = fixtureGraph();
  fixture = await startDynamoDbEdge(REGION, { controlPlane: new ControlPlane(graph) });
  ({ ddb, streams } = fixture);
  const [table] = graph.ofType('aws:dynamodb/table:Table');
  await ddb.send(new CreateTableCommand(createTableInput(table)));
});

afterAll(async () => {
  await fixture?.stop();
});

describe('edge: DynamoDB Local ARNs translated to the stack’s', () => {
  it('answers DescribeTable and ListStreams with the table and stream ARNs the stack declares', async () => {
    // Act
    const described = await ddb.send(new DescribeTableCommand({ TableName: 'orders' }));
    const listed = await streams.send(new ListStreamsCommand({ TableName: 'orders' }));
    // Assess
    expect(described.Table?.TableArn).toBe(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`);
    expect(described.Table?.LatestStreamArn).toBe(TABLE_STREAM_ARN);
    expect(listed.Streams).toEqual([
      { StreamArn: TABLE_STREAM_ARN, TableName: 'orders', StreamLabel: expect.any(String) },
    ]);
    expect(JSON.stringify([described, listed])).not.toContain('ddblocal');
  });

  it('accepts the stack’s stream ARN in requests and reads the stream with it', async () => {
    // Prepare
    await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'order-1' } } }));
    // Act
    const stream = await streams.send(new DescribeStreamCommand({ StreamArn: TABLE_STREAM_ARN }));
    const shardId = stream.StreamDescription?.Shards?.[0]?.ShardId as string;
    const iterator = await streams.send(
      new GetShardIteratorCommand({ StreamArn: TABLE_STREAM_ARN, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const records = await streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    // Assess
    expect(stream.StreamDescription?.StreamArn).toBe(TABLE_STREAM_ARN);
    expect(stream.StreamDescription?.TableName).toBe('orders');
    expect(records.Records?.map((r) => r.dynamodb?.Keys?.id?.S)).toEqual(['order-1']);
  });

  it('accepts the stack’s stream ARN even as the first call a client makes', async () => {
    // Prepare: a fresh edge, which has seen no answer naming the stream yet.
    const fresh = await startEdge({
      port: 0,
      sqs: fixture.sqs,
      dynamoDbEndpoint: fixture.ddbLocal.endpoint,
      eventBridge: NO_EVENTBRIDGE,
      controlPlane: new ControlPlane(fixtureGraph()),
    });
    const client = new DynamoDBStreamsClient({ endpoint: fresh.url, region: REGION, credentials: LOCAL_CREDENTIALS });
    try {
      // Act
      const stream = await client.send(new DescribeStreamCommand({ StreamArn: TABLE_STREAM_ARN }));
      // Assess
      expect(stream.StreamDescription?.StreamArn).toBe(TABLE_STREAM_ARN);
      expect(stream.StreamDescription?.StreamStatus).toBe('ENABLED');
    } finally {
      client.destroy();
      await fresh.stop();
    }
  });
});
