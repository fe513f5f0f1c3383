import { consoleRulesFrom, ConsoleRulesError, quietLine } from '../../local/console-lines';

const rules = consoleRulesFrom({
  localCloud: { stateChanges: ['{ $.detail-type = "Thing Changed" }'], traceKeys: ['thingId'] },
});
const at = '2026-01-01T12:00:00.000Z';

describe('the quiet console', () => {
  it('prints a state change as one line: the detail-type and the short fields of the detail', () => {
    const event = JSON.stringify({
      'detail-type': 'Thing Changed',
      source: 's',
      detail: { thingId: 't-1', state: 'done', nested: { a: 1 }, long: 'x'.repeat(100) },
    });
    expect(quietLine(`${at} /aws/events/bus ${event}`, rules)).toBe(
      `${at} /aws/events/bus Thing Changed: thingId=t-1 state=done`,
    );
  });

  it('prints a failure with the trace command to run, and nothing for lifecycle or info lines', () => {
    expect(quietLine(`${at} fn-dev {"level":"ERROR","message":"It broke","thingId":"t-2"}`, rules)).toBe(
      `${at} fn-dev ERROR It broke  → npm run trace -- t-2`,
    );
    expect(quietLine(`${at} fn-dev {"level":"WARN","message":"Odd","detail":{"thingId":"t-3"}}`, rules)).toContain(
      'npm run trace -- t-3',
    );
    expect(quietLine(`${at} fn-dev 2026-01-01T12:00:00.000Z\tabc\tERROR\tUncaught`, rules)).toContain('Uncaught');
    expect(quietLine(`${at} fn-dev REPORT RequestId: abc Duration: 3 ms Status: timeout`, rules)).toBeDefined();
    expect(quietLine(`${at} local-cloud [eventbridge] delivery error: boom`, rules)).toBeDefined();
    for (const quiet of [
      'START RequestId: abc Version: $LATEST',
      'END RequestId: abc',
      'REPORT RequestId: abc Duration: 3 ms',
      '{"level":"INFO","message":"Thing captured","thingId":"t"}',
    ])
      expect(quietLine(`${at} fn-dev ${quiet}`, rules)).toBeUndefined();
    expect(
      quietLine(`${at} /aws/events/bus ${JSON.stringify({ 'detail-type': 'Other', detail: {} })}`, rules),
    ).toBeUndefined();
  });

  it('has no state changes without a localCloud section, and refuses a bad pattern with its key', () => {
    const none = consoleRulesFrom({});
    expect(
      quietLine(`${at} /aws/events/bus ${JSON.stringify({ 'detail-type': 'Thing Changed' })}`, none),
    ).toBeUndefined();
    expect(() => consoleRulesFrom({ localCloud: { stateChanges: ['{ $.x = '] } })).toThrow(ConsoleRulesError);
    expect(() => consoleRulesFrom({ localCloud: { traceKeys: 'id' } })).toThrow(
      'localCloud.traceKeys must be an array of strings',
    );
  });
});
