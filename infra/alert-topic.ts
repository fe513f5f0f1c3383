/**
 * Where alarms go when the stack is not told (`alarmActions`): an SNS topic of its own, with an optional e-mail
 * subscription (`alarmEmail`), so a first `pulumi up` already has alarms that reach someone. AWS sends the address
 * a confirmation mail; nothing is delivered until it is confirmed.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
 *
 * The topic is not encrypted with the AWS managed key `alias/aws/sns`: CloudWatch alarms cannot publish to a topic
 * encrypted with it (its key policy cannot be changed to let CloudWatch use it), and alarm notifications carry no
 * customer data. https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { alarmTopicPolicy } from './policies';

export interface AlertTopicArgs {
  /** An address that hears of every alarm (subscribed by e-mail; must be confirmed). */
  email?: string;
}

export class AlertTopic extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicPolicy: aws.sns.TopicPolicy;
  readonly emailSubscription?: aws.sns.TopicSubscription;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:AlertTopic', name, {}, opts);
    this.topic = new aws.sns.Topic(name, { name: `${name}-${pulumi.getStack()}` }, { parent: this });
    this.arn = this.topic.arn;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const policy = pulumi
      .all([this.topic.arn, account, region])
      .apply(([arn, accountId, r]) => JSON.stringify(alarmTopicPolicy(arn, accountId, r)));
    this.topicPolicy = new aws.sns.TopicPolicy(`${name}-policy`, { arn: this.topic.arn, policy }, { parent: this });
    if (args.email !== undefined) {
      this.emailSubscription = new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: this.topic.arn, protocol: 'email', endpoint: args.email },
        { parent: this },
      );
    }
    this.registerOutputs({ arn: this.arn });
  }
}
