/**
 * The Condition element: operators, `...IfExists`, `Null`, and the set qualifiers `ForAnyValue:` / `ForAllValues:`.
 * Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
 * - operators in a block are ANDed, keys under an operator are ANDed, values for one key are ORed
 *   (for a negated operator, NORed: the key must match none of them);
 * - a key absent from the request makes the condition false, except for negated operators (true), `...IfExists`
 *   (true) and `Null` (which tests exactly that);
 * - ForAllValues is true when every request value matches (and when the key is absent or empty);
 *   ForAnyValue is true when at least one request value matches (false when absent).
 * Date, IP address and binary operators are not used on this stack's paths and are refused when a policy is parsed.
 */
import { ContextValue, ContextValues, matchesArn, matchesPattern } from './patterns';

type Base = 'String' | 'Numeric' | 'Bool' | 'Arn';
interface OperatorSpec {
  base: Base;
  negated: boolean;
  test: (policyValue: string, requestValue: string, variables: ContextValues | undefined) => boolean;
}

function numeric(compare: (a: number, b: number) => boolean) {
  return (policyValue: string, requestValue: string): boolean => {
    const p = Number(policyValue);
    const r = Number(requestValue);
    return (
      policyValue.trim() !== '' &&
      requestValue.trim() !== '' &&
      Number.isFinite(p) &&
      Number.isFinite(r) &&
      compare(r, p)
    );
  };
}

const stringEquals = (p: string, r: string, v?: ContextValues) =>
  matchesPattern(p, r, { wildcards: false, variables: v });
const stringEqualsIgnoreCase = (p: string, r: string, v?: ContextValues) =>
  matchesPattern(p, r, { wildcards: false, ignoreCase: true, variables: v });
const stringLike = (p: string, r: string, v?: ContextValues) => matchesPattern(p, r, { wildcards: true, variables: v });
const arnLike = (p: string, r: string, v?: ContextValues) => matchesArn(p, r, v);
const numEquals = numeric((r, p) => r === p);

const OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: { base: 'String', negated: false, test: stringEquals },
  StringNotEquals: { base: 'String', negated: true, test: stringEquals },
  StringEqualsIgnoreCase: { base: 'String', negated: false, test: stringEqualsIgnoreCase },
  StringNotEqualsIgnoreCase: { base: 'String', negated: true, test: stringEqualsIgnoreCase },
  StringLike: { base: 'String', negated: false, test: stringLike },
  StringNotLike: { base: 'String', negated: true, test: stringLike },
  NumericEquals: { base: 'Numeric', negated: false, test: numEquals },
  NumericNotEquals: { base: 'Numeric', negated: true, test: numEquals },
  NumericLessThan: { base: 'Numeric', negated: false, test: numeric((r, p) => r < p) },
  NumericLessThanEquals: { base: 'Numeric', negated: false, test: numeric((r, p) => r <= p) },
  NumericGreaterThan: { base: 'Numeric', negated: false, test: numeric((r, p) => r > p) },
  NumericGreaterThanEquals: { base: 'Numeric', negated: false, test: numeric((r, p) => r >= p) },
  Bool: { base: 'Bool', negated: false, test: (p, r) => p.toLowerCase() === r.toLowerCase() },
  // ArnEquals and ArnLike behave alike: both compare part by part with wildcards.
  ArnEquals: { base: 'Arn', negated: false, test: arnLike },
  ArnLike: { base: 'Arn', negated: false, test: arnLike },
  ArnNotEquals: { base: 'Arn', negated: true, test: arnLike },
  ArnNotLike: { base: 'Arn', negated: true, test: arnLike },
};

interface ParsedOperator {
  qualifier?: 'ForAnyValue' | 'ForAllValues';
  name: string;
  ifExists: boolean;
}

function parseOperator(operator: string): ParsedOperator | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$/.exec(operator);
  if (!m) return undefined;
  const name = m[2];
  if (name !== 'Null' && !(name in OPERATORS)) return undefined;
  if (name === 'Null' && (m[3] || m[1])) return undefined;
  return { qualifier: m[1] as ParsedOperator['qualifier'], name, ifExists: m[3] !== undefined };
}

export function isKnownConditionOperator(operator: string): boolean {
  return parseOperator(operator) !== undefined;
}

function asList(value: ContextValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

/** One operator on one key: does the request satisfy it? */
export function evaluateConditionKey(
  operator: string,
  policyValues: readonly string[],
  requestValue: ContextValue | undefined,
  variables?: ContextValues,
): boolean {
  const parsed = parseOperator(operator);
  if (!parsed) throw new Error(`unsupported condition operator ${operator}`);
  const values = asList(requestValue);
  const present = values !== undefined && values.length > 0;
  if (parsed.name === 'Null') {
    // "true": the key must be absent; "false": it must be present.
    return policyValues.some((p) => (p.toLowerCase() === 'true' ? !present : present));
  }
  const spec = OPERATORS[parsed.name];
  // A negated operator holds for a request value that matches none of the policy values.
  const holdsFor = (requestItem: string): boolean => {
    const anyMatch = policyValues.some((p) => spec.test(p, requestItem, variables));
    return spec.negated ? !anyMatch : anyMatch;
  };
  if (parsed.qualifier === 'ForAllValues') return !present || values.every(holdsFor);
  if (parsed.qualifier === 'ForAnyValue') return present && values.some(holdsFor);
  if (!present) return parsed.ifExists || spec.negated;
  return values.some(holdsFor);
}

/** A whole Condition block (already normalised: operator → key → values). Keys are looked up case-insensitively. */
export function evaluateCondition(
  condition: Record<string, Record<string, string[]>>,
  context: ContextValues,
  variables?: ContextValues,
): boolean {
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) =>
      evaluateConditionKey(operator, values, context.get(key.toLowerCase()), variables),
    ),
  );
}
