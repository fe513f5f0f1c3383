import type { Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import type { BusEvent } from './contract';
import { InvalidEventError } from './errors';
import { BusEventEnvelopeSchema, describeIssues } from './event-schemas';
import { logger } from './logger';
import { recordOrderCaptured, recordOrderRejected } from './metrics';
import { newPendingOrder, newRejectedOrder } from './order-model';
import { createDocumentClient, OrdersRepository } from './orders';
import { readCustomerRequest } from './customer-request';
import { validateUpload } from './upload-schema';

/**
 * Target of the `Order Uploaded` rule (asynchronous invoke, the whole EventBridge event). The order id is the
 * event id, so a redelivered event finds its order already written and changes nothing. A valid upload becomes a
 * pending order; an invalid one becomes a rejected order carrying its validation errors, so nothing is dropped.
 * The order's owner is the verified token's subject that API Gateway put beside the upload (customer-request.ts);
 * a request whose wrapper was tampered with becomes a rejected order that nobody owns.
 */

const config = loadTableConfig();
const orders = new OrdersRepository(createDocumentClient(), config.ordersTableName);

export const handler = async (event: BusEvent, context?: Context): Promise<void> => {
  if (context !== undefined) logger.addContext(context);
  const envelope = BusEventEnvelopeSchema.safeParse(event);
  if (!envelope.success) {
    // Not an upload problem but a wiring one: throw, so the on-failure destination keeps the event.
    throw new InvalidEventError(`not an EventBridge event: ${describeIssues(envelope.error).join('; ')}`);
  }
  const { id, time } = envelope.data;
  const now = new Date();
  const request = readCustomerRequest(envelope.data.detail);
  const ownerId = request.ok ? request.customerId : undefined;
  const detail = request.body;
  const validation = request.ok
    ? validateUpload(detail)
    : { ok: false as const, errors: [{ path: '(root)', message: request.problem }] };

  if (!validation.ok) {
    const order = newRejectedOrder({ id, ownerId, detail, errors: validation.errors, uploadedAt: time, now });
    const outcome = await orders.createOrder(order);
    if (outcome.kind === 'duplicate') {
      logger.info('Duplicate delivery of a rejected upload; nothing changed', { orderId: id });
      return;
    }
    logger.warn('Upload rejected', { orderId: id, reason: order.reason, errors: validation.errors });
    recordOrderRejected(validation.errors);
    return;
  }

  const { upload } = validation;
  // An upload only validates when its request was verified, so it has an owner.
  const owner = ownerId as string;
  const order = newPendingOrder({ id, ownerId: owner, upload, uploadedAt: time, now });
  if (order.ignoredCustomerId !== undefined) {
    logger.warn('Upload named another customer id than its token; the token wins', { orderId: id });
  }
  // Only a valid upload claims its idempotency key: a rejected one must not block the corrected retry. Keys are
  // per owner, so one customer cannot take another's key.
  const idempotency =
    upload.idempotencyKey !== undefined ? { customerId: owner, key: upload.idempotencyKey } : undefined;
  const outcome = await orders.createOrder(order, idempotency);
  switch (outcome.kind) {
    case 'created':
      logger.info('Order captured', { orderId: id, state: order.state });
      recordOrderCaptured();
      return;
    case 'duplicate':
      logger.info('Duplicate delivery of an upload; nothing changed', { orderId: id });
      return;
    case 'aliased':
      logger.info('Upload repeats an earlier idempotency key; recorded as an alias of that order', {
        orderId: outcome.orderId,
        aliasId: id,
        idempotencyKey: upload.idempotencyKey,
      });
      return;
  }
};
