/**
 * An aws:dynamodb/table:Table of the graph as the DynamoDB API calls that create it: CreateTable (keys,
 * attribute definitions, GSIs, LSIs, billing, stream) and UpdateTimeToLive. Pure.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
 */
import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';
import { GraphResource, physicalName } from './graph';

export const TABLE_TYPE = 'aws:dynamodb/table:Table';

interface IndexInput {
  name: string;
  hashKey?: string;
  rangeKey?: string;
  projectionType?: string;
  nonKeyAttributes?: string[];
  readCapacity?: number;
  writeCapacity?: number;
}

function keySchema(hashKey: string | undefined, rangeKey: string | undefined) {
  const schema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[] = [];
  if (hashKey) schema.push({ AttributeName: hashKey, KeyType: 'HASH' });
  if (rangeKey) schema.push({ AttributeName: rangeKey, KeyType: 'RANGE' });
  return schema;
}

function projection(index: IndexInput) {
  const type = (index.projectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  return type === 'INCLUDE'
    ? { ProjectionType: type, NonKeyAttributes: index.nonKeyAttributes ?? [] }
    : { ProjectionType: type };
}

function throughput(provisioned: boolean, read: unknown, write: unknown) {
  return provisioned
    ? {
        ProvisionedThroughput: {
          ReadCapacityUnits: Number(read ?? 1) || 1,
          WriteCapacityUnits: Number(write ?? 1) || 1,
        },
      }
    : {};
}

export function createTableInput(table: GraphResource): CreateTableCommandInput {
  const s = table.state;
  const provisioned = s.billingMode === 'PROVISIONED';
  const attributes: { name: string; type: string }[] = Array.isArray(s.attributes) ? s.attributes : [];
  const gsis: IndexInput[] = Array.isArray(s.globalSecondaryIndexes) ? s.globalSecondaryIndexes : [];
  const lsis: IndexInput[] = Array.isArray(s.localSecondaryIndexes) ? s.localSecondaryIndexes : [];
  const input: CreateTableCommandInput = {
    TableName: physicalName(table),
    AttributeDefinitions: attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type as 'S' | 'N' | 'B' })),
    KeySchema: keySchema(s.hashKey, s.rangeKey),
    BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ...throughput(provisioned, s.readCapacity, s.writeCapacity),
  };
  if (gsis.length > 0) {
    input.GlobalSecondaryIndexes = gsis.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.hashKey, index.rangeKey),
      Projection: projection(index),
      ...throughput(provisioned, index.readCapacity, index.writeCapacity),
    }));
  }
  if (lsis.length > 0) {
    input.LocalSecondaryIndexes = lsis.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(s.hashKey, index.rangeKey),
      Projection: projection(index),
    }));
  }
  if (s.streamEnabled === true) {
    input.StreamSpecification = { StreamEnabled: true, StreamViewType: s.streamViewType ?? 'NEW_AND_OLD_IMAGES' };
  }
  return input;
}

/** The TTL setting, when the table declares one enabled. */
export function timeToLiveInput(table: GraphResource): UpdateTimeToLiveCommandInput | undefined {
  const ttl = table.state.ttl;
  if (!ttl || ttl.enabled !== true || typeof ttl.attributeName !== 'string' || ttl.attributeName === '')
    return undefined;
  return {
    TableName: physicalName(table),
    TimeToLiveSpecification: { Enabled: true, AttributeName: ttl.attributeName },
  };
}
