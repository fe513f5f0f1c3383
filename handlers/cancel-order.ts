import type { Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import type { BusEvent } from './contract';
import { type CustomerRequest, readCustomerRequest } from './customer-request';
import { UnplaceableCallbackError } from './errors';
import { CancellationRequestedDetailSchema, describeIssues, OrderIdSchema } from './event-schemas';
import { logger } from './logger';
import { recordOrderCancelled } from './metrics';
import { NOT_OWNER_REFUSAL, refusedCancellationId, templateSafeText } from './order-model';
import { createDocumentClient, OrdersRepository } from './orders';

/**
 * Target of the `Order Cancellation Requested` rule. Only a pending order can be cancelled, and only by its owner
 * (the verified token's subject API Gateway put beside the request). A cancellation of a shipped, rejected or
 * already cancelled order changes nothing and is logged (the order's state says why, and a redelivery must not
 * fail). Nothing else is only a log line (README, "What happens to a bad callback"): a request by someone who does
 * not own the order, one whose wrapper was tampered with, or an invalid one that names a known order is kept in
 * the table as a refused cancellation; one that names no known order is thrown, so the function's DLQ keeps the
 * event. Logs name the event id and the validation issues, never the body: a client may post anything, customer
 * data included, and customer data stays in the table.
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
    await refuseInvalid(event, customer, describeIssues(request.error));
    return;
  }
  const { orderId, reason } = request.data;
  const now = new Date();
  const refuse = async (refusal: string, requestedBy: string | undefined): Promise<void> => {
    const recorded = await orders.recordRejectedCallback({
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
      logger.error('Cancellation of an unknown order; sent to the DLQ', { orderId, eventId: event.id });
      throw new UnplaceableCallbackError(`Cancellation ${event.id} names an unknown order ${orderId}`);
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

/**
 * An invalid request: refused and recorded beside its order when it names a known one (and has an event id to key
 * the record), thrown otherwise. The issues are kept and logged; of the body, only a bounded reason when it is text.
 */
async function refuseInvalid(event: BusEvent, customer: CustomerRequest, issues: string[]): Promise<void> {
  const body = (typeof customer.body === 'object' && customer.body !== null ? customer.body : {}) as Record<
    string,
    unknown
  >;
  const orderId = OrderIdSchema.safeParse(body.orderId);
  const eventId = typeof event?.id === 'string' && event.id !== '' ? event.id : undefined;
  const found = orderId.success && eventId !== undefined ? await orders.findOrder(orderId.data) : undefined;
  if (found === undefined || eventId === undefined) {
    logger.error('Invalid cancellation request without a known order; sent to the DLQ', {
      issues,
      eventId: event?.id,
      source: event?.source,
    });
    throw new UnplaceableCallbackError(`Invalid cancellation request ${String(event?.id)}: ${issues.join('; ')}`);
  }
  const recorded = await orders.recordRejectedCallback({
    id: refusedCancellationId(eventId),
    orderId: found.order.id,
    ...(customer.ok ? { requestedBy: customer.customerId } : {}),
    refusal: templateSafeText(`Invalid request: ${issues.join('; ')}`, MAX_REFUSED_REASON_LENGTH),
    requestedReason: typeof body.reason === 'string' ? templateSafeText(body.reason, MAX_REFUSED_REASON_LENGTH) : '',
    refusedAt: new Date().toISOString(),
  });
  logger.error('Invalid cancellation request; recorded beside the order, nothing changed', {
    orderId: found.order.id,
    eventId,
    issues,
    recorded,
  });
}
