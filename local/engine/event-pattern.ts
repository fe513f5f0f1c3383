/**
 * EventBridge event patterns: compile once (validate, build a matcher), match many times.
 *
 * This is the one matcher of the codebase: rules on a bus, Pipe filters, TestEventPattern on the edge endpoint and
 * the contract tests all use it. Semantics: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * and the pages it links (comparison operators, arrays, null values), summarised in docs/aws-behaviour.md#event-patterns.
 *
 * Files: event-pattern-json.ts (pattern text, Jackson-like syntax errors), event-pattern-compile.ts (validation and
 * compilation to branches), event-pattern-operators.ts (wildcard, CIDR, numeric), event-pattern-match.ts
 * (flattening events and matching).
 */
import { compileBranches, isPlainObject, type Branch, type PatternDialect } from './event-pattern-compile';
import { parsePatternText } from './event-pattern-json';
import { isPreparedEvent, matchBranches, prepareEvent, type PreparedEvent } from './event-pattern-match';
import { PatternReasonError } from './event-pattern-operators';
import { InvalidEventPatternException, ValidationException } from './errors';

export { InvalidEventPatternException, ValidationException } from './errors';
export { prepareEvent, type PreparedEvent } from './event-pattern-match';
export type { PatternDialect } from './event-pattern-compile';

export interface CompileEventPatternOptions {
  /**
   * `pipes` validates for EventBridge Pipes filter criteria, which reject the anything-but forms with prefix,
   * suffix, equals-ignore-case and wildcard (bus-only per eb-create-pattern-operators.html). Default `eventbridge`.
   */
  dialect?: PatternDialect;
}

export interface CompiledEventPattern {
  /**
   * Whether the event matches. `event` is a parsed JSON object (anything else never matches), or a PreparedEvent
   * from `prepareEvent` when one event is matched against many patterns.
   */
  matches(event: unknown): boolean;
}

class CompiledPattern implements CompiledEventPattern {
  constructor(private readonly branches: readonly Branch[]) {}

  matches(event: unknown): boolean {
    const prepared: PreparedEvent = isPreparedEvent(event) ? event : prepareEvent(event);
    return matchBranches(this.branches, prepared);
  }
}

/**
 * Validates and compiles a pattern, given as JSON text (as PutRule takes it) or as an object (as a Pulumi program
 * declares it). Throws InvalidEventPatternException with AWS's message for any invalid pattern.
 */
export function compileEventPattern(
  pattern: string | object,
  options: CompileEventPatternOptions = {},
): CompiledEventPattern {
  const dialect = options.dialect ?? 'eventbridge';
  let document: unknown = pattern;
  if (typeof pattern === 'string') {
    const parsed = parsePatternText(pattern);
    if (parsed.kind === 'not-object') throw new InvalidEventPatternException('Filter is not an object');
    document = parsed.value;
  }
  try {
    return new CompiledPattern(compileBranches(document, dialect));
  } catch (error) {
    if (error instanceof PatternReasonError) throw new InvalidEventPatternException(error.message);
    throw error;
  }
}

/** The fields TestEventPattern requires in its `Event` (docs/aws-behaviour.md#pattern-model [V]). */
const REQUIRED_ENVELOPE_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/**
 * AWS's TestEventPattern (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html):
 * the pattern is validated first (InvalidEventPatternException), then the event must be a JSON object carrying the
 * envelope fields id, account, source, time, region and detail-type, else ValidationException
 * `Parameter Event is not valid.`.
 *
 * [I] decision: only the presence of the envelope fields is checked, not their types or formats.
 */
export function testEventPattern(pattern: string | object, event: string | object): boolean {
  const compiled = compileEventPattern(pattern);
  let parsed: unknown = event;
  if (typeof event === 'string') {
    try {
      parsed = JSON.parse(event);
    } catch {
      throw new ValidationException('Parameter Event is not valid.');
    }
  }
  if (
    !isPlainObject(parsed) ||
    REQUIRED_ENVELOPE_FIELDS.some((f) => !Object.prototype.hasOwnProperty.call(parsed, f))
  ) {
    throw new ValidationException('Parameter Event is not valid.');
  }
  return compiled.matches(parsed);
}
