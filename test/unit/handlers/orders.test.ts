/**
 * OrdersRepository against a real DynamoDB Local: the conditions of every write, the idempotency claim and its
 * aliases, and concurrent writers, as DynamoDB itself decides them (the other handler tests pin request shapes).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrdersTableKey } from '../../../handlers/contract';
import { idempotencyClaimId, newPendingOrder, type OrderItem } from '../../../handlers/order-model';
import { OrdersRepository } from '../../../handlers/orders';
import type { PrintOrderUpload } from '../../../handlers/upload-schema';
import { LocalDynamo, startLocalDynamo } from '../../local/helpers/dynamodb';
import { loadEvent } from './helpers';

jest.setTimeout(120_000);

const upload = loadEvent<{ detail: { body: PrintOrderUpload } }>('order-uploaded.json').detail.body;
/** The token subject that owns every order here (security: the owner is the verified subject, not the body). */
const OWNER = upload.customer.id;
const NOW = new Date('2026-11-24T08:45:13.000Z');
const customer = { customerId: OWNER, key: 'upload-key' };

function order(id: string): OrderItem {
  return newPendingOrder({ id, ownerId: OWNER, upload, uploadedAt: '2026-11-24T08:45:12Z', now: NOW });
}

/** What Lambda does with an error the handler throws: invoke again (here at once, until it stops throwing). */
async function untilSettled<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 20 || (error as Error).name !== 'TransactionCanceledException') throw error;
    }
  }
}

describe('OrdersRepository on DynamoDB Local', () => {
  let dynamo: LocalDynamo;
  let documents: DynamoDBDocumentClient;
  let repository: OrdersRepository;
  let tables = 0;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  afterEach(() => documents.destroy());

  // A fresh table per test: no test sees another's items.
  beforeEach(async () => {
    tables += 1;
    const tableName = `orders-${tables}`;
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: OrdersTableKey, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: OrdersTableKey, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.handle.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      {
        marshallOptions: { removeUndefinedValues: true },
      },
    );
    repository = new OrdersRepository(documents, tableName);
  });

  describe('createOrder', () => {
    it('creates an order once; the same id again is a duplicate and leaves the first write as it was', async () => {
      expect(await repository.createOrder(order('o-1'))).toEqual({ kind: 'created' });
      expect(await repository.createOrder({ ...order('o-1'), copies: 99 })).toEqual({ kind: 'duplicate' });
      const found = await repository.findOrder('o-1');
      expect(found).toEqual({ order: order('o-1') });
    });

    it('writes the order and its idempotency claim together', async () => {
      expect(await repository.createOrder(order('o-1'), customer)).toEqual({ kind: 'created' });
      const claim = await documents.send(
        new GetCommand({
          TableName: `orders-${tables}`,
          Key: { [OrdersTableKey]: idempotencyClaimId(customer.customerId, customer.key) },
        }),
      );
      expect(claim.Item).toEqual({
        id: idempotencyClaimId(customer.customerId, customer.key),
        orderId: 'o-1',
        createdAt: NOW.toISOString(),
      });
    });

    it('makes a second upload with the same key an alias of the first order, and a redelivery of either a duplicate', async () => {
      await repository.createOrder(order('o-1'), customer);
      expect(await repository.createOrder(order('o-2'), customer)).toEqual({ kind: 'aliased', orderId: 'o-1' });
      expect(await repository.createOrder(order('o-2'), customer)).toEqual({ kind: 'duplicate' });
      expect(await repository.createOrder(order('o-1'), customer)).toEqual({ kind: 'duplicate' });
      expect(await repository.findOrder('o-2')).toEqual({ order: order('o-1'), aliasId: 'o-2' });
    });

    it('keeps keys apart per customer', async () => {
      await repository.createOrder(order('o-1'), customer);
      expect(await repository.createOrder(order('o-2'), { ...customer, customerId: 'someone-else' })).toEqual({
        kind: 'created',
      });
    });

    it('never returns bookkeeping items as orders', async () => {
      await repository.createOrder(order('o-1'), customer);
      expect(await repository.findOrder(idempotencyClaimId(customer.customerId, customer.key))).toBeUndefined();
      expect(await repository.findOrder('nope')).toBeUndefined();
    });
  });

  describe('transitions', () => {
    it('ships a pending order once; again is already done; cancelling it then is not allowed', async () => {
      await repository.createOrder(order('o-1'));
      const shipped = await repository.shipOrder(
        'o-1',
        { trackingNumber: 'TRK-1', shippedAt: '2026-11-25T10:00:00Z' },
        NOW,
      );
      expect(shipped).toMatchObject({
        kind: 'applied',
        order: { id: 'o-1', state: 'shipped', trackingNumber: 'TRK-1', shippedAt: '2026-11-25T10:00:00Z' },
      });
      expect(await repository.shipOrder('o-1', { shippedAt: '2026-11-26T10:00:00Z' }, NOW)).toEqual({
        kind: 'already-done',
        orderId: 'o-1',
        state: 'shipped',
      });
      expect(await repository.cancelOrder('o-1', 'too late', NOW, OWNER)).toEqual({
        kind: 'not-allowed',
        orderId: 'o-1',
        state: 'shipped',
      });
      expect((await repository.findOrder('o-1'))?.order).toMatchObject({
        state: 'shipped',
        shippedAt: '2026-11-25T10:00:00Z',
      });
    });

    it('cancels through an alias: the order the alias points at changes', async () => {
      await repository.createOrder(order('o-1'), customer);
      await repository.createOrder(order('o-2'), customer);
      expect(await repository.cancelOrder('o-2', 'changed my mind', NOW, OWNER)).toMatchObject({
        kind: 'applied',
        order: { id: 'o-1', state: 'cancelled', cancellationReason: 'changed my mind' },
      });
    });

    it("cancels only the requester's own order: another customer's attempt changes nothing", async () => {
      await repository.createOrder(order('o-1'));
      expect(await repository.cancelOrder('o-1', 'not mine', NOW, 'someone-else')).toEqual({
        kind: 'not-owner',
        orderId: 'o-1',
      });
      expect((await repository.findOrder('o-1'))?.order.state).toBe('pending');
      expect(await repository.cancelOrder('o-1', 'mine', NOW, OWNER)).toMatchObject({
        kind: 'applied',
        order: { id: 'o-1', state: 'cancelled' },
      });
    });

    it('leaves a bookkeeping item alone: a transition of an idempotency claim finds no order', async () => {
      await repository.createOrder(order('o-1'), customer);
      const claimId = idempotencyClaimId(customer.customerId, customer.key);
      expect(await repository.shipOrder(claimId, { shippedAt: '2026-11-25T10:00:00Z' }, NOW)).toEqual({
        kind: 'unknown-order',
      });
      expect((await repository.findOrder('o-1'))?.order.state).toBe('pending');
    });

    it('reports an order it does not know', async () => {
      expect(await repository.cancelOrder('missing', 'x', NOW, OWNER)).toEqual({ kind: 'unknown-order' });
    });
  });

  describe('races', () => {
    it('lets exactly one of a concurrent ship and cancel win; the loser reports what the order became', async () => {
      await repository.createOrder(order('o-1'));
      const [ship, cancel] = await Promise.all([
        repository.shipOrder('o-1', { shippedAt: '2026-11-25T10:00:00Z' }, NOW),
        repository.cancelOrder('o-1', 'race', NOW, OWNER),
      ]);
      const outcomes = [ship, cancel];
      expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(1);
      const final = (await repository.findOrder('o-1'))?.order.state;
      const loser = outcomes.find((o) => o.kind !== 'applied');
      expect(loser).toEqual({ kind: 'not-allowed', orderId: 'o-1', state: final });
    });

    it('applies one of many concurrent deliveries of the same confirmation', async () => {
      await repository.createOrder(order('o-1'));
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () => repository.shipOrder('o-1', { shippedAt: '2026-11-25T10:00:00Z' }, NOW)),
      );
      expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'already-done')).toHaveLength(5);
    });

    it('creates one order from concurrent deliveries of the same event', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => untilSettled(() => repository.createOrder(order('o-1'), customer))),
      );
      expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'duplicate')).toHaveLength(4);
    });

    it('creates one order from concurrent uploads that share an idempotency key; the others alias it', async () => {
      const ids = ['o-1', 'o-2', 'o-3', 'o-4'];
      const outcomes = await Promise.all(
        ids.map((id) => untilSettled(() => repository.createOrder(order(id), customer))),
      );
      const created = ids.filter((_, i) => outcomes[i].kind === 'created');
      expect(created).toHaveLength(1);
      for (const [i, id] of ids.entries()) {
        if (id === created[0]) continue;
        expect(outcomes[i]).toEqual({ kind: 'aliased', orderId: created[0] });
        expect(await repository.findOrder(id)).toEqual({ order: order(created[0]), aliasId: id });
      }
    });
  });
});
