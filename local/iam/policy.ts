/**
 * IAM policy documents as the evaluator reads them: parsed once, validated (unknown elements, effects and condition
 * operators are refused with a plain message, as IAM refuses them when the policy is created), and every
 * string-or-list element normalised to a list.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import { isKnownConditionOperator } from './conditions';

export type Effect = 'Allow' | 'Deny';

/** `Principal` as written: `"*"` or a map of principal type (AWS, Service, Federated, CanonicalUser) to values. */
export type PrincipalElement = '*' | Record<string, string | string[]>;

/** Operator → condition key → values, as written in the policy. */
export type ConditionElement = Record<
  string,
  Record<string, string | number | boolean | (string | number | boolean)[]>
>;

export interface PolicyStatement {
  Sid?: string;
  Effect: Effect;
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionElement;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/** A statement with every list element normalised, ready to evaluate. */
export interface NormalizedStatement {
  sid?: string;
  effect: Effect;
  principal?: Record<string, string[]> | '*';
  notPrincipal?: Record<string, string[]> | '*';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition: Record<string, Record<string, string[]>>;
}

/** Where a policy comes from, which decides how AWS evaluates it and how a denial names it. */
export type PolicyKind = 'identity' | 'resource';

export interface Policy {
  kind: PolicyKind;
  /** What the report calls it: a role policy's ARN-like name, a queue policy's queue ARN, a trust policy's role ARN. */
  name: string;
  /** Policy variables are substituted only in documents of this version; older documents read `${...}` literally. */
  version: string;
  statements: NormalizedStatement[];
}

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

function list(value: unknown, element: string, sid: string): string[] {
  const values = Array.isArray(value) ? value : [value];
  for (const v of values)
    if (typeof v !== 'string' || v === '')
      throw new PolicyError(`Statement ${sid}: ${element} must be a non-empty string or a list of them`);
  return values as string[];
}

function principalElement(value: unknown, element: string, sid: string): Record<string, string[]> | '*' {
  if (value === '*') return '*';
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicyError(`Statement ${sid}: ${element} must be "*" or an object`);
  const result: Record<string, string[]> = {};
  for (const [type, values] of Object.entries(value)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(type))
      throw new PolicyError(`Statement ${sid}: ${element} has an unknown principal type ${type}`);
    result[type] = list(values, `${element}.${type}`, sid);
  }
  return result;
}

function conditionElement(value: unknown, sid: string): Record<string, Record<string, string[]>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicyError(`Statement ${sid}: Condition must be an object`);
  const result: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!isKnownConditionOperator(operator))
      throw new PolicyError(`Statement ${sid}: unknown or unsupported condition operator ${operator}`);
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys))
      throw new PolicyError(`Statement ${sid}: Condition.${operator} must be an object`);
    const byKey: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys)) {
      const raw = Array.isArray(values) ? values : [values];
      byKey[key] = raw.map((v) => {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw new PolicyError(
          `Statement ${sid}: Condition.${operator}.${key} values must be strings, numbers or booleans`,
        );
      });
    }
    result[operator] = byKey;
  }
  return result;
}

function normalizeStatement(statement: unknown, index: number, kind: PolicyKind): NormalizedStatement {
  if (typeof statement !== 'object' || statement === null || Array.isArray(statement))
    throw new PolicyError(`Statement ${index} is not an object`);
  const s = statement as Record<string, unknown>;
  const sid = typeof s.Sid === 'string' ? s.Sid : String(index);
  for (const key of Object.keys(s))
    if (!STATEMENT_KEYS.has(key)) throw new PolicyError(`Statement ${sid}: unknown element ${key}`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
    throw new PolicyError(`Statement ${sid}: Effect must be Allow or Deny`);
  if ((s.Action === undefined) === (s.NotAction === undefined))
    throw new PolicyError(`Statement ${sid}: exactly one of Action and NotAction is required`);
  if (s.Resource !== undefined && s.NotResource !== undefined)
    throw new PolicyError(`Statement ${sid}: Resource and NotResource cannot both be given`);
  if (s.Principal !== undefined && s.NotPrincipal !== undefined)
    throw new PolicyError(`Statement ${sid}: Principal and NotPrincipal cannot both be given`);
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html: identity policies
  // name no principal; resource policies must.
  const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
  if (kind === 'identity' && hasPrincipal)
    throw new PolicyError(`Statement ${sid}: an identity-based policy cannot name a Principal`);
  if (kind === 'resource' && !hasPrincipal)
    throw new PolicyError(`Statement ${sid}: a resource-based policy must name a Principal`);
  if (kind === 'identity' && s.Resource === undefined && s.NotResource === undefined)
    throw new PolicyError(`Statement ${sid}: an identity-based policy needs Resource or NotResource`);
  return {
    ...(typeof s.Sid === 'string' ? { sid: s.Sid } : {}),
    effect: s.Effect,
    ...(s.Principal !== undefined ? { principal: principalElement(s.Principal, 'Principal', sid) } : {}),
    ...(s.NotPrincipal !== undefined ? { notPrincipal: principalElement(s.NotPrincipal, 'NotPrincipal', sid) } : {}),
    ...(s.Action !== undefined ? { action: list(s.Action, 'Action', sid) } : {}),
    ...(s.NotAction !== undefined ? { notAction: list(s.NotAction, 'NotAction', sid) } : {}),
    ...(s.Resource !== undefined ? { resource: list(s.Resource, 'Resource', sid) } : {}),
    ...(s.NotResource !== undefined ? { notResource: list(s.NotResource, 'NotResource', sid) } : {}),
    condition: conditionElement(s.Condition, sid),
  };
}

/** Parse and validate a policy document (JSON text or object). Throws PolicyError with the reason. */
export function parsePolicy(document: string | object, kind: PolicyKind, name: string): Policy {
  let doc: unknown = document;
  if (typeof document === 'string') {
    try {
      doc = JSON.parse(document);
    } catch {
      throw new PolicyError(`${name}: the policy is not valid JSON`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new PolicyError(`${name}: the policy is not a JSON object`);
  const { Version, Statement } = doc as Record<string, unknown>;
  if (Version !== undefined && Version !== '2012-10-17' && Version !== '2008-10-17')
    throw new PolicyError(`${name}: Version must be 2012-10-17 or 2008-10-17`);
  if (Statement === undefined) throw new PolicyError(`${name}: the policy has no Statement`);
  const statements = Array.isArray(Statement) ? Statement : [Statement];
  try {
    return {
      kind,
      name,
      version: typeof Version === 'string' ? Version : '2008-10-17',
      statements: statements.map((s, i) => normalizeStatement(s, i, kind)),
    };
  } catch (error) {
    if (error instanceof PolicyError) throw new PolicyError(`${name}: ${error.message}`);
    throw error;
  }
}

/** Every action a policy names (Action and NotAction alike), for catalogue checks. */
export function actionsNamed(policy: Policy): string[] {
  return policy.statements.flatMap((s) => [...(s.action ?? []), ...(s.notAction ?? [])]);
}
