import { elapsedMilliseconds, rejectionReasonClass } from '../../../handlers/business-metrics';

describe('rejectionReasonClass', () => {
  it.each([
    [[{ path: 'customer.email', message: 'Invalid email' }], 'customer'],
    [[{ path: 'document.pages', message: 'Too big' }], 'document'],
    [[{ path: 'copies', message: 'Too small' }], 'copies'],
    [[{ path: 'shippingAddress.lines[0]', message: 'Required' }], 'shippingAddress'],
    [[{ path: 'idempotencyKey', message: 'Too long' }], 'idempotencyKey'],
    [[{ path: '(root)', message: 'Expected object' }], 'body'],
    [[], 'body'],
    [[{ path: 'unknownKey', message: 'Unrecognized key' }], 'other'],
  ])('%j → %s', (errors, expected) => {
    expect(rejectionReasonClass(errors)).toBe(expected);
  });
});

describe('elapsedMilliseconds', () => {
  it('measures forward intervals', () => {
    expect(elapsedMilliseconds('2026-11-24T08:00:00Z', '2026-11-24T08:00:01.500Z')).toBe(1500);
  });
  it.each([
    ['not a time', '2026-11-24T08:00:00Z'],
    ['2026-11-24T08:00:00Z', 'not a time'],
    ['2026-11-24T09:00:00Z', '2026-11-24T08:00:00Z'],
  ])('is undefined for %s → %s', (from, to) => {
    expect(elapsedMilliseconds(from, to)).toBeUndefined();
  });
});
