import { readCustomerRequest, TAMPERED_REQUEST } from '../../../handlers/customer-request';

describe('readCustomerRequest', () => {
  it("returns the subject and the body of an intact customer route's detail", () => {
    expect(readCustomerRequest({ customerId: 'c-1', body: { a: 1 }, customerIdRepeated: 'c-1' })).toEqual({
      ok: true,
      customerId: 'c-1',
      body: { a: 1 },
    });
  });

  it.each([
    ['copies that differ', { customerId: 'c-1', body: {}, customerIdRepeated: 'c-2' }],
    ['an extra member', { customerId: 'c-1', body: {}, customerIdRepeated: 'c-1', customerIdX: 'c-2' }],
    ['no body', { customerId: 'c-1', customerIdRepeated: 'c-1' }],
    ['an empty subject (no claim mapped)', { customerId: '', body: {}, customerIdRepeated: '' }],
    ['a subject with #', { customerId: 'a#b', body: {}, customerIdRepeated: 'a#b' }],
    ['a subject over 255 chars', { customerId: 'x'.repeat(256), body: {}, customerIdRepeated: 'x'.repeat(256) }],
    ['a bare upload (no wrapper)', { customer: { id: 'c-1' } }],
    ['not an object', 'text'],
  ])('refuses %s, keeping the body when there is one', (_label, detail) => {
    // Act
    const result = readCustomerRequest(detail);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toContain(TAMPERED_REQUEST);
    expect(result.body).toEqual(typeof detail === 'object' ? (detail as { body?: unknown }).body : undefined);
  });
});
