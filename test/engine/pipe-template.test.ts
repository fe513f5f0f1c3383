import { ValidationException } from '../../local/engine/errors';
import { PipeTemplateVariables, renderPipeTemplate, validatePipeTemplate } from '../../local/engine/pipe-template';
import { EngineCase, eventFor, loadCases } from './engine-cases';

interface PipeTemplateCase extends EngineCase {
  op: 'render' | 'validate';
  template: string;
  /** Name of a record in events.json. */
  record?: string;
  /** A payload that is not a JSON object (e.g. text an enrichment returned). */
  rawRecord?: string;
  vars?: PipeTemplateVariables;
  expected:
    | { ok: true; body: string }
    | { ok: false; errorCode: string }
    | { error: string; message: string }
    | { valid: true };
}

const cases = loadCases<PipeTemplateCase>('pipe-template.json');

describe('renderPipeTemplate', () => {
  it.each(cases.filter((c) => c.op === 'render').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const record = c.rawRecord !== undefined ? (c.rawRecord as unknown as object) : eventFor(c.record);

    // Act
    const result = renderPipeTemplate(c.template, record, c.vars as PipeTemplateVariables);

    // Assess
    if ('body' in c.expected) {
      expect(result).toEqual({ ok: true, body: c.expected.body });
    } else {
      expect(result).toMatchObject({ ok: false, errorCode: (c.expected as { errorCode: string }).errorCode });
    }
  });
});

describe('validatePipeTemplate (CreatePipe)', () => {
  it.each(cases.filter((c) => c.op === 'validate').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const act = () => validatePipeTemplate(c.template);

    // Act / Assess
    if ('valid' in c.expected) {
      expect(act).not.toThrow();
      return;
    }
    const expected = c.expected as { error: string; message: string };
    expect(act).toThrow(ValidationException);
    expect(act).toThrow(expect.objectContaining({ name: expected.error, message: expected.message }));
  });
});
