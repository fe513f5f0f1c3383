/**
 * The IAM side of a resource graph: each role's identity policies and trust policy, and the resource policies of
 * functions (from `aws:lambda/permission:Permission`), queues, buses and CloudWatch Logs, all parsed once. Pure:
 * graph in, policies out; policies that do not parse are kept as problems, not thrown.
 */
import type { GraphResource, ResourceGraph } from '../model/graph';
import { Policy, PolicyError, PolicyStatement, parsePolicy } from './policy';

export const IamTypes = {
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  policy: 'aws:iam/policy:Policy',
  rolePolicyAttachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  permission: 'aws:lambda/permission:Permission',
  function: 'aws:lambda/function:Function',
  queue: 'aws:sqs/queue:Queue',
  queuePolicy: 'aws:sqs/queuePolicy:QueuePolicy',
  busPolicy: 'aws:cloudwatch/eventBusPolicy:EventBusPolicy',
  bus: 'aws:cloudwatch/eventBus:EventBus',
  logResourcePolicy: 'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
} as const;

export interface IamProblem {
  resource: string;
  message: string;
}

export interface RoleModel {
  arn: string;
  name: string;
  trust?: Policy;
  identity: Policy[];
}

export interface IamModel {
  account: string;
  region: string;
  partition: string;
  roles: Map<string, RoleModel>;
  /** Resource ARN → its resource policies. */
  resourcePolicies: Map<string, Policy[]>;
  /** CloudWatch Logs resource policies apply account-wide (their Resource elements pick the log groups). */
  logPolicies: Policy[];
  problems: IamProblem[];
}

function parseOrProblem(
  problems: IamProblem[],
  resource: GraphResource,
  document: unknown,
  kind: 'identity' | 'resource',
  name: string,
): Policy | undefined {
  if (document === undefined || document === null || document === '') {
    problems.push({ resource: resource.urn, message: `${name}: no policy document` });
    return undefined;
  }
  try {
    return parsePolicy(document as string | object, kind, name);
  } catch (error) {
    if (error instanceof PolicyError) {
      problems.push({ resource: resource.urn, message: error.message });
      return undefined;
    }
    throw error;
  }
}

function physical(resource: GraphResource): string {
  const name = resource.state.name;
  return typeof name === 'string' && name !== '' ? name : resource.name;
}

/** A function named by name, partial or full ARN (as `function` / `functionName` inputs may be). */
export function findFunction(graph: ResourceGraph, ref: string): GraphResource | undefined {
  const functions = graph.ofType(IamTypes.function);
  const name = ref.startsWith('arn:') ? ref.split(':')[6] : ref;
  return functions.find((f) => f.state.arn === ref || physical(f) === name);
}

/**
 * The resource-policy statement Lambda's AddPermission writes for one Permission, in the shape `GetPolicy` returns:
 * https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 */
export function permissionStatement(permission: Record<string, unknown>, functionArn: string): PolicyStatement {
  const principal = String(permission.principal ?? '');
  const principalElement: PolicyStatement['Principal'] =
    principal === '*'
      ? '*'
      : /^\d{12}$/.test(principal) || principal.startsWith('arn:')
        ? { AWS: principal }
        : { Service: principal };
  const condition: Record<string, Record<string, string>> = {};
  const put = (operator: string, key: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    condition[operator] = { ...(condition[operator] ?? {}), [key]: String(value) };
  };
  put('ArnLike', 'AWS:SourceArn', permission.sourceArn);
  put('StringEquals', 'AWS:SourceAccount', permission.sourceAccount);
  put('StringEquals', 'aws:PrincipalOrgID', permission.principalOrgId);
  put('StringEquals', 'lambda:FunctionUrlAuthType', permission.functionUrlAuthType);
  if (permission.invokedViaFunctionUrl === true || permission.invokedViaFunctionUrl === 'true')
    put('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
  put('StringEquals', 'lambda:EventSourceToken', permission.eventSourceToken);
  const qualifier = permission.qualifier;
  return {
    Sid: String(permission.statementId ?? 'permission'),
    Effect: 'Allow',
    Principal: principalElement,
    Action: String(permission.action ?? ''),
    Resource: typeof qualifier === 'string' && qualifier !== '' ? `${functionArn}:${qualifier}` : functionArn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

function addResourcePolicy(model: IamModel, arn: string, policy: Policy): void {
  const list = model.resourcePolicies.get(arn);
  if (list) list.push(policy);
  else model.resourcePolicies.set(arn, [policy]);
}

function roleFor(model: IamModel, ref: unknown): RoleModel | undefined {
  if (typeof ref !== 'string') return undefined;
  for (const role of model.roles.values()) if (role.arn === ref || role.name === ref) return role;
  return undefined;
}

export function buildIamModel(graph: ResourceGraph, account: string, region: string): IamModel {
  const model: IamModel = {
    account,
    region,
    partition: 'aws',
    roles: new Map(),
    resourcePolicies: new Map(),
    logPolicies: [],
    problems: [],
  };
  const { problems } = model;

  for (const role of graph.ofType(IamTypes.role)) {
    const arn = String(role.state.arn ?? '');
    const name = physical(role);
    const model_: RoleModel = {
      arn,
      name,
      identity: [],
      trust: parseOrProblem(problems, role, role.state.assumeRolePolicy, 'resource', `trust policy of ${arn}`),
    };
    // Inline policies declared on the role itself.
    for (const inline of (role.state.inlinePolicies ?? []) as { name?: string; policy?: string }[]) {
      const policy = inline.policy
        ? parseOrProblem(problems, role, inline.policy, 'identity', `${arn} (inline policy ${inline.name ?? ''})`)
        : undefined;
      if (policy) model_.identity.push(policy);
    }
    for (const managed of (role.state.managedPolicyArns ?? []) as string[]) {
      problems.push({
        resource: role.urn,
        message: `${arn}: managed policy ${managed} is not in the graph, so its grants are not known locally`,
      });
    }
    model.roles.set(arn, model_);
  }
  for (const rp of graph.ofType(IamTypes.rolePolicy)) {
    const role = roleFor(model, rp.state.role);
    if (!role) {
      problems.push({
        resource: rp.urn,
        message: `role policy ${rp.name}: its role ${String(rp.state.role)} is not in the graph`,
      });
      continue;
    }
    const policy = parseOrProblem(
      problems,
      rp,
      rp.state.policy,
      'identity',
      `${role.arn} (inline policy ${physical(rp)})`,
    );
    if (policy) role.identity.push(policy);
  }
  for (const attachment of graph.ofType(IamTypes.rolePolicyAttachment)) {
    const role = roleFor(model, attachment.state.role);
    const managed = graph.ofType(IamTypes.policy).find((p) => p.state.arn === attachment.state.policyArn);
    if (!role) continue;
    if (!managed) {
      problems.push({
        resource: attachment.urn,
        message: `${role.arn}: managed policy ${String(attachment.state.policyArn)} is not in the graph, so its grants are not known locally`,
      });
      continue;
    }
    const policy = parseOrProblem(problems, managed, managed.state.policy, 'identity', String(managed.state.arn));
    if (policy) role.identity.push(policy);
  }

  // Lambda resource policies: one statement per Permission, gathered per function.
  const statementsByFunction = new Map<string, PolicyStatement[]>();
  for (const permission of graph.ofType(IamTypes.permission)) {
    const fn = findFunction(graph, String(permission.state.function ?? ''));
    if (!fn) {
      problems.push({
        resource: permission.urn,
        message: `Lambda permission ${permission.name}: function ${String(permission.state.function)} is not in the graph`,
      });
      continue;
    }
    const arn = String(fn.state.arn);
    statementsByFunction.set(arn, [
      ...(statementsByFunction.get(arn) ?? []),
      permissionStatement(permission.state, arn),
    ]);
  }
  for (const [arn, statements] of statementsByFunction) {
    const policy = parseOrProblem(
      problems,
      graph.byArn(arn) as GraphResource,
      { Version: '2012-10-17', Statement: statements },
      'resource',
      `resource policy of ${arn}`,
    );
    if (policy) addResourcePolicy(model, arn, policy);
  }

  for (const qp of graph.ofType(IamTypes.queuePolicy)) {
    const queue = graph
      .ofType(IamTypes.queue)
      .find((q) => q.state.url === qp.state.queueUrl || q.id === qp.state.queueUrl);
    if (!queue) {
      problems.push({
        resource: qp.urn,
        message: `queue policy ${qp.name}: queue ${String(qp.state.queueUrl)} is not in the graph`,
      });
      continue;
    }
    const arn = String(queue.state.arn);
    const policy = parseOrProblem(problems, qp, qp.state.policy, 'resource', `queue policy of ${arn}`);
    if (policy) addResourcePolicy(model, arn, policy);
  }
  for (const queue of graph.ofType(IamTypes.queue)) {
    if (queue.state.policy) {
      const policy = parseOrProblem(
        problems,
        queue,
        queue.state.policy,
        'resource',
        `queue policy of ${String(queue.state.arn)}`,
      );
      if (policy) addResourcePolicy(model, String(queue.state.arn), policy);
    }
  }
  for (const bp of graph.ofType(IamTypes.busPolicy)) {
    const busName = String(bp.state.eventBusName ?? 'default');
    const arn = `arn:${model.partition}:events:${region}:${account}:event-bus/${busName}`;
    const policy = parseOrProblem(problems, bp, bp.state.policy, 'resource', `resource policy of ${arn}`);
    if (policy) addResourcePolicy(model, arn, policy);
  }
  for (const lp of graph.ofType(IamTypes.logResourcePolicy)) {
    const policy = parseOrProblem(
      problems,
      lp,
      lp.state.policyDocument,
      'resource',
      `CloudWatch Logs resource policy ${String(lp.state.policyName ?? lp.name)}`,
    );
    if (policy) model.logPolicies.push(policy);
  }
  return model;
}

/** The resource policies that apply to a resource ARN (log streams: the account's CloudWatch Logs policies). */
export function resourcePoliciesFor(model: IamModel, resourceArn: string): Policy[] {
  if (/^arn:[^:]+:logs:/.test(resourceArn)) return model.logPolicies;
  const direct = model.resourcePolicies.get(resourceArn) ?? [];
  // A function qualifier (`:alias`/`:version`) is covered by the function's policy too.
  const fn = /^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):.+$/.exec(resourceArn);
  return fn ? [...direct, ...(model.resourcePolicies.get(fn[1]) ?? [])] : direct;
}
