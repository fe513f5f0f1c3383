import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { BusEvent, CustomerRequestDetail } from '../../../handlers/contract';
import type { handler as CaptureOrder } from '../../../handlers/capture-order';
import type { logger as Logger } from '../../../handlers/logger';
import type { PrintOrderUpload } from '../../../handlers/upload-schema';
import {
  applyTestEnv,
  CUSTOMER_DATA,
  everythingLogged,
  loadEvent,
  TEST_ENV,
  useTableHandlerLifecycle,
} from './helpers';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: typeof CaptureOrder;
let logger: typeof Logger;

const NOW = '2026-11-24T08:45:13.201Z';
const EARLIER_ORDER = '11111111-2222-4333-8444-555555555555';
const CLAIM_ID = 'idempotency#cust-0042#upload-2026-11-24-0001';

/** The token subject the fixtures' customer route put beside the upload. */
const OWNER = 'cust-0042';

function uploadEvent(change?: (upload: PrintOrderUpload) => void): BusEvent<CustomerRequestDetail<PrintOrderUpload>> {
  const event = loadEvent<BusEvent<CustomerRequestDetail<PrintOrderUpload>>>('order-uploaded.json');
  change?.(event.detail.body);
  return event;
}

/** The same upload as sent by another token's subject. */
function uploadBy(subject: string): BusEvent<CustomerRequestDetail<PrintOrderUpload>> {
  const event = uploadEvent();
  return { ...event, detail: { ...event.detail, customerId: subject, customerIdRepeated: subject } };
}

function transactionCancelled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) =>
      Code === 'ConditionalCheckFailed' ? { Code, Message: 'The conditional request failed' } : { Code },
    ),
  });
}

function conditionalCheckFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

beforeAll(async () => {
  applyTestEnv();
  ({ handler } = await import('../../../handlers/capture-order'));
  ({ logger } = await import('../../../handlers/logger'));
});

useTableHandlerLifecycle(ddb, NOW, () => logger);

describe('capture-order: valid uploads', () => {
  it('writes a pending order and its idempotency claim in one conditional transaction', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const event = uploadEvent();

    // Act
    await handler(event);

    // Assess
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const [orderPut, claimPut] = calls[0].args[0].input.TransactItems ?? [];
    expect(orderPut.Put).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Item: {
        id: event.id,
        state: 'pending',
        reason: 'Waiting for shipping',
        createdAt: NOW,
        updatedAt: NOW,
        uploadedAt: event.time,
        ownerId: OWNER,
        customer: event.detail.body.customer,
        document: event.detail.body.document,
        copies: 3,
        shippingAddress: event.detail.body.shippingAddress,
        idempotencyKey: 'upload-2026-11-24-0001',
      },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'id' },
    });
    expect(claimPut.Put).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Item: { id: CLAIM_ID, orderId: event.id, createdAt: NOW },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'id' },
    });
    // The pipe's filter passes only items with a state: the claim must not have one.
    expect(claimPut.Put?.Item).not.toHaveProperty('state');
    expect(logger.info).toHaveBeenCalledWith('Order captured', { orderId: event.id, state: 'pending' });
  });

  it('writes a pending order with a plain conditional put when there is no idempotency key', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event = uploadEvent((detail) => delete detail.idempotencyKey);

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const [put] = ddb.commandCalls(PutCommand);
    expect(put.args[0].input).toMatchObject({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Item: { id: event.id, state: 'pending', reason: 'Waiting for shipping' },
      ConditionExpression: 'attribute_not_exists(#key)',
    });
    expect(put.args[0].input.Item).not.toHaveProperty('idempotencyKey');
  });
});

describe('capture-order: invalid uploads are recorded as rejected orders', () => {
  it('records the fixture of a bad upload with every error, its reason and the raw upload', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event = loadEvent<BusEvent<CustomerRequestDetail>>('order-uploaded-invalid.json');

    // Act
    await handler(event);

    // Assess
    const [put] = ddb.commandCalls(PutCommand);
    const item = put.args[0].input.Item as Record<string, unknown>;
    expect(item).toMatchObject({
      id: event.id,
      state: 'rejected',
      createdAt: NOW,
      updatedAt: NOW,
      ownerId: OWNER,
      rawUpload: JSON.stringify(event.detail.body),
    });
    expect((item.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      '(root)',
      'copies',
      'customer.email',
      'document.format',
      'document.url',
      'shippingAddress.country',
    ]);
    expect(item.reason).toMatch(/^Invalid upload: /);
    expect(item.reason).toContain('customer.email: Invalid email address');
    expect(item.reason).not.toContain('"');
    expect(put.args[0].input.ConditionExpression).toBe('attribute_not_exists(#key)');
  });

  it('does not claim the idempotency key of a rejected upload (the corrected retry must not alias to it)', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event = uploadEvent((detail) => (detail.copies = 0));

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ state: 'rejected' });
  });

  it.each([
    ['a string', 'just text'],
    ['an empty object', {}],
  ])('records an upload that is %s', async (_label, body) => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event: BusEvent = { ...uploadEvent(), detail: { customerId: OWNER, body, customerIdRepeated: OWNER } };

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ id: event.id, state: 'rejected' });
  });

  it('treats a redelivered bad upload as a duplicate', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    const event = loadEvent<BusEvent>('order-uploaded-invalid.json');

    // Act
    await handler(event);

    // Assess
    expect(logger.info).toHaveBeenCalledWith('Duplicate delivery of a rejected upload; nothing changed', {
      orderId: event.id,
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });
});

describe('capture-order: the owner is the token subject, not the body', () => {
  it('records the subject as owner and customer id, and the customer id the body claimed as ignored', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const event = uploadBy('c0ffee00-1111-4222-8333-444455556666');

    // Act
    await handler(event);

    // Assess
    const [orderPut, claimPut] = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems ?? [];
    expect(orderPut.Put?.Item).toMatchObject({
      ownerId: 'c0ffee00-1111-4222-8333-444455556666',
      ignoredCustomerId: 'cust-0042',
      customer: { id: 'c0ffee00-1111-4222-8333-444455556666', email: 'ada@example.com' },
    });
    // Idempotency keys are per owner: another customer's key cannot be taken.
    expect(claimPut.Put?.Item?.id).toBe('idempotency#c0ffee00-1111-4222-8333-444455556666#upload-2026-11-24-0001');
    expect(logger.warn).toHaveBeenCalledWith('Upload named another customer id than its token; the token wins', {
      orderId: event.id,
    });
  });

  it('records no ignored id when the body names its own subject', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    await handler(uploadEvent());

    // Assess
    const [orderPut] = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems ?? [];
    expect(orderPut.Put?.Item).not.toHaveProperty('ignoredCustomerId');
  });

  it.each([
    [
      'copies of the subject that differ (a body that added its own customerId)',
      { customerId: 'someone-else', body: {}, customerIdRepeated: OWNER },
    ],
    ['a member the mapping never writes', { customerId: OWNER, body: {}, customerIdRepeated: OWNER, extra: 1 }],
    ['no subject at all (an event not put by the customer route)', { customer: { id: OWNER } }],
  ])('rejects, owned by nobody, an upload with %s', async (_label, detail) => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event: BusEvent = { ...uploadEvent(), detail };

    // Act
    await handler(event);

    // Assess
    const item = ddb.commandCalls(PutCommand)[0].args[0].input.Item as Record<string, unknown>;
    expect(item).toMatchObject({ id: event.id, state: 'rejected' });
    expect(item).not.toHaveProperty('ownerId');
    expect(item.reason).toContain('did not come through the customer route intact');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('capture-order: duplicates and idempotency', () => {
  it('ignores a redelivered event without a key (conditional put fails) and does not throw', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    const event = uploadEvent((detail) => delete detail.idempotencyKey);

    // Act
    await handler(event);

    // Assess
    expect(logger.info).toHaveBeenCalledWith('Duplicate delivery of an upload; nothing changed', { orderId: event.id });
  });

  it('takes a replayed upload (its original id, plus `replay-name`) for the duplicate it is', async () => {
    // Prepare: the order the original delivery wrote is there, so the conditional create fails.
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    const event = { ...uploadEvent((detail) => delete detail.idempotencyKey), 'replay-name': 'after-the-outage' };

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ id: event.id });
    expect(logger.info).toHaveBeenCalledWith('Duplicate delivery of an upload; nothing changed', { orderId: event.id });
  });

  it('ignores a redelivered event with a key (the order put fails in the transaction)', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'));
    const event = uploadEvent();

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(logger.info).toHaveBeenCalledWith('Duplicate delivery of an upload; nothing changed', { orderId: event.id });
  });

  it('turns a client retry (new event id, same key) into an alias of the earlier order', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));
    ddb.on(GetCommand, { Key: { id: CLAIM_ID } }).resolves({ Item: { id: CLAIM_ID, orderId: EARLIER_ORDER } });
    ddb.on(PutCommand).resolves({});
    const event = uploadEvent();

    // Act
    await handler(event);

    // Assess
    const [get] = ddb.commandCalls(GetCommand);
    expect(get.args[0].input).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Key: { id: CLAIM_ID },
      ConsistentRead: true,
    });
    const [put] = ddb.commandCalls(PutCommand);
    expect(put.args[0].input).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Item: { id: event.id, aliasOf: EARLIER_ORDER, createdAt: NOW },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': 'id' },
    });
    expect(logger.info).toHaveBeenCalledWith(
      'Upload repeats an earlier idempotency key; recorded as an alias of that order',
      { orderId: EARLIER_ORDER, aliasId: event.id, idempotencyKey: 'upload-2026-11-24-0001' },
    );
  });

  it('treats a lost race to write the same alias as a duplicate', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));
    ddb.on(GetCommand).resolves({ Item: { id: CLAIM_ID, orderId: EARLIER_ORDER } });
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    const event = uploadEvent();

    // Act
    await handler(event);

    // Assess
    expect(logger.info).toHaveBeenCalledWith('Duplicate delivery of an upload; nothing changed', { orderId: event.id });
  });

  it('treats a claim that points at this very event as a duplicate, writing nothing', async () => {
    // Prepare
    const event = uploadEvent();
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));
    ddb.on(GetCommand).resolves({ Item: { id: CLAIM_ID, orderId: event.id } });

    // Act
    await handler(event);

    // Assess
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('throws when the claim reported taken cannot be read, so the event is retried', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));
    ddb.on(GetCommand).resolves({});

    // Act
    const run = handler(uploadEvent());

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'InconsistentStateError' });
  });

  it('throws on a transaction conflict (a concurrent upload with the same key), so Lambda retries', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'TransactionConflict'));

    // Act
    const run = handler(uploadEvent());

    // Assess
    await expect(run).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('capture-order: failures that must reach the on-failure destination', () => {
  it('throws DynamoDB errors other than conditional failures', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(
      new ProvisionedThroughputExceededException({
        message: 'Rate of requests exceeds the allowed throughput',
        $metadata: {},
      }),
    );

    // Act
    const run = handler(uploadEvent((detail) => delete detail.idempotencyKey));

    // Assess
    await expect(run).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('throws on an event without an id (a wiring fault, not a bad upload)', async () => {
    // Prepare
    const event = { ...uploadEvent(), id: undefined } as unknown as BusEvent;

    // Act
    const run = handler(event);

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'InvalidEventError' });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('capture-order: customer data stays in the table', () => {
  it.each([
    ['a valid upload', 'order-uploaded.json'],
    ['an invalid upload', 'order-uploaded-invalid.json'],
  ])('logs no customer data for %s', async (_label, fixture) => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const event = loadEvent<BusEvent>(fixture);

    // Act
    await handler(event);

    // Assess
    const logged = everythingLogged(logger);
    expect(logged).not.toBe('[]');
    for (const value of CUSTOMER_DATA) expect(logged).not.toContain(value);
  });
});
