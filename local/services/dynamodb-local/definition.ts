/**
 * The tables of the resource graph as DynamoDB Local creates them (CreateTable and UpdateTimeToLive inputs, see
 * local/model/tables.ts), and which table a declared stream ARN belongs to. Pure.
 */
import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';
import { ResourceGraph } from '../../model/graph';
import { createTableInput, TABLE_TYPE, timeToLiveInput } from '../../model/tables';
import { optionalString } from '../kernel/values';

export interface TableDefinition {
  name: string;
  arn?: string;
  /** The stream ARN the graph declares (DynamoDB Local serves its own; see tables.ts latestStreamArn). */
  streamArn?: string;
  create: CreateTableCommandInput;
  timeToLive?: UpdateTimeToLiveCommandInput;
}

export function readTables(graph: ResourceGraph): TableDefinition[] {
  return graph.ofType(TABLE_TYPE).map((table) => {
    const create = createTableInput(table);
    return {
      name: String(create.TableName),
      arn: optionalString(table.state.arn),
      streamArn: optionalString(table.state.streamArn),
      create,
      timeToLive: timeToLiveInput(table),
    };
  });
}

/** The table whose stream `streamArn` (as the graph declares it, e.g. a pipe's source) names. */
export function tableOfStream(tables: TableDefinition[], streamArn: string): TableDefinition | undefined {
  return tables.find(
    (t) => t.streamArn === streamArn || (t.arn !== undefined && streamArn.startsWith(`${t.arn}/stream/`)),
  );
}
