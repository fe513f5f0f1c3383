/**
 * CloudWatch Logs' filter-pattern syntax (FilterLogEvents, metric and subscription filters, Live Tail) as a pure
 * matcher: compile once, then `matches(message)`.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 *
 * Supported, as documented there:
 * - empty pattern: every event;
 * - terms (unstructured events): `ERROR`, `"quoted phrase"`, `?optional` (any of them), `-excluded`; terms are
 *   case-sensitive; every plain term must appear, no excluded term may appear, and when optional terms are given
 *   at least one must appear. A term is matched as a substring of the message [assumption: AWS tokenises words;
 *   for the ids and words this project searches for, a substring of a whole word is not a case that differs];
 * - `%regex%`: a regular expression with the documented character set (no groups `(`/`)`);
 * - JSON (`{ ... }`): selectors `$.a.b`, `$.a[0]`, `$.['key.with.dots']`, comparisons `=` `!=` (strings, with `*`
 *   wildcards, numbers, `%regex%`), `<` `<=` `>` `>=` (numbers), `IS TRUE|FALSE|NULL`, `EXISTS`, `NOT EXISTS`,
 *   `&&` binding tighter than `||`, parentheses. A message that is not JSON never matches a JSON pattern;
 * - space-delimited (`[ip, user, ..., status=4*, size>1000]`): fields split on spaces, `"..."` and `[...]` each
 *   one field, `...` for any number of fields, conditions with the JSON pattern's operators and `&&`/`||`.
 *
 * A pattern AWS would refuse is an `InvalidParameterException` (HTTP 400), AWS's error for FilterLogEvents, with
 * the messages AWS is seen to answer: `Invalid filter pattern` (github.com/aws/aws-toolkit-jetbrains/issues/3219;
 * ours adds the reason after a colon), `If a filter pattern starts with '{' it must end with '}'`
 * (github.com/jorgebastida/awslogs/issues/210) and `Invalid character(s) in term '<term>'`
 * (github.com/dougmoscrop/serverless-plugin-log-subscription/issues/47).
 */
import { EngineError } from './errors';

/** AWS: `InvalidParameterException`, "A parameter is specified incorrectly." (API_FilterLogEvents, Errors). */
export class InvalidParameterException extends EngineError {
  override readonly name = 'InvalidParameterException';
}

export interface CompiledFilterPattern {
  readonly source: string;
  readonly kind: 'all' | 'terms' | 'regex' | 'json' | 'delimited';
  matches(message: string): boolean;
}

function invalid(pattern: string, reason: string): InvalidParameterException {
  return new InvalidParameterException(`Invalid filter pattern: ${reason} (pattern: ${pattern})`);
}

// The documented regex alphabet: alphanumerics, the symbols : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \ * + .
// plus the space a phrase needs.
const REGEX_ALLOWED = /^[A-Za-z0-9:_#=@/;,\- ^$?[\]{}|\\*+.]*$/;

function compileRegex(body: string, pattern: string): RegExp {
  if (!REGEX_ALLOWED.test(body))
    throw invalid(
      pattern,
      'a regular expression may only use alphanumerics, the symbols :_#=@/;,- and the operators ^$?[]{}|\\*+.',
    );
  try {
    return new RegExp(body);
  } catch (error) {
    throw invalid(pattern, `bad regular expression: ${(error as Error).message}`);
  }
}

export function compileFilterPattern(pattern: string | undefined | null): CompiledFilterPattern {
  const source = pattern ?? '';
  const text = source.trim();
  if (text === '') return { source, kind: 'all', matches: () => true };
  if (text.startsWith('{')) {
    if (!text.endsWith('}'))
      throw new InvalidParameterException("If a filter pattern starts with '{' it must end with '}'");
    const parser = new ExpressionParser(text.slice(1, -1), source, 'json');
    const test = parser.parseAll();
    return {
      source,
      kind: 'json',
      matches: (message) => {
        const json = parseJsonMessage(message);
        return json !== NOT_JSON && test((selector) => select(json, selector));
      },
    };
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw invalid(source, 'a space-delimited pattern must end with ]');
    return compileDelimited(text.slice(1, -1), source);
  }
  if (text.length > 1 && text.startsWith('%') && text.endsWith('%')) {
    const regex = compileRegex(text.slice(1, -1), source);
    return { source, kind: 'regex', matches: (message) => regex.test(message) };
  }
  return compileTerms(text, source);
}

/** True when `message` matches `pattern` (compiles each time; compile once for many messages). */
export function testFilterPattern(pattern: string, message: string): boolean {
  return compileFilterPattern(pattern).matches(message);
}

// ---------------------------------------------------------------------------------------------------------------
// Terms

function compileTerms(text: string, source: string): CompiledFilterPattern {
  const required: string[] = [];
  const optional: string[] = [];
  const excluded: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i += 1;
      continue;
    }
    let prefix = '';
    if (text[i] === '?' || text[i] === '-') {
      prefix = text[i];
      i += 1;
    }
    let term: string;
    if (text[i] === '"') {
      const end = closingQuote(text, i);
      if (end < 0) throw invalid(source, 'unterminated quoted term');
      term = text.slice(i + 1, end).replace(/\\(["\\])/g, '$1');
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i])) i += 1;
      term = text.slice(start, i);
      if (term.includes('"')) throw new InvalidParameterException(`Invalid character(s) in term '${term}'`);
    }
    if (term === '' && prefix !== '') throw invalid(source, `${prefix} must be followed by a term`);
    (prefix === '?' ? optional : prefix === '-' ? excluded : required).push(term);
  }
  return {
    source,
    kind: 'terms',
    matches: (message) =>
      required.every((t) => message.includes(t)) &&
      !excluded.some((t) => t !== '' && message.includes(t)) &&
      (optional.length === 0 || optional.some((t) => message.includes(t))),
  };
}

function closingQuote(text: string, open: number): number {
  for (let j = open + 1; j < text.length; j += 1) {
    if (text[j] === '\\') j += 1;
    else if (text[j] === '"') return j;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON

const NOT_JSON = Symbol('not-json');
const MISSING = Symbol('missing');
type Selected = unknown | typeof MISSING;

function parseJsonMessage(message: string): unknown {
  const trimmed = message.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return NOT_JSON;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return NOT_JSON;
  }
}

type Step = string | number;

function select(root: unknown, steps: Step[]): Selected {
  let current: unknown = root;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return MISSING;
      current = current[step];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, step))
        return MISSING;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

type Lookup = (selector: Step[]) => Selected;
type Test = (lookup: Lookup) => boolean;
type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

interface Value {
  text: string;
  quoted: boolean;
  regex?: RegExp;
}

function wildcardRegex(text: string): RegExp {
  return new RegExp(
    `^${text
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** One comparison of a selected (or extracted) value against the pattern's value. */
function compare(actual: Selected, op: Operator, value: Value): boolean {
  if (actual === MISSING) return false;
  if (op === '=' || op === '!=') {
    let equal: boolean;
    if (value.regex) equal = typeof actual === 'string' && value.regex.test(actual);
    else if (typeof actual === 'number')
      equal = !value.quoted && NUMBER.test(value.text) && actual === Number(value.text);
    else if (typeof actual === 'string')
      equal = value.text.includes('*') ? wildcardRegex(value.text).test(actual) : actual === value.text;
    else equal = false;
    return op === '=' ? equal : !equal;
  }
  const number =
    typeof actual === 'number'
      ? actual
      : typeof actual === 'string' && NUMBER.test(actual)
        ? Number(actual)
        : undefined;
  if (number === undefined || value.quoted || !NUMBER.test(value.text)) return false;
  const expected = Number(value.text);
  return op === '<'
    ? number < expected
    : op === '<='
      ? number <= expected
      : op === '>'
        ? number > expected
        : number >= expected;
}

/**
 * `&&` / `||` / parentheses over conditions; the condition grammar depends on the dialect: JSON (`$.a.b = v`,
 * `IS NULL`, `EXISTS`, ...) or space-delimited (`field = v`, field names resolved by the caller).
 */
class ExpressionParser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly pattern: string,
    private readonly dialect: 'json' | 'delimited',
    private readonly resolveField: (name: string) => Step[] = () => [],
  ) {}

  parseAll(): Test {
    const test = this.parseOr();
    this.skip();
    if (this.i < this.text.length) throw invalid(this.pattern, `unexpected "${this.text.slice(this.i, this.i + 10)}"`);
    return test;
  }

  private skip(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i += 1;
  }

  private eat(token: string): boolean {
    this.skip();
    if (this.text.startsWith(token, this.i)) {
      this.i += token.length;
      return true;
    }
    return false;
  }

  private parseOr(): Test {
    const tests = [this.parseAnd()];
    while (this.eat('||')) tests.push(this.parseAnd());
    return tests.length === 1 ? tests[0] : (lookup) => tests.some((t) => t(lookup));
  }

  private parseAnd(): Test {
    const tests = [this.parseUnary()];
    while (this.eat('&&')) tests.push(this.parseUnary());
    return tests.length === 1 ? tests[0] : (lookup) => tests.every((t) => t(lookup));
  }

  private parseUnary(): Test {
    if (this.eat('(')) {
      const inner = this.parseOr();
      if (!this.eat(')')) throw invalid(this.pattern, 'missing )');
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): Test {
    this.skip();
    const selector = this.dialect === 'json' ? this.parseSelector() : this.resolveField(this.parseName());
    this.skip();
    const rest = this.text.slice(this.i);
    if (this.dialect === 'json') {
      const keyword = /^(IS\s+(TRUE|FALSE|NULL)|NOT\s+EXISTS|EXISTS)\b/i.exec(rest);
      if (keyword) {
        this.i += keyword[0].length;
        const word = keyword[0].toUpperCase().replace(/\s+/g, ' ');
        if (word === 'EXISTS') return (lookup) => lookup(selector) !== MISSING;
        if (word === 'NOT EXISTS') return (lookup) => lookup(selector) === MISSING;
        if (word === 'IS NULL') return (lookup) => lookup(selector) === null;
        const flag = word === 'IS TRUE';
        return (lookup) => lookup(selector) === flag;
      }
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(rest);
    if (!op)
      throw invalid(this.pattern, `expected a comparison operator after the selector, found "${rest.slice(0, 10)}"`);
    this.i += op[0].length;
    const value = this.parseValue();
    const operator = op[0] as Operator;
    if (operator !== '=' && operator !== '!=' && (value.quoted || value.regex || !NUMBER.test(value.text))) {
      throw invalid(this.pattern, `${operator} compares numbers only`);
    }
    return (lookup) => compare(lookup(selector), operator, value);
  }

  private parseName(): string {
    const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(this.text.slice(this.i));
    if (!match) throw invalid(this.pattern, 'expected a field name');
    this.i += match[0].length;
    return match[0];
  }

  private parseSelector(): Step[] {
    if (this.text[this.i] !== '$') throw invalid(this.pattern, 'a JSON property selector starts with $');
    this.i += 1;
    const steps: Step[] = [];
    for (;;) {
      const rest = this.text.slice(this.i);
      const bracketKey = /^\.?\[\s*'([^']*)'\s*\]/.exec(rest);
      const index = /^\[(\d+)\]/.exec(rest);
      const dotted = /^\.([A-Za-z0-9_$@-]+)/.exec(rest);
      if (bracketKey) {
        steps.push(bracketKey[1]);
        this.i += bracketKey[0].length;
      } else if (index) {
        steps.push(Number(index[1]));
        this.i += index[0].length;
      } else if (dotted) {
        steps.push(dotted[1]);
        this.i += dotted[0].length;
      } else break;
    }
    if (steps.length === 0) throw invalid(this.pattern, 'a JSON property selector needs a property ($.name)');
    return steps;
  }

  private parseValue(): Value {
    this.skip();
    const c = this.text[this.i];
    if (c === '"') {
      const end = closingQuote(this.text, this.i);
      if (end < 0) throw invalid(this.pattern, 'unterminated string');
      const text = this.text.slice(this.i + 1, end).replace(/\\(["\\])/g, '$1');
      this.i = end + 1;
      return { text, quoted: true };
    }
    if (c === '%') {
      const end = this.text.indexOf('%', this.i + 1);
      if (end < 0) throw invalid(this.pattern, 'unterminated regular expression');
      const body = this.text.slice(this.i + 1, end);
      this.i = end + 1;
      return { text: body, quoted: false, regex: compileRegex(body, this.pattern) };
    }
    const match = /^[^\s()&|"]+/.exec(this.text.slice(this.i));
    if (!match) throw invalid(this.pattern, 'expected a value');
    this.i += match[0].length;
    return { text: match[0], quoted: false };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Space-delimited

/** Splits a line into fields: spaces separate, `"..."` and `[...]` are one field each (without the brackets). */
export function splitDelimitedFields(message: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < message.length) {
    if (message[i] === ' ') {
      i += 1;
      continue;
    }
    const close = message[i] === '"' ? '"' : message[i] === '[' ? ']' : undefined;
    if (close) {
      const end = message.indexOf(close, i + 1);
      if (end >= 0) {
        fields.push(message.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    const start = i;
    while (i < message.length && message[i] !== ' ') i += 1;
    fields.push(message.slice(start, i));
  }
  return fields;
}

function compileDelimited(body: string, source: string): CompiledFilterPattern {
  const specs = body.split(',').map((s) => s.trim());
  if (specs.some((s) => s === '')) throw invalid(source, 'empty field in a space-delimited pattern');
  const names = specs.map((spec) => {
    if (spec === '...') return spec;
    const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(spec)?.[0];
    if (!name) throw invalid(source, `bad field "${spec}"`);
    return name;
  });
  const ellipses = names.filter((n) => n === '...').length;
  const tests: Test[] = [];
  specs.forEach((spec, index) => {
    if (spec === '...' || spec === names[index]) return;
    // A condition names its own field, or (after && / ||) another field of the pattern.
    const resolve = (name: string): Step[] => [names.indexOf(name) >= 0 ? names.indexOf(name) : index];
    tests.push(new ExpressionParser(spec, source, 'delimited', resolve).parseAll());
  });
  if (ellipses > 1) throw invalid(source, 'at most one ... per space-delimited pattern');
  return {
    source,
    kind: 'delimited',
    matches: (message) => {
      const fields = splitDelimitedFields(message);
      const at = names.indexOf('...');
      let aligned: (string | undefined)[];
      if (at < 0) {
        if (fields.length !== names.length) return false;
        aligned = fields;
      } else {
        const after = names.length - at - 1;
        if (fields.length < at + after) return false;
        aligned = [...fields.slice(0, at), undefined, ...fields.slice(fields.length - after)];
      }
      const lookup: Lookup = ([index]) => {
        const value = aligned[index as number];
        return value === undefined ? MISSING : value;
      };
      return tests.every((t) => t(lookup));
    },
  };
}
