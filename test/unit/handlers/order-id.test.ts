import { isOrderId } from '../../../handlers/order-id';

describe('isOrderId', () => {
  it.each(['6a7e8feb-b491-4cf7-a9f1-bf3703467718', '6A7E8FEB-B491-4CF7-A9F1-BF3703467718'])('accepts %s', (id) => {
    expect(isOrderId(id)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'order-1',
    'idempotency#cust-0042#k',
    '6a7e8feb-b491-4cf7-a9f1-bf370346771',
    '6a7e8feb-b491-4cf7-a9f1-bf3703467718x',
    ' 6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  ])('refuses %j', (id) => {
    expect(isOrderId(id)).toBe(false);
  });
});
