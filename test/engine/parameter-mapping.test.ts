import { ValidationException } from '../../local/engine/errors';
import {
  evaluateParameterMapping,
  HttpRequestContext,
  InvalidMappingExpressionError,
  validateParameterMapping,
} from '../../local/engine/parameter-mapping';
import { EngineCase, loadCases } from './engine-cases';

interface ParameterMappingCase extends EngineCase {
  op: 'evaluate' | 'validate';
  mapping: Record<string, string>;
  request: Partial<HttpRequestContext>;
  expected: { parameters: Record<string, string> } | { error: string; message: string } | { valid: true };
}

const cases = loadCases<ParameterMappingCase>('parameter-mapping.json');

function requestOf(partial: Partial<HttpRequestContext>): HttpRequestContext {
  return { body: '', headers: {}, query: {}, pathParameters: {}, context: {}, stageVariables: {}, ...partial };
}

describe('HTTP API parameter mapping', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const request = requestOf(c.request);
    const act =
      c.op === 'evaluate'
        ? () => evaluateParameterMapping(c.mapping, request)
        : () => validateParameterMapping(c.mapping);

    // Act / Assess
    if ('parameters' in c.expected) {
      expect(act()).toEqual(c.expected.parameters);
    } else if ('valid' in c.expected) {
      expect(act).not.toThrow();
    } else {
      expect(act).toThrow(InvalidMappingExpressionError);
      expect(act).toThrow(ValidationException);
      expect(act).toThrow(expect.objectContaining({ name: c.expected.error, message: c.expected.message }));
    }
  });
});
