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
 * option (Service Authorization Reference). An entry here must cite its page.
 * - dynamodb:ListStreams: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export const ACTIONS_WITHOUT_RESOURCE_TYPES: readonly string[] = ['dynamodb:ListStreams'];

/**
 * The table of docs/trust-policies.md: service principal → the confused-deputy condition keys it provides when it
 * assumes a role. Read from the document, so the linter and the docs cannot drift apart.
 */
export function trustContextFromDocs(markdown: string): Record<string, string[]> {
  const header = '| service principal | condition keys it provides when assuming a role | source |';
  const lines = markdown.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error('docs/trust-policies.md has no trust table');
  const table: Record<string, string[]> = {};
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [principal, keys] = line
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    table[principal.replace(/`/g, '')] = [...keys.matchAll(/`(aws:[A-Za-z]+)`/g)].map((m) => m[1]);
  }
  return table;
}

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
      if (resource !== '*' && withoutLogStreams.includes('*'))
        problems.push(`${where}: wildcard resource "${resource}"`);
    }
  }
  return problems;
}

/**
 * Problems of a trust policy: anyone but one AWS service, or confused-deputy conditions that differ from the keys
 * that service provides (`provided`, from docs/trust-policies.md): a missing pin is a weaker trust, a condition on a
 * key the service does not send denies every assume.
 */
export function trustProblems(
  doc: { Statement?: Statement[] },
  where: string,
  provided: Record<string, string[]>,
): string[] {
  const problems: string[] = [];
  for (const s of doc.Statement ?? []) {
    if (JSON.stringify(list(s.Action)) !== JSON.stringify(['sts:AssumeRole']))
      problems.push(`${where}: trust statement allows ${JSON.stringify(s.Action)}`);
    const principal = s.Principal as { Service?: unknown } | undefined;
    if (typeof principal?.Service !== 'string' || !principal.Service.endsWith('.amazonaws.com')) {
      problems.push(`${where}: trust principal is not one AWS service`);
      continue;
    }
    const expected = provided[principal.Service];
    if (expected === undefined) {
      problems.push(`${where}: ${principal.Service} is not in docs/trust-policies.md`);
      continue;
    }
    const used = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
    for (const key of used)
      if (!expected.includes(key))
        problems.push(`${where}: trust conditions on ${key}, which ${principal.Service} does not provide`);
    for (const key of expected) if (!used.includes(key)) problems.push(`${where}: trust without a ${key} condition`);
  }
  return problems;
}

/** Managed policies that grant far more than one component needs. */
export function isBroadManagedPolicy(arn: string): boolean {
  return /FullAccess|AdministratorAccess|PowerUserAccess|ReadOnlyAccess/i.test(arn);
}
