/**
 * ARN helpers for the EventBridge emulation. Formats from
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies
 */

export const DEFAULT_BUS_NAME = 'default';

export function busArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:event-bus/${name}`;
}

/** Rules on the default bus are `rule/<name>`; on a custom bus `rule/<bus>/<name>` (docs/aws-behaviour.md#predefined-template-variables [V]). */
export function ruleArn(region: string, account: string, busName: string, ruleName: string): string {
  const path = busName === DEFAULT_BUS_NAME ? ruleName : `${busName}/${ruleName}`;
  return `arn:aws:events:${region}:${account}:rule/${path}`;
}

export function archiveArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:archive/${name}`;
}

export function connectionArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:connection/${name}`;
}

export function apiDestinationArn(region: string, account: string, name: string): string {
  return `arn:aws:events:${region}:${account}:api-destination/${name}`;
}

/** PutEvents and rules accept a bus name or a bus ARN (API_PutEventsRequestEntry: EventBusName). */
export function busNameOf(nameOrArn: string | null | undefined): string {
  // Graph values may be null where Pulumi had no value.
  if (nameOrArn === undefined || nameOrArn === null || nameOrArn === '') return DEFAULT_BUS_NAME;
  const match = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return match ? match[1] : nameOrArn;
}

/**
 * API destination ARNs carry a generated suffix (`api-destination/<name>/<uuid>`); the wiring may register a
 * destination under either form, so lookups compare the name part.
 */
export function apiDestinationNameOf(arn: string): string | undefined {
  const match = /:api-destination\/([^/]+)/.exec(arn);
  return match ? match[1] : undefined;
}

export function connectionNameOf(arn: string): string | undefined {
  const match = /:connection\/([^/]+)/.exec(arn);
  return match ? match[1] : undefined;
}
