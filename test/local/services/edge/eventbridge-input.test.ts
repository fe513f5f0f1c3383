import { checkDepth, jsonDepth } from '../../../../local/services/edge/eventbridge-input';

describe('EventBridge free-form JSON depth checks', () => {
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
