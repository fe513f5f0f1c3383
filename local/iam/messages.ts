/**
 * How AWS words a denial, as pure functions, so the local cloud fails with the text AWS would give.
 */
import type { Caller, Evaluation } from './evaluate';
import { sessionArn } from './evaluate';

/** The ARN a denial names as "User:" (a role session's assumed-role ARN, a service principal, or anonymous). */
export function callerArn(caller: Caller): string {
  switch (caller.type) {
    case 'role':
      return sessionArn(caller.roleArn, caller.sessionName);
    case 'service':
      return caller.service;
    case 'anonymous':
      return 'anonymous';
  }
}

/**
 * An SDK call denied. Shapes from the IAM troubleshooting page
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
 * - implicit: `User: ARN is not authorized to perform: ACTION on resource: RES because no identity-based policy allows the ACTION action`
 *   (`no resource-based policy` when only a resource policy could have allowed it: a service or anonymous caller);
 * - explicit: `User: ARN is not authorized to perform: ACTION on resource: RES with an explicit deny in an identity-based policy`
 *   (or `a resource-based policy`), followed by `: POLICY` when AWS can name the policy
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied-authorization-id.html).
 */
export function accessDeniedMessage(caller: Caller, action: string, resource: string, evaluation: Evaluation): string {
  const head = `User: ${callerArn(caller)} is not authorized to perform: ${action} on resource: ${resource}`;
  if (evaluation.decision === 'ExplicitDeny') {
    const deny = evaluation.statements[0];
    const kind = deny?.kind === 'resource' ? 'a resource-based policy' : 'an identity-based policy';
    return `${head} with an explicit deny in ${kind}${deny ? `: ${deny.policy}` : ''}`;
  }
  const kind = caller.type === 'role' ? 'identity-based' : 'resource-based';
  return `${head} because no ${kind} policy allows the ${action} action`;
}

/**
 * What an HTTP API writes to `$context.integrationErrorMessage` / `$context.authorizer.error` when a hop is denied;
 * the client gets 500 `{"message":"Internal Server Error"}` in each case.
 * - cannot assume the integration's credentials role: observed text (AWS's apostrophe is typographic), e.g.
 *   https://github.com/terraform-aws-modules/terraform-aws-apigateway-v2/issues/87
 * - may not invoke the Lambda integration or authorizer:
 *   https://repost.aws/knowledge-center/api-gateway-http-lambda-integrations
 */
export const HttpApiErrors = {
  assumeIntegrationRole:
    'API Gateway doesn’t have permissions to assume the IAM role configured on the integration. Check the permissions and try again.',
  invokeIntegration:
    "The IAM role configured on the integration or API Gateway doesn't have permissions to call the integration. Check the permissions and try again.",
  invokeAuthorizer:
    "The IAM role configured on the authorizer or API Gateway doesn't have permissions to call the authorizer. Check the permissions and try again.",
} as const;

/**
 * The `ERROR_CODE` message attribute EventBridge puts on a dead letter when a target may not be reached:
 * NO_PERMISSIONS for a resource policy or role policy that does not allow the call, FAILED_TO_ASSUME_ROLE when the
 * target's role does not trust events.amazonaws.com with the keys EventBridge sends.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function eventBridgeErrorCode(hop: 'assumeRole' | 'invoke'): 'FAILED_TO_ASSUME_ROLE' | 'NO_PERMISSIONS' {
  return hop === 'assumeRole' ? 'FAILED_TO_ASSUME_ROLE' : 'NO_PERMISSIONS';
}
