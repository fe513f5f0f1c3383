/**
 * DynamoDB Local in memory behind an edge, with SDK clients pointed at the edge: what the edge's DynamoDB suites
 * share. Each suite adds what it needs (a control plane, a table) through `edgeOptions` and the returned handles.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDbLocalHandle, startDynamoDbLocal } from '../../../../local/services/dynamodb-local';
import { EdgeHandle, startEdge } from '../../../../local/services/edge';
import { SqsService } from '../../../../local/services/sqs';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface DynamoDbEdge {
  ddbLocal: DynamoDbLocalHandle;
  edge: EdgeHandle;
  sqs: SqsService;
  ddb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  stop(): Promise<void>;
}

/** An EventBridge that accepts nothing: these suites only talk DynamoDB. */
export const NO_EVENTBRIDGE = {
  putEvents: () => ({ FailedEntryCount: 0, Entries: [] }),
  testEventPattern: () => false,
};

export async function startDynamoDbEdge(
  region: string,
  edgeOptions: Partial<Parameters<typeof startEdge>[0]> = {},
): Promise<DynamoDbEdge> {
  const ddbLocal = await startDynamoDbLocal({ inMemory: true });
  const sqs = new SqsService();
  const edge = await startEdge({
    port: 0,
    sqs,
    dynamoDbEndpoint: ddbLocal.endpoint,
    eventBridge: NO_EVENTBRIDGE,
    ...edgeOptions,
  });
  const ddb = new DynamoDBClient({ endpoint: edge.url, region, credentials: LOCAL_CREDENTIALS });
  const streams = new DynamoDBStreamsClient({ endpoint: edge.url, region, credentials: LOCAL_CREDENTIALS });
  return {
    ddbLocal,
    edge,
    sqs,
    ddb,
    streams,
    async stop() {
      ddb.destroy();
      streams.destroy();
      await edge.stop();
      await ddbLocal.stop();
    },
  };
}
