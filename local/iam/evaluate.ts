/**
 * AWS's policy evaluation for a request inside one account, pure:
 * - every request is denied unless a policy allows it (implicit deny);
 * - an explicit Deny in any applicable policy wins over every Allow;
 * - within one account, identity-based and resource-based policies are a union: an Allow in either suffices.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
 * (SCPs, RCPs, permissions boundaries and session policies do not exist on this stack and are not modelled.)
 */
import { evaluateCondition } from './conditions';
import { ContextValue, ContextValues, matchesAction, matchesArn } from './patterns';
import type { NormalizedStatement, Policy, PolicyKind } from './policy';

/** Who is calling. */
export type Caller =
  /** A role session: the role's credentials as a service or a function uses them. */
  | { type: 'role'; roleArn: string; sessionName: string }
  /** A service acting as itself (its service principal), as when it calls through a resource policy. */
  | { type: 'service'; service: string }
  /** Nobody: an unauthenticated caller (a Function URL with auth type NONE). */
  | { type: 'anonymous' };

export interface Request {
  caller: Caller;
  action: string;
  resource: string;
  /** Condition keys the request carries (global `aws:` keys and service keys); names are case-insensitive. */
  context?: Record<string, ContextValue>;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface StatementRef {
  policy: string;
  kind: PolicyKind;
  sid?: string;
}

export interface Evaluation {
  decision: Decision;
  /** The statements that allowed the request (Allow) or denied it (ExplicitDeny). */
  statements: StatementRef[];
}

/** `arn:aws:iam::123456789012:role/path/name` → `{ account, name }`. */
export function parseRoleArn(roleArn: string): { partition: string; account: string; name: string } | undefined {
  const m = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return m ? { partition: m[1], account: m[2], name: m[3] } : undefined;
}

/** The ARN a role session presents: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
export function sessionArn(roleArn: string, sessionName: string): string {
  const role = parseRoleArn(roleArn);
  if (!role) throw new Error(`not a role ARN: ${roleArn}`);
  return `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
}

/** The global keys AWS adds for the caller itself (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType...). */
function callerContext(caller: Caller): Record<string, ContextValue> {
  switch (caller.type) {
    case 'role': {
      const role = parseRoleArn(caller.roleArn);
      return {
        'aws:principalarn': caller.roleArn,
        'aws:principaltype': 'AssumedRole',
        'aws:userid': `${role?.name ?? ''}:${caller.sessionName}`,
        ...(role ? { 'aws:principalaccount': role.account } : {}),
      };
    }
    case 'service':
      return { 'aws:principalservicename': caller.service, 'aws:principalisawsservice': 'true' };
    case 'anonymous':
      return { 'aws:principaltype': 'Anonymous' };
  }
}

export function requestContext(request: Request): ContextValues {
  const map = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(callerContext(request.caller))) map.set(key, value);
  for (const [key, value] of Object.entries(request.context ?? {})) map.set(key.toLowerCase(), value);
  return map;
}

type PrincipalMatch = 'yes' | 'account' | 'no';

/**
 * Does a Principal element name the caller? A role session matches its role ARN or its session ARN; naming the
 * account (`123456789012` or `arn:aws:iam::123456789012:root`) only delegates to the account's identity policies,
 * so it grants nothing by itself within the account.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
function principalMatches(element: Record<string, string[]> | '*', caller: Caller): PrincipalMatch {
  if (element === '*') return 'yes';
  const aws = element.AWS ?? [];
  if (aws.includes('*')) return 'yes';
  if (caller.type === 'service')
    return (element.Service ?? []).some((s) => s.toLowerCase() === caller.service.toLowerCase()) ? 'yes' : 'no';
  if (caller.type === 'role') {
    const role = parseRoleArn(caller.roleArn);
    if (aws.includes(caller.roleArn) || aws.includes(sessionArn(caller.roleArn, caller.sessionName))) return 'yes';
    if (role && (aws.includes(role.account) || aws.includes(`arn:${role.partition}:iam::${role.account}:root`)))
      return 'account';
  }
  return 'no';
}

function matchesAny(patterns: readonly string[], test: (pattern: string) => boolean): boolean {
  return patterns.some(test);
}

/** Does the statement apply to the request (principal aside)? */
function statementApplies(
  statement: NormalizedStatement,
  request: Request,
  context: ContextValues,
  variables: ContextValues | undefined,
): boolean {
  if (statement.action && !matchesAny(statement.action, (p) => matchesAction(p, request.action))) return false;
  if (statement.notAction && matchesAny(statement.notAction, (p) => matchesAction(p, request.action))) return false;
  if (statement.resource && !matchesAny(statement.resource, (p) => matchesArn(p, request.resource, variables)))
    return false;
  if (statement.notResource && matchesAny(statement.notResource, (p) => matchesArn(p, request.resource, variables)))
    return false;
  return evaluateCondition(statement.condition, context, variables);
}

function principalOf(statement: NormalizedStatement, caller: Caller): PrincipalMatch {
  if (statement.principal) return principalMatches(statement.principal, caller);
  if (statement.notPrincipal) return principalMatches(statement.notPrincipal, caller) === 'no' ? 'yes' : 'no';
  return 'yes';
}

/**
 * Evaluate a request against the identity policies of the calling role (none for a service or anonymous caller)
 * and the resource policy of the resource (none for most resources).
 */
export function evaluate(
  request: Request,
  identityPolicies: readonly Policy[],
  resourcePolicies: readonly Policy[],
): Evaluation {
  const context = requestContext(request);
  // Identity policies apply only to a role session; a service or anonymous caller has none.
  const applicable = [...(request.caller.type === 'role' ? identityPolicies : []), ...resourcePolicies];
  const denies: StatementRef[] = [];
  const allows: StatementRef[] = [];
  for (const policy of applicable) {
    const variables = policy.version === '2012-10-17' ? context : undefined;
    for (const statement of policy.statements) {
      const principal = policy.kind === 'resource' ? principalOf(statement, request.caller) : 'yes';
      if (principal === 'no') continue;
      if (!statementApplies(statement, request, context, variables)) continue;
      const ref: StatementRef = {
        policy: policy.name,
        kind: policy.kind,
        ...(statement.sid ? { sid: statement.sid } : {}),
      };
      if (statement.effect === 'Deny') denies.push(ref);
      else if (principal === 'yes') allows.push(ref);
    }
  }
  if (denies.length > 0) return { decision: 'ExplicitDeny', statements: denies };
  if (allows.length > 0) return { decision: 'Allow', statements: allows };
  return { decision: 'ImplicitDeny', statements: [] };
}
