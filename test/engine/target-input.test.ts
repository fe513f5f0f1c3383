import { ValidationException } from '../../local/engine/errors';
import {
  RenderResult,
  renderTargetInput,
  resolveJsonPathValue,
  TargetInputConfig,
  TargetInputContext,
  validateTargetInput,
} from '../../local/engine/target-input';
import { EngineCase, eventFor, loadCases } from './engine-cases';

type Expected =
  | { ok: true; body: string }
  | { ok: false; errorCode: string }
  | { error: string; message: string }
  | { valid: true }
  | { value: string };

interface TargetInputCase extends EngineCase {
  op: 'render' | 'validate' | 'resolve';
  event?: unknown;
  context?: TargetInputContext;
  config?: TargetInputConfig;
  targetId?: string;
  value?: string;
  expected: Expected;
}

const cases = loadCases<TargetInputCase>('target-input.json');

describe('renderTargetInput (Input, InputPath, InputTransformer)', () => {
  it.each(cases.filter((c) => c.op === 'render').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const event = eventFor(c.event);
    const before = JSON.stringify(event);

    // Act
    const result: RenderResult = renderTargetInput(
      c.config as TargetInputConfig,
      event,
      c.context as TargetInputContext,
    );

    // Assess
    if ('body' in c.expected) {
      expect(result).toEqual({ ok: true, body: c.expected.body });
    } else {
      expect(result.ok).toBe(false);
      expect(result).toMatchObject({ errorCode: (c.expected as { errorCode: string }).errorCode });
      expect((result as { errorMessage: string }).errorMessage.length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(event)).toBe(before); // the event is not mutated
  });
});

describe('validateTargetInput (PutTargets)', () => {
  it.each(cases.filter((c) => c.op === 'validate').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const act = () => validateTargetInput(c.targetId as string, c.config as TargetInputConfig);

    // Act / Assess
    if ('valid' in c.expected) {
      expect(act).not.toThrow();
      return;
    }
    const expected = c.expected as { error: string; message: string };
    let thrown: unknown;
    try {
      act();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationException);
    expect((thrown as Error).name).toBe(expected.error);
    expect((thrown as Error).message).toBe(expected.message);
  });
});

describe('resolveJsonPathValue (HttpParameters, Pipes EventBridge parameters)', () => {
  it.each(cases.filter((c) => c.op === 'resolve').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const event = eventFor(c.event);

    // Act
    const value = resolveJsonPathValue(event, c.value as string);

    // Assess
    expect(value).toBe((c.expected as { value: string }).value);
  });
});
