import { checkDepth, checkPutEventsEntries, jsonDepth } from '../../../../local/services/edge/eventbridge-input';

describe('EventBridge JSON input checks', () => {
  it.each([
    ['a null entry', [null], 'ValidationException'],
    ['a numeric Source', [{ Source: 1 }], 'SerializationException'],
    ['an object Detail', [{ Detail: {} }], 'SerializationException'],
    ['an object Time', [{ Time: {} }], 'SerializationException'],
    ['a numeric Resources', [{ Resources: 5 }], 'SerializationException'],
    ['a numeric resource', [{ Resources: [5] }], 'SerializationException'],
    ['a string entry', ['x'], 'SerializationException'],
  ])('refuses %s with a 400 %s', (_label, entries, code) => {
    // Act
    const run = (): void => checkPutEventsEntries(entries as unknown[]);

    // Assess
    expect(run).toThrow(expect.objectContaining({ code, statusCode: 400 }));
  });

  it('accepts well-typed entries', () => {
    expect(() => checkPutEventsEntries([{ Source: 's', DetailType: 'd', Detail: '{}', Time: 1764000000, Resources: ['arn:x'] }])).not.toThrow();
  });

  it('measures depth without recursing, ignoring brackets inside strings', () => {
    expect(jsonDepth('{"a":["[[[{"]}')).toBe(2);
    expect(jsonDepth('['.repeat(5000) + ']'.repeat(5000))).toBe(5000);
  });

  it('refuses a 5,000-deep pattern with a 400', () => {
    const deep = '{"a":'.repeat(5000) + '["x"]' + '}'.repeat(5000);
    expect(() => checkDepth('EventPattern', deep)).toThrow(expect.objectContaining({ statusCode: 400 }));
    expect(() => checkDepth('EventPattern', '{"source":["x"]}')).not.toThrow();
  });
});
