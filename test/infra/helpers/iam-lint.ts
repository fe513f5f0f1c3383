/**
 * The least-privilege linter the IAM test applies to every policy document the stack declares. Pure: it takes a
 * parsed document and says what is wrong with it.
 */

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Actions AWS documents as not supporting resource-level permissions, for which `"Resource": "*"` is the only
 * option (Service Authorization Reference). The stack uses none of them today; an entry here must cite its page.
 */
export const ACTIONS_WITHOUT_RESOURCE_TYPES: readonly string[] = [];

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Problems of an identity or resource policy: wildcard actions, NotAction/NotResource, `*` resources. */
export function permissionProblems(doc: { Statement?: Statement[] }, where: string): string[] {
  const problems: string[] = [];
  const statements = doc.Statement ?? [];
  if (statements.length === 0) problems.push(`${where}: no statements`);
  for (const s of statements) {
    if (s.NotAction !== undefined) problems.push(`${where}: NotAction grants everything else`);
    if (s.NotResource !== undefined) problems.push(`${where}: NotResource grants everything else`);
    const actions = list(s.Action);
    if (actions.length === 0) problems.push(`${where}: statement without actions`);
    for (const action of actions) {
      if (action === '*') problems.push(`${where}: action "*"`);
      else if (/^[a-z0-9-]+:\*$/i.test(action)) problems.push(`${where}: service-wide action "${action}"`);
      else if (action.includes('*')) problems.push(`${where}: wildcard action "${action}"`);
    }
    for (const resource of list(s.Resource)) {
      if (resource === '*' && !actions.every((a) => ACTIONS_WITHOUT_RESOURCE_TYPES.includes(a))) {
        problems.push(`${where}: resource "*" for ${actions.join(', ')}, which AWS lets you scope`);
      }
      // A trailing `:*` after a log group ARN means "its log streams"; any other wildcard widens the grant.
      const withoutLogStreams = resource.replace(/^(arn:aws:logs:[^:]+:\d{12}:log-group:[^:*]+):\*$/, '$1');
      if (resource !== '*' && withoutLogStreams.includes('*')) problems.push(`${where}: wildcard resource "${resource}"`);
    }
  }
  return problems;
}

/** Problems of a trust policy: anyone but one AWS service, or no aws:SourceAccount pin. */
export function trustProblems(doc: { Statement?: Statement[] }, where: string): string[] {
  const problems: string[] = [];
  for (const s of doc.Statement ?? []) {
    if (JSON.stringify(list(s.Action)) !== JSON.stringify(['sts:AssumeRole'])) problems.push(`${where}: trust statement allows ${JSON.stringify(s.Action)}`);
    const principal = s.Principal as { Service?: unknown } | undefined;
    if (typeof principal?.Service !== 'string' || !principal.Service.endsWith('.amazonaws.com')) problems.push(`${where}: trust principal is not one AWS service`);
    if (s.Condition?.StringEquals?.['aws:SourceAccount'] === undefined) problems.push(`${where}: trust without an aws:SourceAccount condition`);
  }
  return problems;
}

/** Managed policies that grant far more than one component needs. */
export function isBroadManagedPolicy(arn: string): boolean {
  return /FullAccess|AdministratorAccess|PowerUserAccess|ReadOnlyAccess/i.test(arn);
}
