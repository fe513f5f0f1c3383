/**
 * The orders table: on-demand, keyed by the order id, streaming NEW_AND_OLD_IMAGES (the pipe reads NewImage),
 * point-in-time recovery and server-side encryption on.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { OrdersTableKey } from '../handlers/contract';
import { tableItemStatement, type PolicyStatement, type TableItemAction } from './policies';

export interface OrdersTableArgs {
  /** The partition key attribute (a string); default the contract's `OrdersTableKey`. */
  hashKey?: string;
  /** Refuse deletion (default false so `pulumi destroy` works on dev stacks). */
  deletionProtection?: boolean;
}

export class OrdersTable extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly streamArn: pulumi.Output<string>;

  constructor(name: string, args: OrdersTableArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:OrdersTable', name, {}, opts);
    const hashKey = args.hashKey ?? OrdersTableKey;
    if (!/^[A-Za-z0-9_.-]{1,255}$/.test(hashKey))
      throw new Error(`OrdersTable ${name}: hashKey "${hashKey}" is not a valid attribute name`);
    this.table = this.createTable(name, hashKey, args.deletionProtection ?? false);
    this.name = this.table.name;
    this.arn = this.table.arn;
    this.streamArn = this.table.streamArn;
    this.registerOutputs({ name: this.name, arn: this.arn, streamArn: this.streamArn });
  }

  /** A statement granting exactly these item actions on this table. */
  grant(actions: readonly TableItemAction[]): pulumi.Output<PolicyStatement> {
    return this.arn.apply((arn) => tableItemStatement(arn, actions));
  }

  private createTable(name: string, hashKey: string, deletionProtectionEnabled: boolean): aws.dynamodb.Table {
    return new aws.dynamodb.Table(
      name,
      {
        billingMode: 'PAY_PER_REQUEST',
        hashKey,
        attributes: [{ name: hashKey, type: 'S' }],
        streamEnabled: true,
        streamViewType: 'NEW_AND_OLD_IMAGES',
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled,
      },
      { parent: this },
    );
  }
}
