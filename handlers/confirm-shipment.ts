import type { Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import type { ConfirmShipmentInput } from './contract';
import { ConfirmShipmentInputSchema, describeIssues } from './event-schemas';
import { logger } from './logger';
import { recordOrderShipped } from './metrics';
import { effectiveShippedAt } from './order-model';
import { createDocumentClient, OrdersRepository } from './orders';

/**
 * Target of the `Shipment Confirmed` rule, whose input transformer has already reshaped the carrier's callback
 * into a ConfirmShipmentInput. Only a pending order ships; anything else changes nothing and is logged.
 */

const config = loadTableConfig();
const orders = new OrdersRepository(createDocumentClient(), config.ordersTableName);

export const handler = async (input: ConfirmShipmentInput, context?: Context): Promise<void> => {
  if (context !== undefined) logger.addContext(context);
  const parsed = ConfirmShipmentInputSchema.safeParse(input);
  if (!parsed.success) {
    logger.error('Invalid shipment confirmation; ignored', { issues: describeIssues(parsed.error), input });
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
      logger.warn('Shipment confirmation for an unknown order; nothing changed', { orderId, confirmationId });
      return;
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
