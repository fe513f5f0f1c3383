import type { Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import type { ConfirmShipmentInput } from './contract';
import { UnplaceableCallbackError } from './errors';
import { ConfirmShipmentInputSchema, describeIssues, OrderIdSchema } from './event-schemas';
import { logger } from './logger';
import { recordOrderShipped } from './metrics';
import { effectiveShippedAt, rejectedConfirmationId } from './order-model';
import { createDocumentClient, OrdersRepository } from './orders';

/**
 * Target of the `Shipment Confirmed` rule, whose input transformer has already reshaped the carrier's callback
 * into a ConfirmShipmentInput. Only a pending order ships; a confirmation of an order that already shipped, was
 * cancelled or rejected changes nothing and is logged (the order's state says why, and a redelivery must not
 * fail). A confirmation is never only a log line (README, "What happens to a bad callback"): an invalid one that
 * names a known order is kept in the table as a rejected confirmation; one that names no known order is thrown,
 * so the function's DLQ keeps it.
 */

const config = loadTableConfig();
const orders = new OrdersRepository(createDocumentClient(), config.ordersTableName);

export const handler = async (input: ConfirmShipmentInput, context?: Context): Promise<void> => {
  if (context !== undefined) logger.addContext(context);
  const parsed = ConfirmShipmentInputSchema.safeParse(input);
  if (!parsed.success) {
    await rejectInvalid(input, describeIssues(parsed.error));
    return;
  }
  const { orderId, trackingNumber, shippedAt, confirmedAt, confirmationId } = parsed.data;
  const shipped = effectiveShippedAt(shippedAt, confirmedAt);
  if (shipped.ignoredShippedAt !== undefined) {
    logger.warn("Carrier's shipped_at is not an ISO 8601 time; using the confirmation time", {
      orderId,
      shippedAt: shipped.ignoredShippedAt,
      confirmedAt,
      confirmationId,
    });
  }
  const outcome = await orders.shipOrder(
    orderId,
    {
      shippedAt: shipped.time,
      trackingNumber: trackingNumber === '' ? undefined : trackingNumber,
    },
    new Date(),
  );
  switch (outcome.kind) {
    case 'applied':
      logger.info('Order shipped', { orderId: outcome.order.id, trackingNumber, confirmationId });
      recordOrderShipped(outcome.order.uploadedAt, shipped.time);
      return;
    case 'unknown-order':
      logger.error('Shipment confirmation for an unknown order; sent to the DLQ', { orderId, confirmationId });
      throw new UnplaceableCallbackError(`Shipment confirmation ${confirmationId} names an unknown order ${orderId}`);
    case 'already-done':
      logger.info('Order already shipped; nothing changed', { orderId: outcome.orderId, confirmationId });
      return;
    case 'not-allowed':
      logger.warn('Order cannot ship in its state; nothing changed', {
        orderId: outcome.orderId,
        state: outcome.state,
        confirmationId,
      });
      return;
  }
};

/**
 * An invalid confirmation: recorded beside its order when it names a known one and carries its event id (the
 * item's key), thrown otherwise. The issues are kept and logged, the values are not.
 */
async function rejectInvalid(input: unknown, issues: string[]): Promise<void> {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const orderId = OrderIdSchema.safeParse(fields.orderId);
  const eventId = ConfirmShipmentInputSchema.shape.confirmationId.safeParse(fields.confirmationId);
  const confirmationId = eventId.success ? eventId.data : '';
  const found = orderId.success && eventId.success ? await orders.findOrder(orderId.data) : undefined;
  if (found === undefined) {
    logger.error('Invalid shipment confirmation without a known order; sent to the DLQ', { issues, confirmationId });
    throw new UnplaceableCallbackError(`Invalid shipment confirmation ${confirmationId}: ${issues.join('; ')}`);
  }
  const recorded = await orders.recordRejectedCallback({
    id: rejectedConfirmationId(confirmationId),
    orderId: found.order.id,
    confirmationId,
    issues,
    rejectedAt: new Date().toISOString(),
  });
  logger.error('Invalid shipment confirmation; recorded beside the order, nothing changed', {
    orderId: found.order.id,
    confirmationId,
    issues,
    recorded,
  });
}
