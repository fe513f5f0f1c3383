import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { handler as CancelOrder } from '../../../handlers/cancel-order';
import type {
  BusEvent,
  CancellationRequestedDetail,
  CustomerRequestDetail,
  OrderState,
} from '../../../handlers/contract';
import type { logger as Logger } from '../../../handlers/logger';
import {
  applyTestEnv,
  conditionalCheckFailed,
  CUSTOMER_DATA,
  everythingLogged,
  loadEvent,
  TEST_ENV,
  useTableHandlerLifecycle,
} from './helpers';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: typeof CancelOrder;
let logger: typeof Logger;

const NOW = '2026-11-24T08:50:42.007Z';
const ORDER_ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';
const ALIAS_ID = '0d1b9a3c-58f2-4e0f-9c41-7a6d2b8e5f10';

/** The token subject of the fixture's request, and the owner of the orders below. */
const OWNER = 'cust-0042';
const SOMEONE_ELSE = 'c0ffee00-1111-4222-8333-444455556666';

type CancellationEvent = BusEvent<CustomerRequestDetail<CancellationRequestedDetail>>;

function cancellationEvent(body?: Partial<CancellationRequestedDetail>, subject = OWNER): CancellationEvent {
  const event = loadEvent<CancellationEvent>('cancellation-requested.json');
  return {
    ...event,
    detail: { customerId: subject, body: { ...event.detail.body, ...body }, customerIdRepeated: subject },
  };
}

function order(state: OrderState) {
  return { id: ORDER_ID, state, reason: 'r', createdAt: 't0', updatedAt: 't0', ownerId: OWNER };
}

beforeAll(async () => {
  applyTestEnv();
  ({ handler } = await import('../../../handlers/cancel-order'));
  ({ logger } = await import('../../../handlers/logger'));
});

useTableHandlerLifecycle(ddb, NOW, () => logger);

describe('cancel-order', () => {
  it("cancels a pending order of the requester's with one conditional update", async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({ Attributes: order('cancelled') });
    const event = cancellationEvent();

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    const [update] = ddb.commandCalls(UpdateCommand);
    expect(update.args[0].input).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Key: { id: ORDER_ID },
      UpdateExpression: 'SET #state = :target, #f0 = :f0, #f1 = :f1, #f2 = :f2, #f3 = :f3',
      ConditionExpression: '#state IN (:from0) AND #owner = :requester',
      ExpressionAttributeNames: {
        '#state': 'state',
        '#f0': 'reason',
        '#f1': 'cancellationReason',
        '#f2': 'cancelledAt',
        '#f3': 'updatedAt',
        '#owner': 'ownerId',
      },
      ExpressionAttributeValues: {
        ':target': 'cancelled',
        ':f0': 'Cancelled: Ordered the wrong edition',
        ':f1': 'Ordered the wrong edition',
        ':f2': NOW,
        ':f3': NOW,
        ':from0': 'pending',
        ':requester': OWNER,
      },
      ReturnValues: 'ALL_NEW',
    });
    expect(logger.info).toHaveBeenCalledWith('Order cancelled', {
      orderId: ORDER_ID,
      requestedId: ORDER_ID,
      eventId: event.id,
    });
  });

  it('follows an alias id to the order it points at', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { id: ALIAS_ID } }).resolves({ Item: { id: ALIAS_ID, aliasOf: ORDER_ID } });
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: order('pending') });
    ddb.on(UpdateCommand, { Key: { id: ALIAS_ID } }).rejects(conditionalCheckFailed());
    ddb.on(UpdateCommand, { Key: { id: ORDER_ID } }).resolves({ Attributes: order('cancelled') });

    // Act
    await handler(cancellationEvent({ orderId: ALIAS_ID }));

    // Assess: the alias has no state, so the first update's condition fails; the order it points at is cancelled
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key)).toEqual([
      { id: ALIAS_ID },
      { id: ORDER_ID },
    ]);
  });

  it('makes the reason safe for the JSON templates downstream', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order('pending') });
    ddb.on(UpdateCommand).resolves({ Attributes: order('cancelled') });

    // Act
    await handler(cancellationEvent({ reason: 'said "stop"' }));

    // Assess
    const values = ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues ?? {};
    expect(values[':f0']).toBe("Cancelled: said 'stop'");
  });

  it.each<OrderState>(['shipped', 'rejected'])('leaves a %s order alone and logs it', async (state) => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: order(state) });

    // Act
    await handler(cancellationEvent());

    // Assess
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'Order cannot be cancelled in its state; nothing changed',
      expect.objectContaining({ orderId: ORDER_ID, state }),
    );
  });

  it('treats a repeated cancellation as already done', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: order('cancelled') });

    // Act
    await handler(cancellationEvent());

    // Assess
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(logger.info).toHaveBeenCalledWith('Order already cancelled; nothing changed', expect.anything());
  });

  it('throws a cancellation of an unknown order, so the DLQ keeps it', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({});

    // Act
    const run = handler(cancellationEvent());

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'UnplaceableCallbackError' });
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(logger.error).toHaveBeenCalledWith('Cancellation of an unknown order; sent to the DLQ', expect.anything());
  });

  it('reports the state that won a race (the conditional update fails after a pending read)', async () => {
    // Prepare
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: order('pending') })
      .resolves({ Item: order('shipped') });
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    await handler(cancellationEvent());

    // Assess
    expect(logger.warn).toHaveBeenCalledWith(
      'Order cannot be cancelled in its state; nothing changed',
      expect.objectContaining({ state: 'shipped' }),
    );
  });

  it.each([
    ['a blank reason', { reason: ' ' }],
    ['a numeric reason', { reason: 42 }],
    ['an unknown member', { priority: 'high' }],
  ])('refuses an invalid request (%s) of a known order and records it beside the order', async (_label, detail) => {
    // Prepare
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: order('pending') });
    ddb.on(PutCommand).resolves({});
    const event = cancellationEvent(detail as Partial<CancellationRequestedDetail>);

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    const item = ddb.commandCalls(PutCommand)[0].args[0].input.Item as Record<string, unknown>;
    expect(item).toMatchObject({
      id: `refused-cancellation#${event.id}`,
      orderId: ORDER_ID,
      requestedBy: OWNER,
      refusal: expect.stringMatching(/^Invalid request: /),
      refusedAt: NOW,
    });
    expect(item).not.toHaveProperty('state');
    expect(logger.error).toHaveBeenCalledWith(
      'Invalid cancellation request; recorded beside the order, nothing changed',
      expect.objectContaining({ orderId: ORDER_ID, eventId: event.id, issues: expect.any(Array) }),
    );
  });

  it.each([
    ['an order id that is not a UUID', { orderId: 'o-1' }, undefined],
    ['a blank reason for an unknown order', { reason: ' ' }, {}],
  ])('throws an invalid request with no order to record it on (%s)', async (_label, detail, read) => {
    // Prepare
    if (read !== undefined) ddb.on(GetCommand).resolves(read);
    const event = cancellationEvent(detail);

    // Act
    const run = handler(event);

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'UnplaceableCallbackError' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(logger.error).toHaveBeenCalledWith('Invalid cancellation request without a known order; sent to the DLQ', {
      issues: expect.any(Array),
      eventId: event.id,
      source: event.source,
    });
  });

  it('never logs the body of an invalid request, which may carry customer data', async () => {
    // Prepare: an upload body posted to POST /cancellations
    const upload = loadEvent<{ detail: Record<string, unknown> }>('order-uploaded.json');
    const event = { ...cancellationEvent(), detail: upload.detail } as unknown as BusEvent<CancellationRequestedDetail>;

    // Act
    const run = handler(event);

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'UnplaceableCallbackError' });
    expect(logger.error).toHaveBeenCalledTimes(1);
    const logged = everythingLogged(logger) + String(await run.catch((error: Error) => error.message));
    for (const value of CUSTOMER_DATA) expect(logged).not.toContain(value);
  });

  it("refuses another customer's cancellation, records it apart from the order and leaves the order alone", async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: order('pending') });
    ddb.on(PutCommand).resolves({});
    const event = cancellationEvent({ reason: 'Say "cancel" \\ now' }, SOMEONE_ELSE);

    // Act
    await handler(event);

    // Assess
    // only the conditional update, which DynamoDB refused
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    const [put] = ddb.commandCalls(PutCommand);
    expect(put.args[0].input).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Item: {
        id: `refused-cancellation#${event.id}`,
        orderId: ORDER_ID,
        requestedBy: SOMEONE_ELSE,
        refusal: 'The requester does not own the order',
        requestedReason: "Say 'cancel' / now",
        refusedAt: NOW,
      },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'id' },
    });
    // No `state`: the pipe's filter keeps the record off the bus.
    expect(put.args[0].input.Item).not.toHaveProperty('state');
    expect(logger.warn).toHaveBeenCalledWith(
      'Cancellation refused; recorded, nothing changed',
      expect.objectContaining({ orderId: ORDER_ID, recorded: 'recorded' }),
    );
  });

  it('refuses a request whose subject copies differ (a tampered wrapper) without reading the order', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event = cancellationEvent();
    event.detail.customerIdRepeated = SOMEONE_ELSE;

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    const item = ddb.commandCalls(PutCommand)[0].args[0].input.Item as Record<string, unknown>;
    expect(item).toMatchObject({
      orderId: ORDER_ID,
      refusal: expect.stringContaining('did not come through the customer route intact'),
    });
    expect(item).not.toHaveProperty('requestedBy');
  });

  it('writes nothing new for a redelivered refused request', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: order('pending') });
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

    // Act
    await handler(cancellationEvent({}, SOMEONE_ELSE));

    // Assess
    expect(logger.warn).toHaveBeenCalledWith(
      'Cancellation refused; recorded, nothing changed',
      expect.objectContaining({ recorded: 'duplicate' }),
    );
  });

  it('throws DynamoDB errors other than conditional failures', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: order('pending') });
    ddb.on(UpdateCommand).rejects(new InternalServerError({ message: 'Internal server error', $metadata: {} }));

    // Act
    const run = handler(cancellationEvent());

    // Assess
    await expect(run).rejects.toBeInstanceOf(InternalServerError);
  });
});
