/**
 * A dead-letter queue: a standard SQS queue (EventBridge and Lambda destinations reject FIFO queues), encrypted at
 * rest, keeping messages for the SQS maximum of 14 days, with an alarm that fires on the first message.
 * When EventBridge rules use it, a queue policy lets only those rules send to it:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { eventBridgeDlqQueuePolicy } from './policies';

/** SQS's maximum retention: 14 days. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

export interface DeadLetterQueueArgs {
  /** ARNs of EventBridge rules allowed to dead-letter into this queue (adds the queue policy). */
  eventBridgeRuleArns?: pulumi.Input<string>[];
  /** Notified when the queue holds a message. */
  alarmActions?: pulumi.Input<string>[];
  /** Message retention (default 14 days). */
  retentionSeconds?: number;
}

export class DeadLetterQueue extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;
  readonly alarm: aws.cloudwatch.MetricAlarm;
  readonly queuePolicy?: aws.sqs.QueuePolicy;
  readonly arn: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;
  /** The logical name, used as the key of the stack's `deadLetterQueueUrls` output. */
  readonly logicalName: string;

  constructor(name: string, args: DeadLetterQueueArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:DeadLetterQueue', name, {}, opts);
    const retention = args.retentionSeconds ?? DLQ_RETENTION_SECONDS;
    if (!Number.isInteger(retention) || retention < 60 || retention > DLQ_RETENTION_SECONDS) {
      throw new Error(
        `DeadLetterQueue ${name}: retentionSeconds must be a whole number from 60 to ${DLQ_RETENTION_SECONDS}`,
      );
    }
    if (args.eventBridgeRuleArns !== undefined && args.eventBridgeRuleArns.length === 0) {
      throw new Error(`DeadLetterQueue ${name}: eventBridgeRuleArns is empty; omit it when no rule dead-letters here`);
    }
    this.logicalName = name;
    this.queue = this.createQueue(name, retention);
    this.arn = this.queue.arn;
    this.url = this.queue.url;
    if (args.eventBridgeRuleArns) this.queuePolicy = this.createQueuePolicy(name, args.eventBridgeRuleArns);
    this.alarm = this.createAlarm(name, args.alarmActions ?? []);
    this.registerOutputs({ arn: this.arn, url: this.url });
  }

  private createQueue(name: string, retentionSeconds: number): aws.sqs.Queue {
    return new aws.sqs.Queue(
      name,
      { messageRetentionSeconds: retentionSeconds, sqsManagedSseEnabled: true },
      { parent: this },
    );
  }

  private createQueuePolicy(name: string, ruleArns: pulumi.Input<string>[]): aws.sqs.QueuePolicy {
    const policy = pulumi
      .all([this.queue.arn, pulumi.all(ruleArns)])
      .apply(([queueArn, arns]) => JSON.stringify(eventBridgeDlqQueuePolicy(queueArn, arns)));
    return new aws.sqs.QueuePolicy(`${name}-policy`, { queueUrl: this.queue.url, policy }, { parent: this });
  }

  /** Any visible message means something was lost on its way: alarm on the first one. */
  private createAlarm(name: string, alarmActions: pulumi.Input<string>[]): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
      `${name}-alarm`,
      {
        alarmDescription: pulumi.interpolate`Messages are waiting in the dead-letter queue ${this.queue.name}`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: this.queue.name },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions,
      },
      { parent: this },
    );
  }
}
