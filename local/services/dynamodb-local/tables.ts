/** Creating the graph's tables in DynamoDB Local, and finding the stream ARN it actually serves for one. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from './definition';

/** Creates each table; one that already exists is kept as it is (persistent state between runs). */
export async function createTables(
  client: DynamoDBClient,
  tables: TableDefinition[],
  progress: (message: string) => void,
): Promise<void> {
  for (const table of tables) {
    try {
      await client.send(new CreateTableCommand(table.create));
      progress(`created table ${table.name}`);
      if (table.timeToLive) await client.send(new UpdateTimeToLiveCommand(table.timeToLive));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      progress(`table ${table.name} exists (kept)`);
    }
  }
}

/** The stream ARN DynamoDB Local serves for a table (its own label, not the one the graph declares). */
export async function latestStreamArn(client: DynamoDBClient, tableName: string): Promise<string> {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const latest = described.Table?.LatestStreamArn;
  if (!latest) throw new Error(`table ${tableName} has no stream in DynamoDB Local`);
  return latest;
}
