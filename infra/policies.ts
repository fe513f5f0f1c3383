/**
 * IAM policy documents as plain JSON: pure builders, no Pulumi, no I/O.
 *
 * Every identity statement names exact actions on exact ARNs; every trust policy pins the calling service to this
 * account (aws:SourceAccount) and, where the service passes it, to the calling resource (aws:SourceArn), which
 * guards against the confused-deputy problem:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */

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

export interface TrustOptions {
  /** The account that owns the role; the service may assume it only on behalf of this account. */
  accountId: string;
  /** When the service passes the calling resource's ARN, restrict the trust to it (ArnLike allows wildcards). */
  sourceArn?: string;
}

/** A role only `service` may assume, and only for this account (and this resource, when given). */
export function serviceTrustPolicy(service: string, opts: TrustOptions): PolicyDocument {
  const condition: ConditionBlock = { StringEquals: { 'aws:SourceAccount': opts.accountId } };
  if (opts.sourceArn) condition.ArnLike = { 'aws:SourceArn': opts.sourceArn };
  return policyDocument({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: condition });
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
  return allow(actions.map((a) => `dynamodb:${a}`), [tableArn], 'OrdersTableItems');
}

export type TableItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'TransactWriteItems' | 'ConditionCheckItem';

/** Reading one table's stream, as EventBridge Pipes needs it:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html */
export function streamReadStatement(streamArn: string): PolicyStatement {
  return allow(
    ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
    [streamArn],
    'ReadOrdersStream',
  );
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
 * The CloudWatch Logs resource policy that lets EventBridge deliver rule matches into log groups. EventBridge does
 * not use a role for log targets; it needs this resource policy instead:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
 */
export function eventBridgeLogsResourcePolicy(logGroupArn: string, opts: { accountId: string; ruleArn: string }): PolicyDocument {
  return policyDocument({
    Sid: 'EventBridgeToLogGroup',
    Effect: 'Allow',
    Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: `${logGroupArn}:*`,
    Condition: { StringEquals: { 'aws:SourceAccount': opts.accountId }, ArnEquals: { 'aws:SourceArn': opts.ruleArn } },
  });
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
      Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
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
