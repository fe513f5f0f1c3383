import type { Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import type { BusEvent } from './contract';
import { readCustomerRequest } from './customer-request';
import { CancellationRequestedDetailSchema, describeIssues } from './event-schemas';
import { logger } from './logger';
import { recordOrderCancelled } from './metrics';
import { NOT_OWNER_REFUSAL, refusedCancellationId, templateSafeText } from './order-model';
import { createDocumentClient, OrdersRepository } from './orders';

/**
 * Target of the `Order Cancellation Requested` rule. Only a pending order can be cancelled, and only by its owner
 * (the verified token's subject API Gateway put beside the request). A cancellation of an unknown, shipped,
 * rejected or already cancelled order changes nothing and is logged, not thrown (a retry would not change the
 * answer). A request by someone who does not own the order, or one whose wrapper was tampered with, is refused and
 * kept in the table as a refused cancellation. An invalid request has no order to be recorded on, so it is logged by
 * its event id and the validation issues, never by its body: a client may post anything, customer data included,
 * and customer data stays in the table.
 */

/** How much of a refused request's reason is kept. */
const MAX_REFUSED_REASON_LENGTH = 300;

const config = loadTableConfig();
const orders = new OrdersRepository(createDocumentClient(), config.ordersTableName);

export const handler = async (event: BusEvent, context?: Context): Promise<void> => {
  if (context !== undefined) logger.addContext(context);
  const customer = readCustomerRequest(event?.detail);
  const request = CancellationRequestedDetailSchema.safeParse(customer.body);
  if (!request.success) {
    logger.error('Invalid cancellation request; ignored', {
      issues: describeIssues(request.error),
      eventId: event?.id,
      source: event?.source,
    });
    return;
  }
  const { orderId, reason } = request.data;
  const now = new Date();
  const refuse = async (refusal: string, requestedBy: string | undefined): Promise<void> => {
    const recorded = await orders.recordRefusedCancellation({
      id: refusedCancellationId(event.id),
      orderId,
      ...(requestedBy !== undefined ? { requestedBy } : {}),
      refusal,
      requestedReason: templateSafeText(reason, MAX_REFUSED_REASON_LENGTH),
      refusedAt: now.toISOString(),
    });
    logger.warn('Cancellation refused; recorded, nothing changed', { orderId, refusal, eventId: event.id, recorded });
  };
  if (!customer.ok) {
    await refuse(customer.problem, undefined);
    return;
  }
  const outcome = await orders.cancelOrder(orderId, reason, now, customer.customerId);
  switch (outcome.kind) {
    case 'not-owner':
      await refuse(NOT_OWNER_REFUSAL, customer.customerId);
      return;
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
