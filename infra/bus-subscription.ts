/**
 * One rule on a bus and its one target, with everything the target needs to be reliable and allowed:
 * an explicit retry policy, its own dead-letter queue (with the queue policy EventBridge needs), and the permission
 * to reach the target: a Lambda resource policy, an invoke role for an API destination, or a CloudWatch Logs
 * resource policy for a log group.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { DeadLetterQueue } from './dead-letter-queue';
import {
  eventBridgeLogsResourcePolicy,
  invokeApiDestinationStatement,
  policyDocument,
  serviceTrustPolicy,
} from './policies';
import type { InputTransformer } from './templates';

export type SubscriptionTarget =
  | { kind: 'lambda'; functionArn: pulumi.Input<string>; functionName: pulumi.Input<string> }
  | { kind: 'apiDestination'; destinationArn: pulumi.Input<string> }
  | { kind: 'logGroup'; logGroupArn: pulumi.Input<string> };

export interface RetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

/**
 * EventBridge's maximum retry budget: 185 attempts over 24 hours (the API's upper bounds,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html). Retries stop at whichever limit
 * comes first, and with EventBridge's exponential back-off a small attempt count is spent in minutes whatever the
 * age says, so only the full count rides out a long outage. It is the default for every target kind:
 * - API destinations (the carrier, the chat webhook): a remote outage of hours must delay orders, not dead-letter
 *   them all;
 * - Lambda targets: EventBridge retries only until Lambda accepts the asynchronous invoke (a throttle or a
 *   service error; permission errors are not retried), then Lambda's own retries and on-failure destination take
 *   over, so a long budget costs nothing in the good case and keeps events through a regional throttle;
 * - the catch-all log group: the same reasoning, for CloudWatch Logs.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
 */
export const MAX_RETRY_POLICY: RetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };
export const DEFAULT_RETRY_POLICY: RetryPolicy = MAX_RETRY_POLICY;

export interface BusSubscriptionArgs {
  busName: pulumi.Input<string>;
  /** The rule's event pattern (an object from the contract; deployed as its JSON). */
  pattern: object;
  target: SubscriptionTarget;
  description?: string;
  inputTransformer?: InputTransformer;
  /** Header/query parameters for an API destination target (values may be whole-value JSON paths). */
  httpTarget?: { headerParameters?: Record<string, string>; queryStringParameters?: Record<string, string> };
  retryPolicy?: RetryPolicy;
  alarmActions?: pulumi.Input<string>[];
}

/** What lets EventBridge reach one target: the resources created for it and what the target must wait for. */
interface TargetAccess {
  roleArn?: pulumi.Output<string>;
  dependsOn: pulumi.Resource[];
  permission?: aws.lambda.Permission;
  invokeRole?: aws.iam.Role;
  invokeRolePolicy?: aws.iam.RolePolicy;
  logResourcePolicy?: aws.cloudwatch.LogResourcePolicy;
}

export class BusSubscription extends pulumi.ComponentResource {
  readonly rule: aws.cloudwatch.EventRule;
  readonly target: aws.cloudwatch.EventTarget;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly permission?: aws.lambda.Permission;
  readonly invokeRole?: aws.iam.Role;
  readonly invokeRolePolicy?: aws.iam.RolePolicy;
  readonly logResourcePolicy?: aws.cloudwatch.LogResourcePolicy;
  readonly ruleArn: pulumi.Output<string>;
  readonly subscriptionName: string;

  constructor(name: string, args: BusSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:BusSubscription', name, {}, opts);
    BusSubscription.validate(name, args);
    this.subscriptionName = name;
    const retryPolicy = args.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.rule = this.createRule(name, args);
    this.ruleArn = this.rule.arn;
    this.deadLetterQueue = this.createDeadLetterQueue(name, args.alarmActions ?? []);
    const access = this.createTargetAccess(name, args.target);
    this.permission = access.permission;
    this.invokeRole = access.invokeRole;
    this.invokeRolePolicy = access.invokeRolePolicy;
    this.logResourcePolicy = access.logResourcePolicy;
    this.target = this.createTarget(name, args, retryPolicy, access);
    this.registerOutputs({ ruleArn: this.ruleArn, deadLetterQueueUrl: this.deadLetterQueue.url });
  }

  private static validate(name: string, args: BusSubscriptionArgs): void {
    if (
      typeof args.pattern !== 'object' ||
      args.pattern === null ||
      Array.isArray(args.pattern) ||
      Object.keys(args.pattern).length === 0
    ) {
      throw new Error(`BusSubscription ${name}: pattern must be a non-empty object`);
    }
    if (args.httpTarget && args.target.kind !== 'apiDestination') {
      throw new Error(
        `BusSubscription ${name}: httpTarget only applies to API destination targets, not ${args.target.kind}`,
      );
    }
    const retry = args.retryPolicy;
    if (retry) {
      if (
        !Number.isInteger(retry.maximumRetryAttempts) ||
        retry.maximumRetryAttempts < 0 ||
        retry.maximumRetryAttempts > 185
      ) {
        throw new Error(`BusSubscription ${name}: maximumRetryAttempts must be 0–185`);
      }
      if (
        !Number.isInteger(retry.maximumEventAgeInSeconds) ||
        retry.maximumEventAgeInSeconds < 60 ||
        retry.maximumEventAgeInSeconds > 86400
      ) {
        throw new Error(`BusSubscription ${name}: maximumEventAgeInSeconds must be 60–86400`);
      }
    }
  }

  private createRule(name: string, args: BusSubscriptionArgs): aws.cloudwatch.EventRule {
    return new aws.cloudwatch.EventRule(
      name,
      {
        eventBusName: args.busName,
        eventPattern: JSON.stringify(args.pattern),
        description: args.description,
        state: 'ENABLED',
      },
      { parent: this },
    );
  }

  private createDeadLetterQueue(name: string, alarmActions: pulumi.Input<string>[]): DeadLetterQueue {
    return new DeadLetterQueue(`${name}-dlq`, { eventBridgeRuleArns: [this.rule.arn], alarmActions }, { parent: this });
  }

  /** The grant that lets EventBridge reach the target; returns the role to put on the target, if any. */
  private createTargetAccess(name: string, target: SubscriptionTarget): TargetAccess {
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    switch (target.kind) {
      case 'lambda': {
        const permission = new aws.lambda.Permission(
          `${name}-invoke`,
          {
            action: 'lambda:InvokeFunction',
            function: target.functionName,
            principal: 'events.amazonaws.com',
            sourceArn: this.rule.arn,
            sourceAccount: account,
          },
          { parent: this },
        );
        return { permission, dependsOn: [permission] };
      }
      case 'apiDestination': {
        const assumeRolePolicy = pulumi
          .all([account, this.rule.arn])
          .apply(([accountId, sourceArn]) =>
            JSON.stringify(serviceTrustPolicy('events.amazonaws.com', { accountId, sourceArn })),
          );
        const invokeRole = new aws.iam.Role(
          `${name}-invoke-role`,
          { assumeRolePolicy, description: 'EventBridge invoking one API destination' },
          { parent: this },
        );
        const policy = pulumi
          .output(target.destinationArn)
          .apply((arn) => JSON.stringify(policyDocument(invokeApiDestinationStatement(arn))));
        const invokeRolePolicy = new aws.iam.RolePolicy(
          `${name}-invoke-policy`,
          { role: invokeRole.id, policy },
          { parent: this },
        );
        return { invokeRole, invokeRolePolicy, roleArn: invokeRole.arn, dependsOn: [invokeRolePolicy] };
      }
      case 'logGroup': {
        // Scoped to the log group (resourceArn), so it does not take one of the 10 account-level CloudWatch Logs
        // resource policies a region allows:
        // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html
        const policyDocumentJson = pulumi
          .all([target.logGroupArn, this.rule.arn])
          .apply(([logGroupArn, ruleArn]) =>
            JSON.stringify(eventBridgeLogsResourcePolicy(logGroupArn, { ruleArns: [ruleArn] })),
          );
        const logResourcePolicy = new aws.cloudwatch.LogResourcePolicy(
          `${name}-logs-policy`,
          { resourceArn: target.logGroupArn, policyDocument: policyDocumentJson },
          { parent: this },
        );
        return { logResourcePolicy, dependsOn: [logResourcePolicy] };
      }
    }
  }

  private createTarget(
    name: string,
    args: BusSubscriptionArgs,
    retryPolicy: RetryPolicy,
    access: TargetAccess,
  ): aws.cloudwatch.EventTarget {
    const arn =
      args.target.kind === 'lambda'
        ? args.target.functionArn
        : args.target.kind === 'apiDestination'
          ? args.target.destinationArn
          : args.target.logGroupArn;
    return new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        eventBusName: args.busName,
        rule: this.rule.name,
        targetId: 'target',
        arn,
        roleArn: access.roleArn,
        inputTransformer: args.inputTransformer,
        httpTarget: args.httpTarget,
        retryPolicy,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
      {
        parent: this,
        dependsOn: [
          ...access.dependsOn,
          ...(this.deadLetterQueue.queuePolicy ? [this.deadLetterQueue.queuePolicy] : []),
        ],
      },
    );
  }
}
