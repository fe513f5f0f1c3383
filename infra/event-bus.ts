/**
 * The orders bus: a custom event bus, an archive for replay, and a catch-all rule that copies events into a
 * CloudWatch log group (`/aws/events/<bus>`). Neither the archive nor the log keeps uploads, the only events that
 * carry customer data (RulePatterns.everyEventWithoutCustomerData). Other parts of the stack attach rules with
 * `subscribe()`, which returns a child BusSubscription owning rule, target, DLQ and permission.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { RulePatterns } from '../handlers/contract';
import { BusSubscription, type BusSubscriptionArgs } from './bus-subscription';
import type { DeadLetterQueue } from './dead-letter-queue';

export interface EventBusArgs {
  /** Physical bus name (default `<component name>-<stack>`). */
  busName?: string;
  /** Days the archive keeps events for replay (0 = forever). */
  archiveRetentionDays: number;
  logRetentionDays: number;
  alarmActions?: pulumi.Input<string>[];
}

export type SubscribeArgs = Omit<BusSubscriptionArgs, 'busName' | 'alarmActions'>;

export class EventBus extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly archive: aws.cloudwatch.EventArchive;
  readonly catchAllLogGroup: aws.cloudwatch.LogGroup;
  readonly catchAll: BusSubscription;
  readonly subscriptions: BusSubscription[] = [];
  readonly busName: string;
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  private readonly componentName: string;
  private readonly alarmActions: pulumi.Input<string>[];

  constructor(name: string, args: EventBusArgs, opts?: pulumi.ComponentResourceOptions) {
    // The component was called OrderEvents: the alias keeps a deployed stack's bus and children (no replacement).
    // https://www.pulumi.com/docs/iac/concepts/options/aliases/
    super(
      'order-event-gateway:infra:EventBus',
      name,
      {},
      { ...opts, aliases: [...(opts?.aliases ?? []), { type: 'order-event-gateway:infra:OrderEvents' }] },
    );
    if (!Number.isInteger(args.archiveRetentionDays) || args.archiveRetentionDays < 0)
      throw new Error(`EventBus ${name}: archiveRetentionDays must be 0 or more`);
    this.componentName = name;
    this.alarmActions = args.alarmActions ?? [];
    this.busName = args.busName ?? `${name}-${pulumi.getStack()}`;
    if (!/^[A-Za-z0-9._-]{1,256}$/.test(this.busName) || this.busName === 'default')
      throw new Error(`EventBus ${name}: "${this.busName}" is not a valid custom bus name`);
    this.bus = this.createBus(name);
    this.name = this.bus.name;
    this.arn = this.bus.arn;
    this.archive = this.createArchive(name, args.archiveRetentionDays);
    this.catchAllLogGroup = this.createCatchAllLogGroup(name, args.logRetentionDays);
    this.catchAll = this.subscribe('all-events', {
      description: 'Every event on the bus but uploads (customer data), into its log group',
      pattern: RulePatterns.everyEventWithoutCustomerData,
      target: { kind: 'logGroup', logGroupArn: this.catchAllLogGroup.arn },
    });
    this.registerOutputs({ name: this.name, arn: this.arn });
  }

  /** Attach a rule and its target to this bus. The child is named `<bus component>-<name>`. */
  subscribe(name: string, args: SubscribeArgs): BusSubscription {
    const childName = `${this.componentName}-${name}`;
    if (this.subscriptions.some((s) => s.subscriptionName === childName))
      throw new Error(`EventBus ${this.componentName}: a subscription named ${name} already exists`);
    const subscription = new BusSubscription(
      childName,
      { ...args, busName: this.bus.name, alarmActions: this.alarmActions },
      { parent: this },
    );
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** Every DLQ this bus's subscriptions own. */
  get deadLetterQueues(): DeadLetterQueue[] {
    return this.subscriptions.map((s) => s.deadLetterQueue);
  }

  private createBus(name: string): aws.cloudwatch.EventBus {
    return new aws.cloudwatch.EventBus(name, { name: this.busName }, { parent: this });
  }

  /**
   * Archives every event but uploads, so the archive holds no customer data. Nothing is lost by it: an upload that
   * capture-order stored lives in the table (point-in-time recovery on), one it could not store waits in a
   * dead-letter queue for redrive, and every later step (order changes, cancellations, confirmations) is archived.
   */
  private createArchive(name: string, retentionDays: number): aws.cloudwatch.EventArchive {
    return new aws.cloudwatch.EventArchive(
      `${name}-archive`,
      {
        name: `${this.busName}-archive`,
        eventSourceArn: this.bus.arn,
        eventPattern: JSON.stringify(RulePatterns.everyEventWithoutCustomerData),
        retentionDays,
        description: `Every event on ${this.busName} but uploads (customer data), for replay`,
      },
      { parent: this },
    );
  }

  /** EventBridge log targets must live under /aws/events/. */
  private createCatchAllLogGroup(name: string, retentionInDays: number): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
      `${name}-all-events-logs`,
      { name: `/aws/events/${this.busName}`, retentionInDays },
      { parent: this },
    );
  }
}
