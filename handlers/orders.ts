import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { OrderStates, OrdersTableKey, type OrderState } from './contract';
import { InconsistentStateError } from './errors';
import {
  cancelledReason,
  idempotencyClaimId,
  planTransition,
  shippedReason,
  sourceStatesOf,
  type AliasItem,
  type IdempotencyClaimItem,
  type OrderItem,
  type RejectedCallbackItem,
} from './order-model';

/**
 * The orders table repository. Every write is conditional, so a redelivered or late event changes nothing:
 * creates require the id to be new, transitions require the order to be in a state the transition may leave.
 * Conditional failures come back as outcomes (the caller logs them); every other DynamoDB error is thrown, so
 * Lambda's asynchronous retries and the on-failure destination keep the event.
 */

/** The one way the handlers make their DynamoDB client. The SDK honours AWS_ENDPOINT_URL by itself. */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export type CreateOutcome =
  | { kind: 'created' }
  /** An item with this id exists already: the same event was delivered again. */
  | { kind: 'duplicate' }
  /** The idempotency key belongs to an earlier order; this event id now points at it. */
  | { kind: 'aliased'; orderId: string };

export type TransitionOutcome =
  | { kind: 'applied'; order: OrderItem }
  | { kind: 'unknown-order' }
  | { kind: 'already-done'; orderId: string; state: OrderState }
  | { kind: 'not-allowed'; orderId: string; state: OrderState }
  /** The order exists but belongs to someone other than the requester: nothing changed. */
  | { kind: 'not-owner'; orderId: string };

export interface FoundOrder {
  order: OrderItem;
  /** Set when the id asked for was an alias of `order.id`. */
  aliasId?: string;
}

const NEW_ID_CONDITION = `attribute_not_exists(#key)`;
const KEY_NAMES = { '#key': OrdersTableKey };

/** https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html (CancellationReasons) */
function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return Array.isArray(reasons) ? reasons.map((reason) => reason.Code ?? 'None') : undefined;
}

/** By name, not instanceof: a bundle may carry its own copy of the SDK's exception classes. */
function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function isOrderItem(item: Record<string, unknown> | undefined): item is Record<string, unknown> & OrderItem {
  return (
    item !== undefined && typeof item.state === 'string' && (OrderStates as readonly string[]).includes(item.state)
  );
}

export class OrdersRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Creates an order unless its id exists. With an idempotency claim, the order and the claim are written in one
   * transaction; when the claim already belongs to another order, this event's id becomes an alias of it.
   */
  async createOrder(order: OrderItem, idempotency?: { customerId: string; key: string }): Promise<CreateOutcome> {
    if (idempotency === undefined) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: order,
            ConditionExpression: NEW_ID_CONDITION,
            ExpressionAttributeNames: KEY_NAMES,
          }),
        );
        return { kind: 'created' };
      } catch (error) {
        if (isConditionalCheckFailed(error)) return { kind: 'duplicate' };
        throw error;
      }
    }

    const claim: IdempotencyClaimItem = {
      id: idempotencyClaimId(idempotency.customerId, idempotency.key),
      orderId: order.id,
      createdAt: order.createdAt,
    };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: order,
                ConditionExpression: NEW_ID_CONDITION,
                ExpressionAttributeNames: KEY_NAMES,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: claim,
                ConditionExpression: NEW_ID_CONDITION,
                ExpressionAttributeNames: KEY_NAMES,
              },
            },
          ],
        }),
      );
      return { kind: 'created' };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw error;
      // The order's own id is taken (by the order or by an alias written on an earlier delivery): a redelivery.
      if (codes[0] === 'ConditionalCheckFailed') return { kind: 'duplicate' };
      // Only the claim failed its condition: another order owns this key.
      if (codes[0] === 'None' && codes[1] === 'ConditionalCheckFailed') return this.aliasToClaimOwner(order, claim.id);
      // TransactionConflict (a concurrent upload with the same key), throttling, ...: retried by Lambda.
      throw error;
    }
  }

  private async aliasToClaimOwner(order: OrderItem, claimId: string): Promise<CreateOutcome> {
    const claim = await this.getItem(claimId);
    if (claim === undefined || typeof claim.orderId !== 'string') {
      throw new InconsistentStateError(`idempotency claim ${claimId} was reported taken but cannot be read`);
    }
    if (claim.orderId === order.id) return { kind: 'duplicate' };
    const alias: AliasItem = { id: order.id, aliasOf: claim.orderId, createdAt: order.createdAt };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: alias,
          ConditionExpression: NEW_ID_CONDITION,
          ExpressionAttributeNames: KEY_NAMES,
        }),
      );
      return { kind: 'aliased', orderId: claim.orderId };
    } catch (error) {
      // A concurrent delivery of this same event wrote the alias first.
      if (isConditionalCheckFailed(error)) return { kind: 'duplicate' };
      throw error;
    }
  }

  /** The order with this id, following one alias hop. Bookkeeping items are never returned. */
  async findOrder(id: string): Promise<FoundOrder | undefined> {
    const item = await this.getItem(id);
    if (item === undefined) return undefined;
    if (typeof item.aliasOf === 'string') {
      const target = await this.getItem(item.aliasOf);
      return isOrderItem(target) ? { order: target, aliasId: id } : undefined;
    }
    return isOrderItem(item) ? { order: item } : undefined;
  }

  /** Cancels the order when `requesterId` owns it (the owner of an order never changes, so reading it suffices). */
  async cancelOrder(id: string, reason: string, now: Date, requesterId: string): Promise<TransitionOutcome> {
    const at = now.toISOString();
    return this.transition(
      id,
      'cancelled',
      { requesterId },
      {
        reason: cancelledReason(reason),
        cancellationReason: reason,
        cancelledAt: at,
        updatedAt: at,
      },
    );
  }

  async shipOrder(
    id: string,
    shipment: { trackingNumber?: string; shippedAt: string },
    now: Date,
  ): Promise<TransitionOutcome> {
    return this.transition(
      id,
      'shipped',
      {},
      {
        reason: shippedReason(shipment.shippedAt),
        shippedAt: shipment.shippedAt,
        trackingNumber: shipment.trackingNumber,
        updatedAt: now.toISOString(),
      },
    );
  }

  /**
   * Reads the order (following an alias), decides with the pure state machine, then updates under a condition on
   * the state it read from, so a concurrent transition that got there first makes this one fail instead of
   * overwriting it. On a lost race the order is read again to report what it became.
   */
  private async transition(
    id: string,
    target: OrderState,
    guard: { requesterId?: string },
    fields: Record<string, string | undefined>,
  ): Promise<TransitionOutcome> {
    const found = await this.findOrder(id);
    if (found !== undefined && guard.requesterId !== undefined && found.order.ownerId !== guard.requesterId) {
      return { kind: 'not-owner', orderId: found.order.id };
    }
    const plan = planTransition(found?.order.state, target);
    if (found === undefined || plan.kind === 'unknown-order') return { kind: 'unknown-order' };
    if (plan.kind !== 'apply') return { ...plan, orderId: found.order.id };

    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':target': target };
    const sets = ['#state = :target'];
    Object.entries(fields).forEach(([name, value], index) => {
      if (value === undefined) return;
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      sets.push(`#f${index} = :f${index}`);
    });
    const from = sourceStatesOf(target);
    from.forEach((state, index) => (values[`:from${index}`] = state));

    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [OrdersTableKey]: found.order.id },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `#state IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'applied', order: result.Attributes as OrderItem };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const now = await this.findOrder(found.order.id);
      const replan = planTransition(now?.order.state, target);
      if (now === undefined || replan.kind === 'unknown-order') return { kind: 'unknown-order' };
      if (replan.kind === 'apply') {
        throw new InconsistentStateError(
          `order ${found.order.id} failed its transition condition but reads as ${now.order.state}`,
        );
      }
      return { ...replan, orderId: now.order.id };
    }
  }

  /**
   * Keeps a callback that was refused or rejected in the table; a redelivered callback (same event id, same item id)
   * writes nothing new.
   */
  async recordRejectedCallback(item: RejectedCallbackItem): Promise<'recorded' | 'duplicate'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: NEW_ID_CONDITION,
          ExpressionAttributeNames: KEY_NAMES,
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'duplicate';
      throw error;
    }
  }

  /** Consistent reads: a transition or an alias must see the write that happened a moment before. */
  private async getItem(id: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [OrdersTableKey]: id }, ConsistentRead: true }),
    );
    return result.Item;
  }
}
