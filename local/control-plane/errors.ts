/**
 * Errors of the control plane, in AWS's vocabulary: an error code (`ResourceNotFoundException`, `NoSuchEntity`…),
 * AWS's message wording and the HTTP status AWS answers with. The protocol adapter (http.ts) writes them in each
 * protocol's error shape.
 */

export class ControlPlaneError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * The one place where the local cloud answers differently from AWS on purpose: the stack is what the Pulumi
 * program declares, so a call that would change it (PutRule, UpdateFunctionConfiguration, CreateApi, PutRolePolicy…)
 * is refused instead of being applied or silently ignored. AccessDenied is the AWS error every SDK and the CLI treat
 * as final (no retry); the message says what to do instead.
 */
export function refusal(service: string, operation: string, code = 'AccessDeniedException'): ControlPlaneError {
  return new ControlPlaneError(
    code,
    `${service}:${operation} is refused by the local cloud: the local stack is defined by the Pulumi program. Change infra/ and restart \`npm start\` instead.`,
    403,
  );
}

/** What every operation the edge neither serves nor refuses gets (the edge's answer before this module, too). */
export function unknownOperation(service: string, operation: string, served: readonly string[]): ControlPlaneError {
  return new ControlPlaneError(
    'UnknownOperationException',
    `Operation ${service}:${operation} is not emulated by the local edge (it serves: ${served.join(', ')})`,
  );
}

/** AWS's wording for a missing required member (https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html). */
export function missingMember(member: string): ControlPlaneError {
  return new ControlPlaneError(
    'ValidationException',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

/** Operation names that change what exists: refused rather than reported unknown. */
export const MUTATING_VERBS =
  /^(Put|Create|Update|Delete|Remove|Enable|Disable|Tag|Untag|Activate|Deactivate|Deauthorize|Attach|Detach|Add|Set|Start|Stop|Publish|Reset|Change|Upload|Associate|Disassociate|Import|Reimport)/;

/** A REST call the route tables do not name, by method and path: one that writes is refused like a named one. */
export const WRITE_METHOD = /^(POST|PUT|PATCH|DELETE) \//;
