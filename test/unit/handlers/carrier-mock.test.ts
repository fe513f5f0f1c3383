import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { trackingNumberFor } from '../../../handlers/carrier';
import type { CALLBACK_TIMEOUT_MS as CallbackTimeout, handler as CarrierMock } from '../../../handlers/carrier-mock';
import type { HttpAnswer } from '../../../handlers/http-client';
import type { logger as Logger } from '../../../handlers/logger';
import { applyTestEnv, freezeTime, loadEvent, TEST_ENV } from './helpers';

let handler: typeof CarrierMock;
let callbackTimeoutMs: typeof CallbackTimeout;
let logger: typeof Logger;
let httpClient: typeof import('../../../handlers/http-client');
let postSpy: jest.SpiedFunction<typeof httpClient.postJson>;

const NOW = '2026-11-24T08:45:15.300Z';
const ORDER_ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';

function notification(change?: {
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
}): APIGatewayProxyEventV2 {
  const event = loadEvent<APIGatewayProxyEventV2>('function-url-carrier-notification.json');
  const headers: Record<string, string | undefined> = { ...event.headers, ...change?.headers };
  for (const key of Object.keys(headers)) if (headers[key] === undefined) delete headers[key];
  return {
    ...event,
    headers,
    body: change?.body ?? event.body,
    isBase64Encoded: change?.isBase64Encoded ?? event.isBase64Encoded,
  };
}

function body(state: string, orderId = ORDER_ID): string {
  return JSON.stringify({ order_id: orderId, state, reason: 'r' });
}

function putEventsAnswer(failed: number): HttpAnswer {
  const entries = failed > 0 ? [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] : [{ EventId: 'e-1' }];
  return { status: 200, text: JSON.stringify({ Entries: entries, FailedEntryCount: failed }) };
}

function parse(response: { body?: string }): unknown {
  return JSON.parse(response.body ?? '');
}

beforeAll(async () => {
  applyTestEnv();
  ({ handler, CALLBACK_TIMEOUT_MS: callbackTimeoutMs } = await import('../../../handlers/carrier-mock'));
  ({ logger } = await import('../../../handlers/logger'));
  httpClient = await import('../../../handlers/http-client');
});

beforeEach(() => {
  freezeTime(NOW);
  postSpy = jest.spyOn(httpClient, 'postJson');
  jest.spyOn(logger, 'error');
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('carrier-mock: a new order', () => {
  it('confirms the shipment through the authorized callback and answers 202', async () => {
    // Prepare
    postSpy.mockResolvedValue(putEventsAnswer(0));

    // Act
    const response = await handler(notification());

    // Assess
    expect(response.statusCode).toBe(202);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(parse(response)).toEqual({
      message: 'Shipment confirmed',
      order_id: ORDER_ID,
      tracking_number: trackingNumberFor(ORDER_ID),
    });
    expect(postSpy).toHaveBeenCalledTimes(1);
    const [post] = postSpy.mock.calls[0];
    expect(post).toMatchObject({
      url: TEST_ENV.CALLBACK_URL,
      headers: { authorization: `Bearer ${TEST_ENV.CALLBACK_TOKEN}` },
      timeoutMs: callbackTimeoutMs,
    });
    expect(JSON.parse(post.body)).toEqual({
      order_id: ORDER_ID,
      tracking_number: trackingNumberFor(ORDER_ID),
      shipped_at: NOW,
    });
  });

  it('keeps its callback timeout below the API destination 5-second timeout', () => {
    expect(callbackTimeoutMs).toBeLessThan(5000);
  });

  it('reads a base64-encoded body', async () => {
    // Prepare
    postSpy.mockResolvedValue(putEventsAnswer(0));
    const encoded = Buffer.from(body('pending')).toString('base64');

    // Act
    const response = await handler(notification({ body: encoded, isBase64Encoded: true }));

    // Assess
    expect(response.statusCode).toBe(202);
  });

  it.each([
    ['the callback answers 403', () => Promise.resolve({ status: 403, text: '{"message":"Forbidden"}' })],
    ['the callback answers 500', () => Promise.resolve({ status: 500, text: '{"message":"Internal Server Error"}' })],
    ['the PutEvents entry failed behind a 200', () => Promise.resolve(putEventsAnswer(1))],
    [
      'the request fails',
      () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ],
    ['the request times out', () => Promise.reject(new DOMException('The operation was aborted', 'AbortError'))],
  ])('answers 502 when %s, so EventBridge retries', async (_label, answer) => {
    // Prepare
    postSpy.mockImplementation(answer);

    // Act
    const response = await handler(notification());

    // Assess
    expect(response.statusCode).toBe(502);
    expect(parse(response)).toEqual({ message: 'Shipment confirmation callback failed' });
    expect(logger.error).toHaveBeenCalledWith(
      'Shipment confirmation callback failed',
      expect.objectContaining({ orderId: ORDER_ID }),
    );
  });
});

describe('carrier-mock: a cancelled order', () => {
  it('acknowledges with 200 and calls nothing back', async () => {
    // Act
    const response = await handler(notification({ body: body('cancelled') }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(parse(response)).toEqual({ message: 'Cancellation acknowledged', order_id: ORDER_ID });
    expect(postSpy).not.toHaveBeenCalled();
  });
});

describe('carrier-mock: credentials', () => {
  it.each([
    ['missing', undefined],
    ['wrong', 'not-the-key'],
    ['a prefix of the key', TEST_ENV.CARRIER_AUTH_HEADER_VALUE.slice(0, 4)],
  ])('answers 401 when the connection header is %s', async (_label, value) => {
    // Act
    const response = await handler(notification({ headers: { 'x-api-key': value } }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(parse(response)).toEqual({ message: 'Unauthorized' });
    expect(postSpy).not.toHaveBeenCalled();
  });

  it('finds the header whatever its case', async () => {
    // Prepare
    postSpy.mockResolvedValue(putEventsAnswer(0));
    const event = notification({
      headers: { 'x-api-key': undefined, 'X-Api-Key': TEST_ENV.CARRIER_AUTH_HEADER_VALUE },
    });

    // Act
    const response = await handler(event);

    // Assess
    expect(response.statusCode).toBe(202);
  });
});

describe('carrier-mock: malformed notifications', () => {
  it.each([
    ['the body is not JSON', { body: 'order please' }],
    ['the body is missing', { body: '' }],
    ['the order id is not a UUID', { body: body('pending', 'o-1') }],
    ['the state is not one the carrier handles', { body: body('shipped') }],
    ['the Idempotency-Key header is missing', { headers: { 'idempotency-key': undefined } }],
    ['the Idempotency-Key header is blank', { headers: { 'idempotency-key': '' } }],
  ])('answers 400 when %s', async (_label, change) => {
    // Act
    const response = await handler(notification(change));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(parse(response)).toMatchObject({ message: 'Malformed notification', issues: expect.any(Array) });
    expect(postSpy).not.toHaveBeenCalled();
  });
});
