/**
 * One permission check against the model: the decision, AWS's denial message, why (in AWS's terms: which
 * statement came close and which condition key the request lacked), and the statement that would allow it.
 * This is what the local cloud calls on every hop (see docs/iam.md).
 */
import { evaluateCondition } from './conditions';
import { Evaluation, Request, evaluate, requestContext } from './evaluate';
import { accessDeniedMessage, callerArn } from './messages';
import type { IamModel } from './model';
import { resourcePoliciesFor } from './model';
import { matchesAction, matchesArn } from './patterns';
import type { Policy, PolicyStatement } from './policy';

export interface Fix {
  /** Where the statement goes: a role's identity policy, a role's trust policy, a resource's policy. */
  where: string;
  statement: PolicyStatement;
}

export interface Authorization {
  allowed: boolean;
  evaluation: Evaluation;
  /** AWS's denial message (absent when allowed). */
  message?: string;
  /** Why it was denied, naming the statements and keys involved. */
  reasons: string[];
  fix?: Fix;
}

function policiesFor(model: IamModel, request: Request): { identity: Policy[]; resource: Policy[]; reasons: string[] } {
  const reasons: string[] = [];
  let identity: Policy[] = [];
  if (request.caller.type === 'role') {
    const role = model.roles.get(request.caller.roleArn);
    if (role) identity = role.identity;
    else reasons.push(`the role ${request.caller.roleArn} is not in the stack`);
  }
  let resource: Policy[];
  if (request.action.toLowerCase() === 'sts:assumerole') {
    const role = model.roles.get(request.resource);
    if (!role) reasons.push(`the role ${request.resource} is not in the stack`);
    resource = role?.trust ? [role.trust] : [];
  } else {
    resource = resourcePoliciesFor(model, request.resource);
  }
  return { identity, resource, reasons };
}

/** Statements that name the action and resource (and principal) but whose conditions fail: the likely culprits. */
function nearMisses(policies: readonly Policy[], request: Request): string[] {
  const context = requestContext(request);
  const reasons: string[] = [];
  for (const policy of policies) {
    for (const s of policy.statements) {
      if (s.effect !== 'Allow') continue;
      if (s.action && !s.action.some((a) => matchesAction(a, request.action))) continue;
      if (s.notAction && s.notAction.some((a) => matchesAction(a, request.action))) continue;
      if (s.resource && !s.resource.some((r) => matchesArn(r, request.resource))) continue;
      if (policy.kind === 'resource' && s.principal && s.principal !== '*') {
        const caller = request.caller;
        const names =
          caller.type === 'service'
            ? (s.principal.Service ?? [])
            : caller.type === 'role'
              ? (s.principal.AWS ?? [])
              : [];
        const wanted = caller.type === 'service' ? caller.service : caller.type === 'role' ? caller.roleArn : '*';
        if (!names.some((n) => n === '*' || n.toLowerCase() === wanted.toLowerCase())) continue;
      }
      const label = `statement ${s.sid ?? '(no Sid)'} of ${policy.name}`;
      for (const [operator, keys] of Object.entries(s.condition)) {
        for (const [key, values] of Object.entries(keys)) {
          if (
            evaluateCondition(
              { [operator]: { [key]: values } },
              context,
              policy.version === '2012-10-17' ? context : undefined,
            )
          )
            continue;
          const actual = context.get(key.toLowerCase());
          reasons.push(
            actual === undefined
              ? `${label} requires ${key} (${operator}), which ${callerArn(request.caller)} does not send on this hop`
              : `${label} requires ${key} ${operator} ${JSON.stringify(values)}, but the request carries ${JSON.stringify(actual)}`,
          );
        }
      }
    }
  }
  return reasons;
}

/** The statement that would allow the request, conditioned only on keys the caller actually sends. */
function fixFor(request: Request, roleTrust: boolean): Fix {
  const caller = request.caller;
  if (caller.type === 'role') {
    return {
      where: `an identity policy of ${caller.roleArn}`,
      statement: { Effect: 'Allow', Action: request.action, Resource: request.resource },
    };
  }
  const condition: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (Array.isArray(value)) continue;
    const operator =
      key.toLowerCase() === 'aws:sourcearn'
        ? 'ArnEquals'
        : key.toLowerCase().startsWith('lambda:invokedvia')
          ? 'Bool'
          : 'StringEquals';
    condition[operator] = { ...(condition[operator] ?? {}), [key]: value };
  }
  const statement: PolicyStatement = {
    Effect: 'Allow',
    Principal: caller.type === 'service' ? { Service: caller.service } : '*',
    Action: request.action,
    ...(roleTrust ? {} : { Resource: request.resource }),
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
  return {
    where: roleTrust ? `the trust policy of ${request.resource}` : `the resource policy of ${request.resource}`,
    statement,
  };
}

export function authorize(model: IamModel, request: Request): Authorization {
  const { identity, resource, reasons } = policiesFor(model, request);
  const evaluation = evaluate(request, identity, resource);
  if (evaluation.decision === 'Allow') return { allowed: true, evaluation, reasons: [] };
  const message = accessDeniedMessage(request.caller, request.action, request.resource, evaluation);
  if (evaluation.decision === 'ExplicitDeny') {
    const denied = evaluation.statements.map((s) => `explicit deny: statement ${s.sid ?? '(no Sid)'} of ${s.policy}`);
    return { allowed: false, evaluation, message, reasons: [...reasons, ...denied] };
  }
  const near = nearMisses([...(request.caller.type === 'role' ? identity : []), ...resource], request);
  const none =
    near.length === 0
      ? [`no statement allows ${request.action} on ${request.resource} for ${callerArn(request.caller)}`]
      : [];
  return {
    allowed: false,
    evaluation,
    message,
    reasons: [...reasons, ...near, ...none],
    fix: fixFor(request, request.action.toLowerCase() === 'sts:assumerole'),
  };
}
