import {
  callbackFailure,
  CarrierNotificationSchema,
  IdempotencyKeyHeaderSchema,
  shipmentConfirmation,
  trackingNumberFor,
} from '../../../handlers/carrier';
import { ConfirmShipmentInputSchema } from '../../../handlers/event-schemas';

const ORDER_ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';

describe('trackingNumberFor', () => {
  it('is stable per order, so a retried notification confirms the same shipment', () => {
    expect(trackingNumberFor(ORDER_ID)).toBe(trackingNumberFor(ORDER_ID));
  });

  it('differs between orders and fits the confirm-shipment tracking number format', () => {
    // Act
    const a = trackingNumberFor(ORDER_ID);
    const b = trackingNumberFor('0d1b9a3c-58f2-4e0f-9c41-7a6d2b8e5f10');

    // Assess
    expect(a).not.toBe(b);
    expect(a).toMatch(/^TRK-[0-9A-F]{12}$/);
  });
});

describe('shipmentConfirmation', () => {
  it('builds the callback body the Shipment Confirmed rule reshapes', () => {
    // Act
    const body = shipmentConfirmation(ORDER_ID, new Date('2026-11-24T08:47:29.512Z'));

    // Assess
    expect(body).toEqual({
      order_id: ORDER_ID,
      tracking_number: trackingNumberFor(ORDER_ID),
      shipped_at: '2026-11-24T08:47:29.512Z',
    });
    // What the rule's input transformer would make of it passes confirm-shipment's validation.
    const reshaped = {
      orderId: body.order_id,
      trackingNumber: body.tracking_number,
      shippedAt: body.shipped_at,
      confirmedAt: '2026-11-24T08:47:30Z',
      confirmationId: 'b81e0c5a-9d3f-4c27-8e6b-1fa4d2c9e705',
    };
    expect(ConfirmShipmentInputSchema.safeParse(reshaped).success).toBe(true);
  });
});

describe('callbackFailure', () => {
  it('accepts a PutEvents result without failed entries', () => {
    expect(callbackFailure(200, '{"Entries":[{"EventId":"x"}],"FailedEntryCount":0}')).toBeUndefined();
  });

  it('accepts a 2xx answer that is not JSON', () => {
    expect(callbackFailure(204, '')).toBeUndefined();
  });

  it('fails on a 200 whose PutEvents result has a failed entry (the integration passes it through)', () => {
    expect(
      callbackFailure(
        200,
        '{"Entries":[{"ErrorCode":"MalformedDetail","ErrorMessage":"Detail is malformed."}],"FailedEntryCount":1}',
      ),
    ).toBe("callback's PutEvents reported 1 failed entry");
  });

  it.each([401, 403, 500, 503])('fails on HTTP %i', (status) => {
    expect(callbackFailure(status, '{"message":"x"}')).toBe(`callback answered HTTP ${status}`);
  });
});

describe('CarrierNotificationSchema', () => {
  it.each(['pending', 'cancelled'])('accepts a %s notification and ignores extra keys', (state) => {
    expect(CarrierNotificationSchema.safeParse({ order_id: ORDER_ID, state, reason: 'r', extra: 1 }).success).toBe(
      true,
    );
  });

  it.each([
    ['a shipped order', { order_id: ORDER_ID, state: 'shipped', reason: 'r' }],
    ['an unknown state', { order_id: ORDER_ID, state: 'lost', reason: 'r' }],
    ['no order id', { state: 'pending', reason: 'r' }],
    ['an order id that is not a UUID', { order_id: 'o-1', state: 'pending', reason: 'r' }],
    ['no reason', { order_id: ORDER_ID, state: 'pending' }],
  ])('refuses %s', (_label, body) => {
    expect(CarrierNotificationSchema.safeParse(body).success).toBe(false);
  });
});

describe('IdempotencyKeyHeaderSchema', () => {
  it('accepts an event id', () => {
    expect(IdempotencyKeyHeaderSchema.safeParse('e4d1a6b2-7c0f-4f5e-a3b8-6d9c2e1f0a47').success).toBe(true);
  });

  it.each([undefined, '', 'two words', 'k'.repeat(256), 'ключ'])('refuses %j', (key) => {
    expect(IdempotencyKeyHeaderSchema.safeParse(key).success).toBe(false);
  });
});
