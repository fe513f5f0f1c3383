/**
 * Chat notifications without code: an API destination to a Slack incoming webhook, fed by a rule whose input
 * transformer renders the message. Slack's webhook URL is itself the credential (so it is a secret); the
 * connection EventBridge requires carries a non-secret marker header, since Slack checks nothing else.
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks/
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { BusSubscription } from './bus-subscription';
import type { EventBus } from './event-bus';
import { chatMessageTransformer } from './templates';

/** Slack accepts about one message per second per webhook. */
export const CHAT_RATE_LIMIT_PER_SECOND = 1;

export interface ChatNotifierArgs {
  /** The incoming-webhook URL (secret). */
  webhookUrl: pulumi.Input<string>;
  events: EventBus;
  /** Which events become messages. */
  pattern: object;
}

export class ChatNotifier extends pulumi.ComponentResource {
  readonly connection: aws.cloudwatch.EventConnection;
  readonly destination: aws.cloudwatch.EventApiDestination;
  readonly subscription: BusSubscription;

  constructor(name: string, args: ChatNotifierArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:ChatNotifier', name, {}, opts);
    this.connection = this.createConnection(name);
    this.destination = this.createDestination(name, args.webhookUrl);
    this.subscription = args.events.subscribe(name, {
      description: 'Order state changes to the chat webhook',
      pattern: args.pattern,
      target: { kind: 'apiDestination', destinationArn: this.destination.arn },
      inputTransformer: chatMessageTransformer,
    });
    this.registerOutputs({ destinationArn: this.destination.arn });
  }

  private createConnection(name: string): aws.cloudwatch.EventConnection {
    return new aws.cloudwatch.EventConnection(
      `${name}-connection`,
      {
        name: `${name}-${pulumi.getStack()}`,
        description: 'Slack incoming webhook (the URL is the credential)',
        authorizationType: 'API_KEY',
        authParameters: { apiKey: { key: 'X-Notifier', value: 'order-event-gateway' } },
      },
      { parent: this },
    );
  }

  private createDestination(name: string, webhookUrl: pulumi.Input<string>): aws.cloudwatch.EventApiDestination {
    return new aws.cloudwatch.EventApiDestination(
      name,
      {
        name: `${name}-${pulumi.getStack()}`,
        connectionArn: this.connection.arn,
        invocationEndpoint: pulumi.secret(webhookUrl),
        httpMethod: 'POST',
        invocationRateLimitPerSecond: CHAT_RATE_LIMIT_PER_SECOND,
      },
      { parent: this },
    );
  }
}
