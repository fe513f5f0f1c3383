/**
 * IAM's read-only control plane (the query protocol: `Action=GetRole&Version=2010-05-08&…`, XML answers), answered
 * from the graph: roles, their inline policies (aws:iam/rolePolicy:RolePolicy and a role's `inlinePolicies`) and
 * attached managed policies. Policy documents are URL-encoded as AWS returns them
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html).
 */
import { ControlPlaneError, MUTATING_VERBS } from './errors';
import { paginate } from './pagination';
import { Input, Output, ServiceDefinition } from './service';
import { compact, ControlPlaneStack, GraphResource, num, physicalName, sortedOfType, str } from './stack';

const ROLE = 'aws:iam/role:Role';
const ROLE_POLICY = 'aws:iam/rolePolicy:RolePolicy';
const ATTACHMENT = 'aws:iam/rolePolicyAttachment:RolePolicyAttachment';

/** RFC 3986 percent-encoding: encodeURIComponent plus the sub-delimiters it leaves alone. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** IAM lists: `MaxItems` 1..1000, 100 by default, `Marker` + `IsTruncated` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRolePolicies.html). */
function page<T>(all: T[], input: Input, operation: string) {
  const { items, next } = paginate(all, {
    token: input.Marker,
    limit: input.MaxItems,
    operation,
    defaultLimit: 100,
    maxLimit: 1000,
    limitMember: 'maxItems',
  });
  return { items, truncated: { IsTruncated: next !== undefined, ...(next ? { Marker: next } : {}) } };
}

function roleName(ref: unknown): string {
  const s = String(ref ?? '');
  return s.startsWith('arn:') ? s.slice(s.lastIndexOf('/') + 1) : s;
}

function findRole(stack: ControlPlaneStack, input: Input): GraphResource {
  const name = String(input.RoleName ?? '');
  const role = stack.graph.ofType(ROLE).find((r) => physicalName(r) === name);
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html: NoSuchEntity, "The role with name X cannot be found."
  if (!role) throw new ControlPlaneError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
  return role;
}

function policyText(policy: unknown): string {
  return typeof policy === 'string' ? policy : JSON.stringify(policy);
}

/** Inline policies of a role, by name: separate RolePolicy resources and the role's own `inlinePolicies`. */
function inlinePolicies(stack: ControlPlaneStack, role: GraphResource): Map<string, string> {
  const name = physicalName(role);
  const policies = new Map<string, string>();
  for (const inline of (role.state.inlinePolicies ?? []) as { name?: string; policy?: unknown }[]) {
    if (str(inline.name) && inline.policy !== undefined) policies.set(String(inline.name), policyText(inline.policy));
  }
  for (const policy of stack.graph.ofType(ROLE_POLICY)) {
    if (roleName(policy.state.role) === name) policies.set(physicalName(policy), policyText(policy.state.policy));
  }
  return new Map([...policies.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function roleOutput(stack: ControlPlaneStack, role: GraphResource): Output {
  const s = role.state;
  const tags = Object.entries((s.tags ?? {}) as Record<string, string>).map(([Key, Value]) => ({ Key, Value }));
  return compact({
    Path: str(s.path) ?? '/',
    RoleName: physicalName(role),
    RoleId: String(s.uniqueId ?? role.id),
    Arn: String(s.arn),
    CreateDate: stack.startedAt.toISOString(),
    AssumeRolePolicyDocument: s.assumeRolePolicy !== undefined ? rfc3986(policyText(s.assumeRolePolicy)) : undefined,
    Description: str(s.description),
    // One hour unless declared (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
    MaxSessionDuration: num(s.maxSessionDuration) ?? 3600,
    PermissionsBoundary: str(s.permissionsBoundary)
      ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: s.permissionsBoundary }
      : undefined,
    Tags: tags.length > 0 ? tags : undefined,
    RoleLastUsed: {},
  });
}

export const IAM: ServiceDefinition = {
  name: 'iam',
  refuses: (operation) => MUTATING_VERBS.test(operation),
  refusalCode: 'AccessDenied',
  operations: {
    ListRoles(stack, input) {
      const prefix = str(input.PathPrefix) ?? '/';
      const roles = sortedOfType(stack.graph, ROLE).filter((r) => (str(r.state.path) ?? '/').startsWith(prefix));
      const { items, truncated } = page(roles, input, 'ListRoles');
      return { Roles: items.map((r) => roleOutput(stack, r)), ...truncated };
    },
    GetRole(stack, input) {
      return { Role: roleOutput(stack, findRole(stack, input)) };
    },
    ListRolePolicies(stack, input) {
      const names = [...inlinePolicies(stack, findRole(stack, input)).keys()];
      const { items, truncated } = page(names, input, 'ListRolePolicies');
      return { PolicyNames: items, ...truncated };
    },
    GetRolePolicy(stack, input) {
      const role = findRole(stack, input);
      const name = String(input.PolicyName ?? '');
      const document = inlinePolicies(stack, role).get(name);
      if (document === undefined)
        throw new ControlPlaneError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
      return { RoleName: physicalName(role), PolicyName: name, PolicyDocument: rfc3986(document) };
    },
    ListAttachedRolePolicies(stack, input) {
      const role = findRole(stack, input);
      const attached = stack.graph
        .ofType(ATTACHMENT)
        .filter((a) => roleName(a.state.role) === physicalName(role))
        .map((a) => String(a.state.policyArn))
        .sort()
        .map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn }));
      const { items, truncated } = page(attached, input, 'ListAttachedRolePolicies');
      return { AttachedPolicies: items, ...truncated };
    },
  },
};
