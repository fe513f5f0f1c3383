import type { BusEvent, ConfirmShipmentInput } from '../../../handlers/contract';
import {
  BusEventEnvelopeSchema,
  CancellationRequestedDetailSchema,
  ConfirmShipmentInputSchema,
} from '../../../handlers/event-schemas';
import { loadEvent } from './helpers';

describe('BusEventEnvelopeSchema', () => {
  it('accepts a captured EventBridge event', () => {
    expect(BusEventEnvelopeSchema.safeParse(loadEvent('order-uploaded.json')).success).toBe(true);
  });

  it('refuses an event without an id', () => {
    // Prepare
    const event: Partial<BusEvent> = loadEvent<BusEvent>('order-uploaded.json');
    delete event.id;

    // Act / Assess
    expect(BusEventEnvelopeSchema.safeParse(event).success).toBe(false);
  });
});

describe('CancellationRequestedDetailSchema', () => {
  it('accepts the fixture detail', () => {
    expect(
      CancellationRequestedDetailSchema.safeParse(
        loadEvent<BusEvent<{ body: unknown }>>('cancellation-requested.json').detail.body,
      ).success,
    ).toBe(true);
  });

  it.each([
    ['a blank reason', { orderId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', reason: '  ' }],
    ['a reason over 300 chars', { orderId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', reason: 'r'.repeat(301) }],
    ['an order id that is not a UUID', { orderId: 'o-1', reason: 'x' }],
    ['an unknown key', { orderId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', reason: 'x', force: true }],
    ['no reason', { orderId: '6a7e8feb-b491-4cf7-a9f1-bf3703467718' }],
  ])('refuses %s', (_label, detail) => {
    expect(CancellationRequestedDetailSchema.safeParse(detail).success).toBe(false);
  });
});

describe('ConfirmShipmentInputSchema', () => {
  const input = (): ConfirmShipmentInput => loadEvent<ConfirmShipmentInput>('confirm-shipment-input.json');

  it('accepts the fixture input', () => {
    expect(ConfirmShipmentInputSchema.safeParse(input()).success).toBe(true);
  });

  it('accepts empty shippedAt and trackingNumber (missing paths render as "")', () => {
    expect(ConfirmShipmentInputSchema.safeParse({ ...input(), shippedAt: '', trackingNumber: '' }).success).toBe(true);
  });

  it.each([
    ['a shippedAt over 64 chars', { shippedAt: '2'.repeat(65) }],
    ['a confirmedAt that is empty', { confirmedAt: '' }],
    ['a tracking number with a control character', { trackingNumber: 'TRK\n1' }],
    ['a tracking number over 64 chars', { trackingNumber: 'T'.repeat(65) }],
    ['an order id that is not a UUID', { orderId: 'o-1' }],
  ])('refuses %s', (_label, change) => {
    expect(ConfirmShipmentInputSchema.safeParse({ ...input(), ...change }).success).toBe(false);
  });
});
