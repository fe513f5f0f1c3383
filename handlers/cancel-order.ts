import type { Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import type { BusEvent } from './contract';
import { CancellationRequestedDetailSchema, describeIssues } from './event-schemas';
import { logger } from './logger';
import { recordOrderCancelled } from './metrics';
import { createDocumentClient, OrdersRepository } from './orders';

/**
 * Target of the `Order Cancellation Requested` rule. Only a pending order can be cancelled; a cancellation of an
 * unknown, shipped, rejected or already cancelled order changes nothing and is logged, not thrown (a retry would
 * not change the answer). An invalid request has no order to be recorded on, so it is logged by its event id and
 * the validation issues, never by its body: a client may post anything, customer data included, and customer data
 * stays in the table.
 */

const config = loadTableConfig();
const orders = new OrdersRepository(createDocumentClient(), config.ordersTableName);

export const handler = async (event: BusEvent, context?: Context): Promise<void> => {
  if (context !== undefined) logger.addContext(context);
  const request = CancellationRequestedDetailSchema.safeParse(event?.detail);
  if (!request.success) {
    logger.error('Invalid cancellation request; ignored', { issues: describeIssues(request.error), eventId: event?.id, source: event?.source });
    return;
  }
  const { orderId, reason } = request.data;
  const outcome = await orders.cancelOrder(orderId, reason, new Date());
  switch (outcome.kind) {
    case 'applied':
      logger.info('Order cancelled', { orderId: outcome.order.id, requestedId: orderId, eventId: event.id });
      recordOrderCancelled();
      return;
    case 'unknown-order':
      logger.warn('Cancellation of an unknown order; nothing changed', { orderId, eventId: event.id });
      return;
    case 'already-done':
      logger.info('Order already cancelled; nothing changed', { orderId: outcome.orderId, eventId: event.id });
      return;
    case 'not-allowed':
      logger.warn('Order cannot be cancelled in its state; nothing changed', {
        orderId: outcome.orderId,
        state: outcome.state,
        eventId: event.id,
      });
      return;
  }
};
