/**
 * Validating an event pattern and compiling it into branches of leaf conditions.
 *
 * The model (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html, docs/aws-behaviour.md#pattern-model):
 * a pattern is an object whose keys either descend (an object value) or end in a leaf (an array of matchers). Both
 * the pattern and the event are flattened to dotted paths, so `{"a":{"b":[..]}}` and `{"a.b":[..]}` are one leaf.
 * Leaves are AND-ed, matchers within a leaf are OR-ed, and `$or` forks the pattern into alternative branches.
 * The result is disjunctive normal form: a list of branches, each a list of leaf conditions; a pattern matches when
 * one branch has every condition satisfied.
 *
 * Validation walks the pattern in document order and stops at the first error, as event-ruler's JsonRuleCompiler
 * does, with its reason texts (docs/aws-behaviour.md#invalid-patterns). Texts marked "our choice" are for cases AWS documents no
 * message for.
 */
import {
  cidrMatcher,
  numericMatcher,
  parseCidr,
  parseIp,
  parseNumeric,
  parseWildcard,
  reject,
  sameIp,
  wildcardMatcher,
} from './event-pattern-operators';

/** A leaf value in a flattened event. */
export type Scalar = string | number | boolean | null;

export type ValueTest = (value: Scalar) => boolean;

/** One leaf of one branch: the path and what the values found there must satisfy. */
export interface LeafCondition {
  /** Dotted path, e.g. `detail.state`. */
  readonly path: string;
  /** True when a value at the path satisfies one of the leaf's matchers; undefined when the leaf holds only
   * `{"exists": false}`, which no value satisfies. */
  readonly test: ValueTest | undefined;
  /** The leaf holds `{"exists": false}`: it is also satisfied when no value exists at the path. */
  readonly absentOk: boolean;
  /** Rough evaluation cost, so cheap and selective leaves run first. */
  readonly cost: number;
}

export type Branch = readonly LeafCondition[];

export type PatternDialect = 'eventbridge' | 'pipes';

/**
 * AWS documents that the combinations of `$or` branches in one pattern may not exceed 1000
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-complex-example-or).
 * We count the branches of the disjunctive normal form, which is that product.
 */
export const MAX_OR_COMBINATIONS = 1000;

/** Keys that are operators, not field names, and so cannot name a field inside `$or` (event-ruler's list). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const OR_KEY = '$or';

type MutableBranch = Map<string, LeafCondition>;

/**
 * Validates `pattern` (already parsed from JSON, or a plain object) and compiles it to branches.
 * Throws PatternReasonError with AWS's reason.
 */
export function compileBranches(pattern: unknown, dialect: PatternDialect): Branch[] {
  if (!isPlainObject(pattern)) reject('Filter is not an object');
  const compiler = new BranchCompiler(dialect);
  const branches: MutableBranch[] = [];
  compiler.object(pattern, '', branches, false);
  return branches.map((b) => [...b.values()].sort(byCost));
}

/** Cheap leaves first; `exists:false` leaves last (the matcher relies on that order for array consistency). */
function byCost(a: LeafCondition, b: LeafCondition): number {
  return Number(a.absentOk) - Number(b.absentOk) || a.cost - b.cost;
}

class BranchCompiler {
  constructor(private readonly dialect: PatternDialect) {}

  /** A pattern object: each key descends, ends in a leaf, or (`$or`) forks the branches. */
  object(node: Record<string, unknown>, prefix: string, branches: MutableBranch[], insideOr: boolean): void {
    const keys = Object.keys(node);
    if (keys.length === 0) reject('Empty objects are not allowed');
    for (const key of keys) {
      const value = node[key];
      if (key === OR_KEY) {
        this.or(value, prefix, branches);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(key)) {
        reject(`${key} is Ruler reserved fieldName which cannot be used inside ${OR_KEY}.`);
      }
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (Array.isArray(value)) {
        const leaf = this.leaf(path, value);
        if (branches.length === 0) branches.push(new Map());
        // Same flattened path twice in one branch (`a.b` and `a:{b}`): the later one wins, as in event-ruler.
        for (const branch of branches) branch.set(path, leaf);
      } else if (isPlainObject(value)) {
        this.object(value, path, branches, insideOr);
      } else {
        reject(`"${key}" must be an object or an array`);
      }
    }
  }

  /** `"$or": [ {...}, {...} ]`: every branch so far is copied into each alternative. */
  private or(value: unknown, prefix: string, branches: MutableBranch[]): void {
    if (!Array.isArray(value)) reject(`It must be an Array followed with ${OR_KEY}.`);
    const before = branches.splice(0, branches.length);
    for (const alternative of value) {
      if (!isPlainObject(alternative)) reject(`Only JSON object is allowed in array of ${OR_KEY} relationship.`);
      const forked = before.length === 0 ? [new Map<string, LeafCondition>()] : before.map((b) => new Map(b));
      this.object(alternative, prefix, forked, true);
      branches.push(...forked);
      if (branches.length > MAX_OR_COMBINATIONS) {
        // Our choice of text: AWS documents the limit, not its message.
        reject(
          `Rule is too complex - the ${OR_KEY} relationships produce more than ${MAX_OR_COMBINATIONS} combinations`,
        );
      }
    }
    if (value.length < 2) reject(`There must have at least 2 Objects in ${OR_KEY} relationship.`);
  }

  /** A leaf: an array of matchers, OR-ed. Exact values go to one Set; the rest become predicates. */
  private leaf(path: string, matchers: unknown[]): LeafCondition {
    if (matchers.length === 0) reject('Empty arrays are not allowed');
    const exact = new Set<Scalar>();
    const predicates: ValueTest[] = [];
    let absentOk = false;
    let anyValue = false;
    let cost = 0;
    for (const m of matchers) {
      if (m === null || typeof m === 'string' || typeof m === 'boolean') {
        exact.add(m);
        const ip = typeof m === 'string' ? parseIp(m) : undefined;
        if (ip !== undefined) {
          // [ER] event-ruler compiles an exact string that is an IP address to an address match, so another
          // spelling of the same address matches too (`2001:db8::1` and `2001:DB8:0:0:0:0:0:1`).
          predicates.push((v) => typeof v === 'string' && sameIp(ip, v));
          cost += 4;
        }
      } else if (typeof m === 'number') {
        // Numbers compare by value: a Set uses SameValueZero, so 300, 300.0, 3e2 and -0/0 are one key
        // (docs/aws-behaviour.md#pattern-model [V]). A string never equals a number because the Set keeps types apart.
        exact.add(m);
      } else if (isPlainObject(m)) {
        const expression = this.matchExpression(m);
        if (expression.kind === 'exists') {
          if (expression.exists) anyValue = true;
          else absentOk = true;
        } else {
          predicates.push(expression.test);
          cost += expression.cost;
        }
      } else {
        reject('Match value must be String, number, true, false, or null');
      }
    }
    return { path, test: buildTest(exact, predicates, anyValue), absentOk, cost: cost + (exact.size > 0 ? 1 : 0) };
  }

  /** One `{ "<operator>": ... }` object inside a leaf array. */
  private matchExpression(m: Record<string, unknown>): MatchExpression {
    const keys = Object.keys(m);
    if (keys.length === 0) reject('Match expression name not found');
    const [op] = keys;
    const arg = m[op];
    const expression = this.operator(op, arg);
    // event-ruler reads the operator's value first, then insists the object ends. numeric and the value forms of
    // anything-but (a value, a list, equals-ignore-case) share one message there; every other operator has its own.
    if (keys.length > 1) {
      const valueForm =
        op === 'numeric' || (op === 'anything-but' && !isPlainObjectWith(arg, ['prefix', 'suffix', 'wildcard']));
      reject(valueForm ? 'Too many elements in numeric expression' : 'Only one key allowed in match expression');
    }
    return expression;
  }

  private operator(op: string, arg: unknown): MatchExpression {
    switch (op) {
      case 'prefix':
        return stringOperator(
          'prefix',
          arg,
          (p) => (s) => s.startsWith(p),
          (p) => (s) => s.toLowerCase().startsWith(p),
        );
      case 'suffix':
        return stringOperator(
          'suffix',
          arg,
          (p) => (s) => s.endsWith(p),
          (p) => (s) => s.toLowerCase().endsWith(p),
        );
      case 'equals-ignore-case': {
        if (typeof arg !== 'string') reject('equals-ignore-case match pattern must be a string');
        const lower = arg.toLowerCase();
        return predicate((v) => typeof v === 'string' && v.toLowerCase() === lower, 2);
      }
      case 'wildcard': {
        if (typeof arg !== 'string') reject('wildcard match pattern must be a string');
        const match = wildcardMatcher(parseWildcard(arg));
        return predicate((v) => typeof v === 'string' && match(v), 3);
      }
      case 'numeric': {
        if (!Array.isArray(arg)) reject('Value of numeric must be an array.');
        const inRange = numericMatcher(parseNumeric(arg));
        // Only JSON numbers: strings such as DynamoDB's {"N":"42"} never match (docs/aws-behaviour.md#pattern-operators [V]).
        return predicate((v) => typeof v === 'number' && inRange(v), 1);
      }
      case 'exists':
        // [I] decision: exists:true holds for a null value too: null is a leaf value, not an absence (event-ruler
        // flattens it like any literal; docs/aws-behaviour.md#null-empty-string-and-exists marks this [ER/I]).
        if (typeof arg !== 'boolean') reject('exists match pattern must be either true or false.');
        return { kind: 'exists', exists: arg };
      case 'cidr': {
        // (sic) event-ruler reuses the prefix text here (docs/aws-behaviour.md#invalid-patterns [V]).
        if (typeof arg !== 'string') reject('prefix match pattern must be a string');
        const inBlock = cidrMatcher(parseCidr(arg));
        return predicate((v) => typeof v === 'string' && inBlock(v), 4);
      }
      case 'anything-but':
        return this.anythingBut(arg);
      default:
        reject(`Unrecognized match type ${op}`);
    }
  }

  /**
   * anything-but, every form. Semantics shared by all forms (docs/aws-behaviour.md#pattern-operators [V]): a missing field never
   * matches (the matcher sees no value), `null` always matches, and a value of another type than the operand
   * always matches (a number is "anything but" a string prefix).
   */
  private anythingBut(arg: unknown): MatchExpression {
    if (typeof arg === 'string' || typeof arg === 'number') {
      const excluded = new Set<Scalar>([arg]);
      return predicate((v) => !excluded.has(v), 1);
    }
    if (Array.isArray(arg)) {
      let strings = 0;
      let numbers = 0;
      for (const item of arg) {
        if (typeof item === 'string') strings++;
        else if (typeof item === 'number') numbers++;
        else reject('Inside anything but list, start|null|boolean is not supported.');
      }
      if (strings > 0 === numbers > 0) {
        reject('Inside anything but list, either all values are number or string, mixed type is not supported');
      }
      const excluded = new Set<Scalar>(arg as Scalar[]);
      return predicate((v) => !excluded.has(v), 1);
    }
    if (!isPlainObject(arg)) reject('Value of anything-but must be an array or single string/number value.');
    const keys = Object.keys(arg);
    if (keys.length === 0) reject('Anything-But expression name not found');
    const [op] = keys;
    if (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case' && op !== 'wildcard') {
      reject(`Unsupported anything-but pattern: ${op}`);
    }
    if (this.dialect === 'pipes') {
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html and the "Pipe
      // support" column of eb-create-pattern-operators.html: these anything-but forms are bus-only.
      reject(
        `anything-but with ${op} is not supported in EventBridge Pipes filter patterns; use anything-but with a value or a list of values`,
      );
    }
    const operand = arg[op];
    const values = this.anythingButOperands(op, operand);
    if (keys.length > 1) reject('Only one key allowed in match expression');
    const excludes = anythingButPredicate(op, values);
    return predicate((v) => typeof v !== 'string' || !excludes(v), 2);
  }

  /** The string operands of anything-but's object forms: one string or a non-empty list of strings. */
  private anythingButOperands(op: string, operand: unknown): string[] {
    const list = Array.isArray(operand) ? operand : [operand];
    if (Array.isArray(operand) && operand.length === 0) reject('Empty arrays are not allowed'); // our choice of text
    if (op === 'equals-ignore-case') {
      if (isPlainObject(operand)) reject('Value of anything-but must be an array or single string/number value.');
      for (const item of list) {
        if (typeof item === 'string') continue;
        // (sic) event-ruler spells the list variant "numberic".
        reject(
          Array.isArray(operand)
            ? 'Inside anything-but/equals-ignore-case list, numberic|start|null|boolean is not supported.'
            : 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
        );
      }
      return list as string[];
    }
    if (op === 'wildcard') {
      for (const item of list) if (typeof item !== 'string') reject('wildcard match pattern must be a string');
      return list as string[];
    }
    // prefix / suffix: no nested operator, no empty operand.
    if (isPlainObject(operand)) reject('Value of anything-but must be an array or single string/number value.');
    for (const item of list) {
      if (typeof item !== 'string') reject('prefix/suffix match pattern must be a string');
      if (item === '') reject('Null prefix/suffix not allowed');
    }
    return list as string[];
  }
}

type MatchExpression = { kind: 'exists'; exists: boolean } | { kind: 'predicate'; test: ValueTest; cost: number };

function predicate(test: ValueTest, cost: number): MatchExpression {
  return { kind: 'predicate', test, cost };
}

/**
 * prefix / suffix: a string, or `{"equals-ignore-case": "<string>"}` for the case-insensitive form
 * (eb-create-pattern-operators.html, "Prefix matching while ignoring case"). Strings only: `""` matches every
 * string but not numbers or null (docs/aws-behaviour.md#pattern-operators [V]).
 */
function stringOperator(
  op: 'prefix' | 'suffix',
  arg: unknown,
  exact: (operand: string) => (s: string) => boolean,
  ignoringCase: (lowerOperand: string) => (s: string) => boolean,
): MatchExpression {
  if (typeof arg === 'string') {
    const test = exact(arg);
    return predicate((v) => typeof v === 'string' && test(v), 1);
  }
  if (isPlainObject(arg) && Object.keys(arg)[0] === 'equals-ignore-case') {
    const operand = arg['equals-ignore-case'];
    if (typeof operand !== 'string') reject('equals-ignore-case match pattern must be a string');
    if (Object.keys(arg).length > 1) reject('Only one key allowed in match expression');
    const test = ignoringCase(operand.toLowerCase());
    return predicate((v) => typeof v === 'string' && test(v), 2);
  }
  reject(`${op} match pattern must be a string`);
}

/** The exclusion test of anything-but's object forms, for string values. */
function anythingButPredicate(op: string, operands: string[]): (s: string) => boolean {
  switch (op) {
    case 'prefix':
      return (s) => operands.some((p) => s.startsWith(p));
    case 'suffix':
      return (s) => operands.some((p) => s.endsWith(p));
    case 'equals-ignore-case': {
      const lowered = new Set(operands.map((o) => o.toLowerCase()));
      return (s) => lowered.has(s.toLowerCase());
    }
    default: {
      const matchers = operands.map((w) => wildcardMatcher(parseWildcard(w)));
      return (s) => matchers.some((m) => m(s));
    }
  }
}

/** Combines a leaf's exact values and predicates into one test, specialised for the common shapes. */
function buildTest(exact: Set<Scalar>, predicates: ValueTest[], anyValue: boolean): ValueTest | undefined {
  if (anyValue) return () => true;
  const hasExact = exact.size > 0;
  if (predicates.length === 0) {
    if (!hasExact) return undefined;
    if (exact.size === 1) {
      const [only] = exact;
      return (v) => v === only;
    }
    return (v) => exact.has(v);
  }
  if (predicates.length === 1) {
    const [p] = predicates;
    return hasExact ? (v) => exact.has(v) || p(v) : p;
  }
  return (v) => (hasExact && exact.has(v)) || predicates.some((p) => p(v));
}

function isPlainObjectWith(value: unknown, firstKeys: string[]): boolean {
  return isPlainObject(value) && firstKeys.includes(Object.keys(value)[0]);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
