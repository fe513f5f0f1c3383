import { evaluateJsonPath, isValidJsonPath, JsonPathSyntaxError, parseJsonPath } from '../../local/engine/json-path';
import { EngineCase, loadCases } from './engine-cases';

interface JsonPathCase extends EngineCase {
  path: string;
  document?: unknown;
  expected: { found: true; value: unknown } | { found: false } | { error: string; reason: string };
}

const cases = loadCases<JsonPathCase>('json-path.json');

describe('JSONPath subset', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const expected = c.expected;

    // Act / Assess
    if ('error' in expected) {
      expect(isValidJsonPath(c.path)).toBe(false);
      expect(() => parseJsonPath(c.path)).toThrow(JsonPathSyntaxError);
      expect(() => parseJsonPath(c.path)).toThrow(
        expect.objectContaining({
          name: expected.error,
          reason: expected.reason,
          message: `Invalid JSON path ${c.path}: ${expected.reason}`,
        }),
      );
      return;
    }
    expect(isValidJsonPath(c.path)).toBe(true);
    expect(evaluateJsonPath(c.document, c.path)).toEqual(expected);
  });
});
