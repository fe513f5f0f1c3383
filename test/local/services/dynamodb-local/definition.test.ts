import { readTables, tableOfStream } from '../../../../local/services/dynamodb-local/definition';
import { graphOf, resource } from '../../helpers/graph';

const tableArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders-dev';
const streamArn = `${tableArn}/stream/2026-01-01T00:00:00.000`;

describe('readTables', () => {
  const graph = graphOf(
    resource('aws:dynamodb/table:Table', 'orders', {
      name: 'orders-dev',
      arn: tableArn,
      streamArn,
      hashKey: 'pk',
      attributes: [{ name: 'pk', type: 'S' }],
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      ttl: { enabled: true, attributeName: 'expiresAt' },
    }),
  );

  it('gives each table its CreateTable and UpdateTimeToLive inputs and its declared ARNs', () => {
    const [table] = readTables(graph);
    expect(table.name).toBe('orders-dev');
    expect(table.arn).toBe(tableArn);
    expect(table.streamArn).toBe(streamArn);
    expect(table.create).toMatchObject({
      TableName: 'orders-dev',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true },
    });
    expect(table.timeToLive).toEqual({
      TableName: 'orders-dev',
      TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
    });
  });

  it('finds the table a stream ARN belongs to, by the exact ARN or by the table ARN prefix', () => {
    const tables = readTables(graph);
    expect(tableOfStream(tables, streamArn)?.name).toBe('orders-dev');
    expect(tableOfStream(tables, `${tableArn}/stream/other-label`)?.name).toBe('orders-dev');
    expect(tableOfStream(tables, 'arn:aws:dynamodb:us-east-1:123456789012:table/other/stream/x')).toBeUndefined();
  });
});
