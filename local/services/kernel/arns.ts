/**
 * ARN helpers every service needs: which service a target ARN names, and a log group's name.
 * Formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/** The kinds of target the local services deliver to, from the target ARN. */
export type TargetKind = 'lambda' | 'sqs' | 'log-group' | 'event-bus' | 'api-destination';

export function targetKindOf(arn: string): TargetKind | undefined {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  if (service === 'lambda' && resource.startsWith('function:')) return 'lambda';
  if (service === 'sqs') return 'sqs';
  if (service === 'logs' && resource.startsWith('log-group:')) return 'log-group';
  if (service === 'events' && resource.startsWith('event-bus/')) return 'event-bus';
  if (service === 'events' && resource.startsWith('api-destination/')) return 'api-destination';
  return undefined;
}

/** `arn:aws:logs:r:a:log-group:/aws/events/x:*` → `/aws/events/x` */
export function logGroupNameOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.replace(/^log-group:/, '').replace(/:\*$/, '');
}
