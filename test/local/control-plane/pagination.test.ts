import { ControlPlaneError } from '../../../local/control-plane/errors';
import { paginate, PageRequest } from '../../../local/control-plane/pagination';

const request: PageRequest = { operation: 'ListThings', defaultLimit: 2, maxLimit: 3, limitMember: 'limit' };
const items = ['a', 'b', 'c', 'd', 'e'];

describe('paginate', () => {
  it('walks a list page by page with the token it hands out, and ends without one', () => {
    // Act
    const first = paginate(items, request);
    const second = paginate(items, { ...request, token: first.next });
    const third = paginate(items, { ...request, token: second.next });
    // Assess
    expect([first.items, second.items, third.items]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(third.next).toBeUndefined();
  });

  it('takes the page size from the request, as a number or a numeric string', () => {
    // Act
    const three = paginate(items, { ...request, limit: 3 });
    const one = paginate(items, { ...request, limit: '1' });
    // Assess
    expect(three.items).toEqual(['a', 'b', 'c']);
    expect(one.items).toEqual(['a']);
  });

  it('rejects a page size out of range with AWS validation wording', () => {
    // Act
    const tooBig = () => paginate(items, { ...request, limit: 4 });
    const zero = () => paginate(items, { ...request, limit: 0 });
    // Assess
    expect(tooBig).toThrow(
      "1 validation error detected: Value '4' at 'limit' failed to satisfy constraint: Member must have value between 1 and 3",
    );
    expect(zero).toThrow(ControlPlaneError);
  });

  it("rejects a token it did not hand out, or another list's, with the API's error", () => {
    // Prepare
    const other = paginate(items, { ...request, operation: 'ListOthers' }).next;
    // Act
    const foreign = () => paginate(items, { ...request, token: other });
    const garbage = () =>
      paginate(items, {
        ...request,
        token: 'not-a-token',
        invalidToken: () => new ControlPlaneError('InvalidParameterValueException', 'Invalid marker.'),
      });
    // Assess
    expect(foreign).toThrow('The NextToken provided is invalid.');
    expect(garbage).toThrow('Invalid marker.');
  });
});
