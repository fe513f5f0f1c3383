import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { handler as ConfirmShipment } from '../../../handlers/confirm-shipment';
import type { ConfirmShipmentInput, OrderState } from '../../../handlers/contract';
import type { logger as Logger } from '../../../handlers/logger';
import { applyTestEnv, conditionalCheckFailed, loadEvent, TEST_ENV, useTableHandlerLifecycle } from './helpers';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: typeof ConfirmShipment;
let logger: typeof Logger;

const NOW = '2026-11-24T08:47:31.120Z';
const ORDER_ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';

function input(change?: Partial<ConfirmShipmentInput>): ConfirmShipmentInput {
  return { ...loadEvent<ConfirmShipmentInput>('confirm-shipment-input.json'), ...change };
}

function order(state: OrderState) {
  return { id: ORDER_ID, state, reason: 'r', createdAt: 't0', updatedAt: 't0' };
}

beforeAll(async () => {
  applyTestEnv();
  ({ handler } = await import('../../../handlers/confirm-shipment'));
  ({ logger } = await import('../../../handlers/logger'));
});

useTableHandlerLifecycle(ddb, NOW, () => logger);

describe('confirm-shipment', () => {
  it('ships a pending order with one conditional update, storing when and the tracking number', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({ Attributes: order('shipped') });

    // Act
    await handler(input());

    // Assess
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    const [update] = ddb.commandCalls(UpdateCommand);
    expect(update.args[0].input).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Key: { id: ORDER_ID },
      UpdateExpression: 'SET #state = :target, #f0 = :f0, #f1 = :f1, #f2 = :f2, #f3 = :f3',
      ConditionExpression: '#state IN (:from0)',
      ExpressionAttributeNames: {
        '#state': 'state',
        '#f0': 'reason',
        '#f1': 'shippedAt',
        '#f2': 'trackingNumber',
        '#f3': 'updatedAt',
      },
      ExpressionAttributeValues: {
        ':target': 'shipped',
        ':f0': 'Shipped at 2026-11-24T08:47:29.512Z',
        ':f1': '2026-11-24T08:47:29.512Z',
        ':f2': 'TRK-3A9F01C2B7E4',
        ':f3': NOW,
        ':from0': 'pending',
      },
      ReturnValues: 'ALL_NEW',
    });
    expect(logger.info).toHaveBeenCalledWith('Order shipped', {
      orderId: ORDER_ID,
      trackingNumber: 'TRK-3A9F01C2B7E4',
      confirmationId: 'b81e0c5a-9d3f-4c27-8e6b-1fa4d2c9e705',
    });
  });

  it('uses the confirmation time when the carrier sent no shippedAt, and stores no empty tracking number', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order('pending') });
    ddb.on(UpdateCommand).resolves({ Attributes: order('shipped') });

    // Act
    await handler(input({ shippedAt: '', trackingNumber: '' }));

    // Assess
    const { ExpressionAttributeNames: names, ExpressionAttributeValues: values } =
      ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(values).toMatchObject({ ':f0': 'Shipped at 2026-11-24T08:47:30Z', ':f1': '2026-11-24T08:47:30Z' });
    expect(Object.values(names ?? {})).not.toContain('trackingNumber');
  });

  it('follows an alias id', async () => {
    // Prepare
    const aliasId = '0d1b9a3c-58f2-4e0f-9c41-7a6d2b8e5f10';
    ddb.on(GetCommand, { Key: { id: aliasId } }).resolves({ Item: { id: aliasId, aliasOf: ORDER_ID } });
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: order('pending') });
    ddb.on(UpdateCommand, { Key: { id: aliasId } }).rejects(conditionalCheckFailed());
    ddb.on(UpdateCommand, { Key: { id: ORDER_ID } }).resolves({ Attributes: order('shipped') });

    // Act
    await handler(input({ orderId: aliasId }));

    // Assess: the alias has no state, so the first update's condition fails; the order it points at ships
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key)).toEqual([
      { id: aliasId },
      { id: ORDER_ID },
    ]);
  });

  it.each<OrderState>(['cancelled', 'rejected'])('leaves a %s order alone and logs it', async (state) => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order(state) });
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    await handler(input());

    // Assess
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'Order cannot ship in its state; nothing changed',
      expect.objectContaining({ orderId: ORDER_ID, state }),
    );
  });

  it('treats a repeated confirmation as already done', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order('shipped') });
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    await handler(input());

    // Assess
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(logger.info).toHaveBeenCalledWith('Order already shipped; nothing changed', expect.anything());
  });

  it('throws a confirmation for an unknown order, so the DLQ keeps it', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    const run = handler(input());

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'UnplaceableCallbackError' });
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Shipment confirmation for an unknown order; sent to the DLQ',
      expect.objectContaining({ orderId: ORDER_ID }),
    );
  });

  it('does not show a bookkeeping item as an order', async () => {
    // Prepare: an id that holds something without a state (e.g. an alias whose order is gone)
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: { id: ORDER_ID, aliasOf: 'gone' } });
    ddb.on(GetCommand, { Key: { id: 'gone' } }).resolves({});
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    const run = handler(input());

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'UnplaceableCallbackError' });
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('throws when a conditional update fails yet the order still reads as pending (retry, do not guess)', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order('pending') });
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    const run = handler(input());

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'InconsistentStateError' });
  });

  it('falls back to the confirmation time for an odd shippedAt, ships anyway and logs it', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order('pending') });
    ddb.on(UpdateCommand).resolves({ Attributes: order('shipped') });

    // Act
    await handler(input({ shippedAt: '24/11/2026 08:47' }));

    // Assess
    const values = ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues;
    expect(values).toMatchObject({ ':f0': 'Shipped at 2026-11-24T08:47:30Z', ':f1': '2026-11-24T08:47:30Z' });
    expect(logger.warn).toHaveBeenCalledWith(
      "Carrier's shipped_at is not an ISO 8601 time; using the confirmation time",
      expect.objectContaining({ orderId: ORDER_ID, shippedAt: '24/11/2026 08:47' }),
    );
  });

  it.each([
    ['a tracking number of 65 characters', { trackingNumber: 'T'.repeat(65) }, 'trackingNumber'],
    ['a non-ASCII tracking number', { trackingNumber: 'TRK-Ü1' }, 'trackingNumber'],
    ['a numeric tracking number', { trackingNumber: 12345 }, 'trackingNumber'],
    ['a numeric shippedAt', { shippedAt: 1764000000 }, 'shippedAt'],
    ['a confirmedAt that is not a time', { confirmedAt: 'soon' }, 'confirmedAt'],
  ])(
    'records an invalid confirmation (%s) of a known order beside it and changes nothing',
    async (_l, change, path) => {
      // Prepare
      ddb.on(GetCommand).resolves({ Item: order('pending') });
      ddb.on(PutCommand).resolves({});

      // Act
      await handler(input(change as Partial<ConfirmShipmentInput>));

      // Assess
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
      const [put] = ddb.commandCalls(PutCommand);
      expect(put.args[0].input).toMatchObject({
        Item: {
          id: `rejected-confirmation#${input().confirmationId}`,
          orderId: ORDER_ID,
          confirmationId: input().confirmationId,
          issues: [expect.stringMatching(new RegExp(`^${path}: `))],
          rejectedAt: NOW,
        },
        ConditionExpression: 'attribute_not_exists(#key)',
      });
      expect(put.args[0].input.Item).not.toHaveProperty('state');
    },
  );

  it('writes nothing new when a rejected confirmation is redelivered', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order('pending') });
    ddb.on(PutCommand).rejects(conditionalCheckFailed());

    // Act
    await handler(input({ trackingNumber: 'T'.repeat(65) }));

    // Assess
    expect(logger.error).toHaveBeenCalledWith(
      'Invalid shipment confirmation; recorded beside the order, nothing changed',
      expect.objectContaining({ recorded: 'duplicate' }),
    );
  });

  it.each([
    ['an order id that is not a UUID', { orderId: 'o-1', trackingNumber: 'T'.repeat(65) }],
    ['a missing confirmation id', { confirmationId: '', trackingNumber: 'T'.repeat(65) }],
  ])('throws an invalid confirmation with no order to record it on (%s)', async (_label, change) => {
    // Act
    const run = handler(input(change));

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'UnplaceableCallbackError' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('throws an invalid confirmation of an unknown order', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});

    // Act
    const run = handler(input({ trackingNumber: 'T'.repeat(65) }));

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'UnplaceableCallbackError' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('throws DynamoDB errors other than conditional failures', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new InternalServerError({ message: 'Internal server error', $metadata: {} }));

    // Act
    const run = handler(input());

    // Assess
    await expect(run).rejects.toBeInstanceOf(InternalServerError);
  });
});
