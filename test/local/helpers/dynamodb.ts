import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDbLocalHandle, startDynamoDbLocal } from '../../../local/services/dynamodb-local';

export interface LocalDynamo {
  handle: DynamoDbLocalHandle;
  client: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  stop(): Promise<void>;
}

/** A real DynamoDB Local (in memory) with table and streams clients. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const handle = await startDynamoDbLocal({ inMemory: true });
  const config = {
    endpoint: handle.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const client = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  return {
    handle,
    client,
    streams,
    stop: async () => {
      client.destroy();
      streams.destroy();
      await handle.stop();
    },
  };
}

let counter = 0;

/** Creates a table with a NEW_AND_OLD_IMAGES stream; returns its name and the stream ARN DynamoDB Local serves. */
export async function createStreamTable(client: DynamoDBClient): Promise<{ tableName: string; streamArn: string }> {
  counter += 1;
  const tableName = `table-${process.pid}-${counter}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (streamArn === undefined) throw new Error('table has no stream');
  return { tableName, streamArn };
}
