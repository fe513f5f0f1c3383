/**
 * The "would be denied on AWS" report: every hop of the graph evaluated with AWS's logic and the request context
 * each service really sends, plus what could not be checked and the policy actions AWS does not know.
 */
import type { ResourceGraph } from '../model/graph';
import { Authorization, authorize } from './authorize';
import { CatalogFinding, checkPolicyActions, resourceTypeMismatch } from './catalog';
import { callerArn } from './messages';
import { Check, collectChecks } from './hops';
import { IamModel, IamProblem, buildIamModel } from './model';
import type { Policy } from './policy';

export interface CheckResult extends Check {
  authorization: Authorization;
}

export interface IamReport {
  model: IamModel;
  checks: CheckResult[];
  /** The checks AWS would deny. */
  denials: CheckResult[];
  /** Policies that do not parse, references the graph cannot resolve, hops not checked. */
  problems: IamProblem[];
  /** Unknown actions, grants that can never match, checks whose resource is not of the action's type. */
  catalog: CatalogFinding[];
}

/** The graph as loaded (StackGraph carries the account and region the mocks used). */
export type IamGraph = ResourceGraph & { accountId: string; region: string };

/** Pure part: model, checks and decisions. */
export function evaluateGraph(graph: IamGraph): Omit<IamReport, 'catalog'> {
  const model = buildIamModel(graph, graph.accountId, graph.region);
  const { checks, problems } = collectChecks(graph, model);
  const results = checks.map((check) => ({ ...check, authorization: authorize(model, check.request) }));
  return {
    model,
    checks: results,
    denials: results.filter((r) => !r.authorization.allowed),
    problems: [...model.problems, ...problems],
  };
}

function allPolicies(model: IamModel): Policy[] {
  const policies: Policy[] = [];
  for (const role of model.roles.values()) policies.push(...(role.trust ? [role.trust] : []), ...role.identity);
  for (const list of model.resourcePolicies.values()) policies.push(...list);
  return [...policies, ...model.logPolicies];
}

/** The whole report: what the CLI prints at start-up (see formatIamReport). */
export async function iamReport(graph: IamGraph): Promise<IamReport> {
  const evaluated = evaluateGraph(graph);
  const catalog: CatalogFinding[] = [];
  for (const policy of allPolicies(evaluated.model)) catalog.push(...(await checkPolicyActions(policy)));
  for (const check of evaluated.checks) {
    const mismatch = await resourceTypeMismatch(check.request.action, check.request.resource);
    if (mismatch) catalog.push({ where: check.hop, action: check.request.action, message: mismatch });
  }
  return { ...evaluated, catalog };
}

/** One denial as the start-up prints it: principal, action, resource, AWS's message, why, and the fix. */
export function formatDenial(result: CheckResult): string {
  const { request, authorization } = result;
  const lines = [
    `✗ ${result.hop}`,
    `    principal: ${callerArn(request.caller)}`,
    `    action:    ${request.action}`,
    `    resource:  ${request.resource}`,
    `    AWS says:  ${authorization.message ?? ''}`,
    ...authorization.reasons.map((r) => `    because:   ${r}`),
    `    on AWS:    ${result.failure}`,
  ];
  if (authorization.fix)
    lines.push(`    fix: add to ${authorization.fix.where}:`, `      ${JSON.stringify(authorization.fix.statement)}`);
  return lines.join('\n');
}

export function formatIamReport(report: IamReport): string {
  const lines = [
    `IAM: ${report.checks.length} permission checks on this stack's hops, ${report.denials.length} would be denied on AWS`,
  ];
  for (const denial of report.denials) lines.push(formatDenial(denial));
  for (const finding of report.catalog) lines.push(`! ${finding.where}: ${finding.message}`);
  for (const problem of report.problems) lines.push(`? ${problem.message}`);
  return lines.join('\n');
}
