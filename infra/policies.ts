/**
 * IAM policy documents as plain JSON: pure builders, no Pulumi, no I/O.
 *
 * Every identity statement names exact actions on exact ARNs (or `*` where AWS evaluates nothing else); every trust
 * policy pins the calling service with the confused-deputy keys that service actually puts in the request when it
 * assumes a role, and only those (a condition on an absent key denies the request):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 * The facts per service, with sources: local/iam/request-context.ts (docs/iam.md); what the stack does with them: docs/trust-policies.md.
 */
import { assumeRoleContextKeys } from '../local/iam/request-context';

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { Service?: string | string[]; AWS?: string | string[] } | '*';
  Action: string | string[];
  Resource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function allow(actions: string[], resources: string[], sid?: string): PolicyStatement {
  if (actions.length === 0) throw new Error('A policy statement needs at least one action');
  if (resources.length === 0) throw new Error('A policy statement needs at least one resource');
  return { ...(sid ? { Sid: sid } : {}), Effect: 'Allow', Action: [...actions], Resource: [...resources] };
}

/** The services that assume this stack's roles. */
export const TrustedServices = [
  'apigateway.amazonaws.com',
  'lambda.amazonaws.com',
  'events.amazonaws.com',
  'pipes.amazonaws.com',
] as const;
export type TrustedService = (typeof TrustedServices)[number];

export type ConfusedDeputyKey = 'aws:SourceAccount' | 'aws:SourceArn';

function isConfusedDeputyKey(key: string): key is ConfusedDeputyKey {
  return key === 'aws:SourceAccount' || key === 'aws:SourceArn';
}

/**
 * Which confused-deputy condition keys each service provides when it assumes a role. The facts, each with its AWS
 * source, live in ONE table that the local cloud's IAM evaluation reads too (local/iam/request-context.ts, shown in
 * docs/iam.md); docs/trust-policies.md explains what the stack does with them. In short: API Gateway assuming an
 * integration's credentials role provides neither key (a trust conditioned on aws:SourceAccount fails every call,
 * aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws pull request 479); Lambda and
 * Pipes provide aws:SourceAccount; EventBridge rule targets provide the account and the rule ARN.
 */
export const TRUST_CONTEXT_KEYS: Readonly<Record<TrustedService, readonly ConfusedDeputyKey[]>> = Object.fromEntries(
  TrustedServices.map((service) => [service, assumeRoleContextKeys(service).filter(isConfusedDeputyKey).sort()]),
) as unknown as Record<TrustedService, readonly ConfusedDeputyKey[]>;

export interface TrustOptions {
  /** The account that owns the role; required when the service provides aws:SourceAccount. */
  accountId?: string;
  /** The calling resource's ARN (ArnLike allows wildcards); required when the service provides aws:SourceArn. */
  sourceArn?: string;
}

/**
 * A role only `service` may assume, pinned with every confused-deputy key that service provides and no other.
 * Asking for a key the service does not send is refused here, because AWS would deny every assume.
 */
export function serviceTrustPolicy(service: TrustedService, opts: TrustOptions = {}): PolicyDocument {
  const provided = TRUST_CONTEXT_KEYS[service];
  if (opts.accountId !== undefined && !provided.includes('aws:SourceAccount')) {
    throw new Error(
      `${service} does not provide aws:SourceAccount when it assumes a role; a condition on it would deny every assume`,
    );
  }
  if (opts.sourceArn !== undefined && !provided.includes('aws:SourceArn')) {
    throw new Error(
      `${service} does not provide aws:SourceArn when it assumes a role; a condition on it would deny every assume`,
    );
  }
  if (provided.includes('aws:SourceAccount') && opts.accountId === undefined)
    throw new Error(`${service} provides aws:SourceAccount: give accountId`);
  if (provided.includes('aws:SourceArn') && opts.sourceArn === undefined)
    throw new Error(`${service} provides aws:SourceArn: give sourceArn`);
  const condition: ConditionBlock = {};
  if (opts.accountId !== undefined) condition.StringEquals = { 'aws:SourceAccount': opts.accountId };
  if (opts.sourceArn !== undefined) condition.ArnLike = { 'aws:SourceArn': opts.sourceArn };
  return policyDocument({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  });
}

/**
 * Writing to one log group. Log streams are resources under the group (`<group arn>:log-stream:<name>`), so the
 * `:*` suffix scopes the grant to this group's streams only.
 */
export function logGroupWriteStatement(logGroupArn: string): PolicyStatement {
  return allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [`${logGroupArn}:*`], 'WriteOwnLogGroup');
}

/** Item-level DynamoDB actions on one table. */
export function tableItemStatement(tableArn: string, actions: readonly TableItemAction[]): PolicyStatement {
  return allow(
    actions.map((a) => `dynamodb:${a}`),
    [tableArn],
    'OrdersTableItems',
  );
}

/**
 * Item actions IAM evaluates. There is no `TransactWriteItems` action: a transaction is authorised by the actions of
 * its parts (PutItem, UpdateItem, DeleteItem, ConditionCheckItem),
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 */
export type TableItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** Reading one table's stream, as EventBridge Pipes needs it:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html */
export function streamReadStatement(streamArn: string): PolicyStatement {
  return allow(
    ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
    [streamArn],
    'ReadOrdersStream',
  );
}

/**
 * `dynamodb:ListStreams`, which Pipes lists among a DynamoDB source's permissions, has no resource type in the
 * Service Authorization Reference: granted on a stream ARN it authorises nothing, so AWS's only form is `*`. It
 * returns stream ARNs, never records.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export function listStreamsStatement(): PolicyStatement {
  return allow(['dynamodb:ListStreams'], ['*'], 'ListStreams');
}

export function sendMessageStatement(queueArn: string, sid = 'SendToDeadLetterQueue'): PolicyStatement {
  return allow(['sqs:SendMessage'], [queueArn], sid);
}

export function putEventsStatement(busArn: string): PolicyStatement {
  return allow(['events:PutEvents'], [busArn], 'PutEventsOnBus');
}

/** What a rule's target role needs to call an API destination:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html */
export function invokeApiDestinationStatement(destinationArn: string): PolicyStatement {
  return allow(['events:InvokeApiDestination'], [destinationArn], 'InvokeApiDestination');
}

/**
 * The queue policy of an EventBridge target DLQ: only EventBridge, only for the named rules.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
 */
export function eventBridgeDlqQueuePolicy(queueArn: string, ruleArns: string[]): PolicyDocument {
  if (ruleArns.length === 0) throw new Error('A dead-letter queue policy needs at least one rule ARN');
  return policyDocument({
    Sid: 'AllowRuleDeadLetters',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArns.length === 1 ? ruleArns[0] : [...ruleArns] } },
  });
}

/**
 * The CloudWatch Logs resource policy that lets EventBridge deliver a rule's matches into one log group. EventBridge
 * does not use a role for log targets; it needs this resource policy instead:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
 * Two statements, as the provider's "Cloudwatch Log Group Usage" example (aws.cloudwatch.EventTarget) and
 * aws-samples/serverless-patterns pull request 618 have it: the rule ARN is in the request context of
 * `PutLogEvents` only, so `CreateLogStream` is granted without it (under one shared condition, every stream
 * creation would be denied and every event dead-lettered).
 */
export function eventBridgeLogsResourcePolicy(logGroupArn: string, opts: { ruleArns: string[] }): PolicyDocument {
  if (opts.ruleArns.length === 0)
    throw new Error('A log group resource policy for EventBridge needs at least one rule ARN');
  const principal = { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] };
  const streams = `${logGroupArn}:*`;
  return policyDocument(
    {
      Sid: 'EventBridgeCreateLogStream',
      Effect: 'Allow',
      Principal: principal,
      Action: 'logs:CreateLogStream',
      Resource: streams,
    },
    {
      Sid: 'EventBridgePutLogEvents',
      Effect: 'Allow',
      Principal: principal,
      Action: 'logs:PutLogEvents',
      Resource: streams,
      Condition: { ArnEquals: { 'aws:SourceArn': opts.ruleArns.length === 1 ? opts.ruleArns[0] : [...opts.ruleArns] } },
    },
  );
}

/** Every action named in a document, flattened (for tests and reviews). */
export function actionsOf(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/**
 * The alert topic's policy: CloudWatch alarms of this account may publish to it, nothing else is granted beyond
 * the account owner's own access. https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
 */
export function alarmTopicPolicy(topicArn: string, accountId: string, region: string): PolicyDocument {
  return policyDocument(
    {
      Sid: 'OwnerManagesTopic',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: [
        'sns:Publish',
        'sns:Subscribe',
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:ListSubscriptionsByTopic',
      ],
      Resource: topicArn,
    },
    {
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: {
        StringEquals: { 'aws:SourceAccount': accountId },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
      },
    },
  );
}
