import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { handler as GetOrder } from '../../../handlers/get-order';
import { applyTestEnv, loadEvent, TEST_ENV } from './helpers';

const ddb = mockClient(DynamoDBDocumentClient);
let handler: typeof GetOrder;

const ORDER_ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';
const ALIAS_ID = '0d1b9a3c-58f2-4e0f-9c41-7a6d2b8e5f10';

const SHIPPED_ORDER = {
  id: ORDER_ID,
  state: 'shipped',
  reason: 'Shipped at 2026-11-24T08:47:29.512Z',
  createdAt: '2026-11-24T08:45:13.201Z',
  updatedAt: '2026-11-24T08:47:31.120Z',
  uploadedAt: '2026-11-24T08:45:12Z',
  ownerId: 'cust-0042',
  customer: { id: 'cust-0042', email: 'ada@example.com' },
  document: { url: 'https://files.example.com/a.pdf', format: 'pdf' },
  copies: 3,
  shippingAddress: { name: 'Ada Lovelace', line1: '1 Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
  idempotencyKey: 'upload-2026-11-24-0001',
  shippedAt: '2026-11-24T08:47:29.512Z',
  trackingNumber: 'TRK-3A9F01C2B7E4',
};

function request(id: string | undefined): APIGatewayProxyEventV2WithJWTAuthorizer {
  const event = loadEvent<APIGatewayProxyEventV2WithJWTAuthorizer>('http-api-get-order.json');
  return { ...event, pathParameters: id === undefined ? undefined : { id } };
}

beforeAll(async () => {
  applyTestEnv();
  ({ handler } = await import('../../../handlers/get-order'));
});

beforeEach(() => {
  ddb.reset();
});

describe('get-order', () => {
  it('answers 200 with the order as JSON, without personal data or the idempotency key', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: SHIPPED_ORDER });

    // Act
    const response = await handler(loadEvent<APIGatewayProxyEventV2WithJWTAuthorizer>('http-api-get-order.json'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(response.body ?? '')).toEqual({
      id: ORDER_ID,
      state: 'shipped',
      reason: 'Shipped at 2026-11-24T08:47:29.512Z',
      createdAt: '2026-11-24T08:45:13.201Z',
      updatedAt: '2026-11-24T08:47:31.120Z',
      uploadedAt: '2026-11-24T08:45:12Z',
      document: { url: 'https://files.example.com/a.pdf', format: 'pdf' },
      copies: 3,
      shippedAt: '2026-11-24T08:47:29.512Z',
      trackingNumber: 'TRK-3A9F01C2B7E4',
    });
    expect(ddb.commandCalls(GetCommand)[0].args[0].input).toEqual({
      TableName: TEST_ENV.ORDERS_TABLE_NAME,
      Key: { id: ORDER_ID },
      ConsistentRead: true,
    });
  });

  it('shows a rejected order with its errors', async () => {
    // Prepare
    const errors = [{ path: 'copies', message: 'Too small: expected number to be >=1' }];
    ddb.on(GetCommand).resolves({
      Item: {
        id: ORDER_ID,
        state: 'rejected',
        reason: 'Invalid upload: copies: ...',
        createdAt: 't',
        updatedAt: 't',
        errors,
        rawUpload: '{}',
        ownerId: 'cust-0042',
      },
    });

    // Act
    const response = await handler(request(ORDER_ID));

    // Assess
    const body = JSON.parse(response.body ?? '');
    expect(body).toMatchObject({ state: 'rejected', errors });
    expect(body).not.toHaveProperty('rawUpload');
  });

  it('shows the cancellation fields of a cancelled order', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({
      Item: {
        id: ORDER_ID,
        state: 'cancelled',
        reason: 'Cancelled: wrong edition',
        createdAt: 't0',
        updatedAt: 't1',
        cancelledAt: 't1',
        cancellationReason: 'wrong edition',
        ownerId: 'cust-0042',
      },
    });

    // Act
    const response = await handler(request(ORDER_ID));

    // Assess
    expect(JSON.parse(response.body ?? '')).toMatchObject({ cancelledAt: 't1', cancellationReason: 'wrong edition' });
  });

  it('follows an alias to the one order', async () => {
    // Prepare
    ddb
      .on(GetCommand, { Key: { id: ALIAS_ID } })
      .resolves({ Item: { id: ALIAS_ID, aliasOf: ORDER_ID, createdAt: 't' } });
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: SHIPPED_ORDER });

    // Act
    const response = await handler(request(ALIAS_ID));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toMatchObject({ id: ORDER_ID, state: 'shipped' });
  });

  it("answers another customer's token the same 404 as an unknown id", async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: SHIPPED_ORDER });
    const event = request(ORDER_ID);
    event.requestContext.authorizer.jwt.claims.sub = 'c0ffee00-1111-4222-8333-444455556666';

    // Act
    const response = await handler(event);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? '')).toEqual({ message: `Order ${ORDER_ID} not found` });
  });

  it('answers 404 for an order that has no owner (its upload could not be verified)', async () => {
    // Prepare
    const { ownerId: _owner, ...unowned } = SHIPPED_ORDER;
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: unowned });

    // Act
    const response = await handler(request(ORDER_ID));

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('answers 404 when the request carries no token subject (the route is not behind the JWT authorizer)', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { id: ORDER_ID } }).resolves({ Item: SHIPPED_ORDER });
    const event = request(ORDER_ID);
    (event.requestContext as { authorizer?: unknown }).authorizer = undefined;

    // Act
    const response = await handler(event);

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('answers 404 for an unknown id', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});

    // Act
    const response = await handler(request(ALIAS_ID));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(response.body ?? '')).toEqual({ message: `Order ${ALIAS_ID} not found` });
  });

  it.each([
    ['not a UUID', 'order-1'],
    ['a bookkeeping key', 'idempotency#cust-0042#upload-2026-11-24-0001'],
    ['missing', undefined],
  ])('answers 400 when the id is %s, without reading the table', async (_label, id) => {
    // Act
    const response = await handler(request(id));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual({ message: 'Order id must be a UUID' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('lets DynamoDB errors through (API Gateway answers 500)', async () => {
    // Prepare
    ddb.on(GetCommand).rejects(new InternalServerError({ message: 'Internal server error', $metadata: {} }));

    // Act
    const run = handler(request(ORDER_ID));

    // Assess
    await expect(run).rejects.toBeInstanceOf(InternalServerError);
  });
});
