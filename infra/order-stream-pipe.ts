/**
 * An EventBridge Pipe from a DynamoDB stream to an event bus: filter criteria, an input template, a source and
 * detail type for the events, finite retries and record age, a dead-letter queue, logging, and a role that may
 * only read this stream, put events on this bus, send to this DLQ and write this log group.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dynamodb.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as time from '@pulumiverse/time';
import { DeadLetterQueue } from './dead-letter-queue';
import {
  listStreamsStatement,
  logGroupWriteStatement,
  policyDocument,
  putEventsStatement,
  sendMessageStatement,
  serviceTrustPolicy,
  streamReadStatement,
} from './policies';

export interface OrderStreamPipeArgs {
  streamArn: pulumi.Input<string>;
  busArn: pulumi.Input<string>;
  /** Records not matching any filter are dropped (at most 5 filters, OR-ed). */
  filters: object[];
  /** The Pipes input template rendering each record's event detail. */
  inputTemplate: string;
  source: string;
  detailType: string;
  logRetentionDays: number;
  alarmActions?: pulumi.Input<string>[];
  batchSize?: number;
  /** Finite, so a poison record ends in the DLQ instead of blocking its shard until it expires (default 10). */
  maximumRetryAttempts?: number;
  /** Records older than this go to the DLQ (default 1 h). */
  maximumRecordAgeInSeconds?: number;
  logLevel?: 'OFF' | 'ERROR' | 'INFO' | 'TRACE';
  /** How long the pipe's creation waits after its stream and role policy (default PIPE_CREATE_WAIT). */
  createWait?: string;
}

/**
 * Pipes checks at CreatePipe that its role can read the source stream, and with a stream and a role policy created
 * seconds earlier that check fails (CREATE_FAILED "Cannot access stream ... Please ensure the customer role can
 * perform actions on source stream"); the provider does not retry. Waits under 90 s were reported not to suffice:
 * https://github.com/hashicorp/terraform-provider-aws/issues/40572 (open), the same race in
 * https://github.com/aws/aws-cdk/issues/31211. The wait is paid again only when the stream or the policy changes.
 */
export const PIPE_CREATE_WAIT = '120s';

/** Stream polling settings once defaults are applied and validated. */
interface StreamSettings {
  batchSize: number;
  maximumRetryAttempts: number;
  maximumRecordAgeInSeconds: number;
}

export class OrderStreamPipe extends pulumi.ComponentResource {
  readonly pipe: aws.pipes.Pipe;
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly deadLetterQueue: DeadLetterQueue;
  /** The wait between the stream and role policy and the pipe's creation (see PIPE_CREATE_WAIT). */
  readonly createWait: time.Sleep;
  readonly pipeName: string;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: OrderStreamPipeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:OrderStreamPipe', name, {}, opts);
    const settings = OrderStreamPipe.validate(name, args);
    this.pipeName = `${name}-${pulumi.getStack()}`;
    this.deadLetterQueue = this.createDeadLetterQueue(name, args.alarmActions ?? []);
    this.logGroup = this.createLogGroup(name, args.logRetentionDays);
    this.role = this.createRole(name);
    this.rolePolicy = this.createRolePolicy(name, args);
    this.createWait = this.createCreateWait(name, args);
    this.pipe = this.createPipe(name, args, settings);
    this.arn = this.pipe.arn;
    this.registerOutputs({ arn: this.arn, deadLetterQueueUrl: this.deadLetterQueue.url });
  }

  private static validate(name: string, args: OrderStreamPipeArgs): StreamSettings {
    if (args.filters.length < 1 || args.filters.length > 5)
      throw new Error(`OrderStreamPipe ${name}: give 1 to 5 filters`);
    if (args.inputTemplate.length > 8192)
      throw new Error(`OrderStreamPipe ${name}: inputTemplate is longer than 8192 characters`);
    if (args.source.startsWith('aws.')) throw new Error(`OrderStreamPipe ${name}: source must not begin with "aws."`);
    const batch = args.batchSize ?? 10;
    if (!Number.isInteger(batch) || batch < 1 || batch > 10000)
      throw new Error(`OrderStreamPipe ${name}: batchSize must be 1–10000`);
    const retries = args.maximumRetryAttempts ?? 10;
    if (!Number.isInteger(retries) || retries < 0 || retries > 10000)
      throw new Error(`OrderStreamPipe ${name}: maximumRetryAttempts must be finite, 0–10000`);
    const age = args.maximumRecordAgeInSeconds ?? 3600;
    if (!Number.isInteger(age) || age < 60 || age > 604800)
      throw new Error(`OrderStreamPipe ${name}: maximumRecordAgeInSeconds must be finite, 60–604800`);
    if (args.createWait !== undefined && !/^\d+(s|m)$/.test(args.createWait))
      throw new Error(`OrderStreamPipe ${name}: createWait must be a duration like "120s" or "2m"`);
    return { batchSize: batch, maximumRetryAttempts: retries, maximumRecordAgeInSeconds: age };
  }

  private createDeadLetterQueue(name: string, alarmActions: pulumi.Input<string>[]): DeadLetterQueue {
    // The pipe sends with its own role (no queue policy needed).
    return new DeadLetterQueue(`${name}-dlq`, { alarmActions }, { parent: this });
  }

  private createLogGroup(name: string, retentionInDays: number): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/vendedlogs/pipes/${this.pipeName}`, retentionInDays },
      { parent: this },
    );
  }

  /** Trusts Pipes only for this account (the key Pipes provides; docs/trust-policies.md). */
  private createRole(name: string): aws.iam.Role {
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const assumeRolePolicy = account.apply((accountId) =>
      JSON.stringify(serviceTrustPolicy('pipes.amazonaws.com', { accountId })),
    );
    return new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy, description: `Execution role of the pipe ${this.pipeName}` },
      { parent: this },
    );
  }

  private createRolePolicy(name: string, args: OrderStreamPipeArgs): aws.iam.RolePolicy {
    const policy = pulumi
      .all([args.streamArn, args.busArn, this.deadLetterQueue.arn, this.logGroup.arn])
      .apply(([streamArn, busArn, queueArn, logGroupArn]) =>
        JSON.stringify(
          policyDocument(
            streamReadStatement(streamArn),
            listStreamsStatement(),
            putEventsStatement(busArn),
            sendMessageStatement(queueArn),
            logGroupWriteStatement(logGroupArn),
          ),
        ),
      );
    return new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy }, { parent: this });
  }

  /** Triggered by the stream ARN and the role policy, so a new stream or a changed policy waits again. */
  private createCreateWait(name: string, args: OrderStreamPipeArgs): time.Sleep {
    return new time.Sleep(
      `${name}-create-wait`,
      {
        createDuration: args.createWait ?? PIPE_CREATE_WAIT,
        triggers: { streamArn: args.streamArn, rolePolicy: this.rolePolicy.policy },
      },
      { parent: this, dependsOn: [this.rolePolicy] },
    );
  }

  private createPipe(name: string, args: OrderStreamPipeArgs, settings: StreamSettings): aws.pipes.Pipe {
    return new aws.pipes.Pipe(
      name,
      {
        name: this.pipeName,
        roleArn: this.role.arn,
        source: args.streamArn,
        target: args.busArn,
        sourceParameters: {
          filterCriteria: { filters: args.filters.map((f) => ({ pattern: JSON.stringify(f) })) },
          dynamodbStreamParameters: {
            startingPosition: 'LATEST',
            ...settings,
            maximumBatchingWindowInSeconds: 0,
            onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            deadLetterConfig: { arn: this.deadLetterQueue.arn },
          },
        },
        targetParameters: {
          inputTemplate: args.inputTemplate,
          eventbridgeEventBusParameters: { source: args.source, detailType: args.detailType },
        },
        logConfiguration: {
          level: args.logLevel ?? 'ERROR',
          cloudwatchLogsLogDestination: { logGroupArn: this.logGroup.arn },
        },
      },
      // The pipe validates its role's permissions when it is created: the policy must be in place, and have had time
      // to take effect (PIPE_CREATE_WAIT), first.
      { parent: this, dependsOn: [this.rolePolicy, this.createWait] },
    );
  }
}
