import { OrdersTableKey } from '../../handlers/contract';
import { loadStack, T, type LoadedStack } from './helpers/stack';

describe('OrdersTable', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack();
  });

  it('is on demand, keyed by the order id, streaming new and old images, with PITR and SSE', () => {
    // Prepare / Act
    const table = stack.ofType(T.table);

    // Assess
    expect(table).toHaveLength(1);
    expect(table[0].inputs).toMatchObject({
      billingMode: 'PAY_PER_REQUEST',
      hashKey: OrdersTableKey,
      attributes: [{ name: OrdersTableKey, type: 'S' }],
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });
    expect(table[0].inputs.rangeKey).toBeUndefined();
    expect(table[0].state.streamArn).toMatch(
      /^arn:aws:dynamodb:us-east-1:123456789012:table\/orders-[0-9a-f]{7}\/stream\//,
    );
  });

  it('gives each handler exactly the item actions it needs on the table', () => {
    // Prepare
    const table = stack.ofType(T.table)[0];
    const grantsOf = (fn: string) => {
      const doc = JSON.parse(stack.get(T.rolePolicy, `${fn}-policy`).inputs.policy);
      return doc.Statement.filter((s: { Resource: string[] }) => s.Resource.includes(table.state.arn)).map(
        (s: { Action: string[] }) => s.Action,
      );
    };

    // Act / Assess
    // Its transaction is two Puts; there is no dynamodb:TransactWriteItems action to grant.
    expect(grantsOf('capture-order')).toEqual([['dynamodb:GetItem', 'dynamodb:PutItem']]);
    // A refused cancellation is an item of its own.
    expect(grantsOf('cancel-order')).toEqual([['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']]);
    expect(grantsOf('confirm-shipment')).toEqual([['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']]);
    expect(grantsOf('get-order')).toEqual([['dynamodb:GetItem']]);
    expect(grantsOf('authorize-carrier')).toEqual([]);
    expect(grantsOf('carrier-mock')).toEqual([]);
  });
});
