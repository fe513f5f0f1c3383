import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
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

type TransitionUpdate = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/**
 * The update that makes a transition: the target state and the fields set (undefined ones left out), under the
 * condition that the order is in a state the target may be reached from and, with a requester, that it is theirs.
 * An alias or a bookkeeping item has no state, so the condition fails on it as on a missing item.
 */
function transitionUpdate(
  target: OrderState,
  fields: Record<string, string | undefined>,
  requesterId?: string,
): TransitionUpdate {
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
  const conditions = [`#state IN (${from.map((_, index) => `:from${index}`).join(', ')})`];
  if (requesterId !== undefined) {
    names['#owner'] = 'ownerId';
    values[':requester'] = requesterId;
    conditions.push('#owner = :requester');
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
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
   * One conditional update first: the order must be in a state the transition may leave (and, for a requester, be
   * theirs). Nearly every transition names a pending order, so this is usually the only request: no consistent read
   * before it. Only when the condition fails (an alias, an unknown id, another owner, a state the transition may not
   * leave) is the order read, following an alias, and the pure state machine decides what to report or which order
   * to update. A race lost on that second update is read again to report what the order became.
   */
  private async transition(
    id: string,
    target: OrderState,
    guard: { requesterId?: string },
    fields: Record<string, string | undefined>,
  ): Promise<TransitionOutcome> {
    const update = transitionUpdate(target, fields, guard.requesterId);
    const applied = await this.updateIfAllowed(id, update);
    if (applied !== undefined) return { kind: 'applied', order: applied };

    const found = await this.findOrder(id);
    if (found !== undefined && guard.requesterId !== undefined && found.order.ownerId !== guard.requesterId) {
      return { kind: 'not-owner', orderId: found.order.id };
    }
    const plan = planTransition(found?.order.state, target);
    if (found === undefined || plan.kind === 'unknown-order') return { kind: 'unknown-order' };
    if (plan.kind !== 'apply') return { ...plan, orderId: found.order.id };

    // An alias of an order that may make the transition (or an order written since the first update).
    const order = await this.updateIfAllowed(found.order.id, update);
    if (order !== undefined) return { kind: 'applied', order };
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

  /** The updated order, or undefined when the update's condition failed (nothing was written). */
  private async updateIfAllowed(id: string, update: TransitionUpdate): Promise<OrderItem | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [OrdersTableKey]: id },
          ...update,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as OrderItem;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
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
