import { createHash } from 'node:crypto';
import * as z from './zod';
import type { ShipmentConfirmedDetail } from './contract';
import { OrderIdSchema } from './event-schemas';

/**
 * The pure side of the carrier mock: what the API destination sends it, what it sends back to our callback, and
 * how it reads our callback's answer.
 */

/**
 * The body the `orderCreated` / `orderCancelled` API destination targets send (rendered by their input
 * transformers). Extra keys are ignored, as a real carrier API would.
 */
export const CarrierNotificationSchema = z.object({
  order_id: OrderIdSchema,
  state: z.enum(['pending', 'cancelled'], { error: 'The carrier handles only pending and cancelled orders' }),
  reason: z.string().check(z.maxLength(1000)),
});

export type CarrierNotification = z.infer<typeof CarrierNotificationSchema>;

/** What EventBridge puts in the header from `HttpParameters`: visible ASCII, bounded. */
export const IdempotencyKeyHeaderSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[\x21-\x7e]+$/, { error: 'Must be visible ASCII characters' }));

/**
 * The tracking number is derived from the order id, so a retried notification for the same order confirms the
 * same shipment (a carrier is idempotent per order, whatever the Idempotency-Key of the retry).
 */
export function trackingNumberFor(orderId: string): string {
  return `TRK-${createHash('sha256').update(orderId).digest('hex').slice(0, 12).toUpperCase()}`;
}

export function shipmentConfirmation(orderId: string, shippedAt: Date): ShipmentConfirmedDetail {
  return { order_id: orderId, tracking_number: trackingNumberFor(orderId), shipped_at: shippedAt.toISOString() };
}

/**
 * Our callback route is an EventBridge-PutEvents integration, which answers 200 even when the entry failed
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html),
 * so a 2xx only counts when the PutEvents result inside reports no failed entry.
 */
export function callbackFailure(status: number, bodyText: string): string | undefined {
  if (status < 200 || status > 299) return `callback answered HTTP ${status}`;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (typeof body === 'object' && body !== null && 'FailedEntryCount' in body) {
    const failed = (body as { FailedEntryCount?: unknown }).FailedEntryCount;
    if (typeof failed === 'number' && failed > 0)
      return `callback's PutEvents reported ${failed} failed entr${failed === 1 ? 'y' : 'ies'}`;
  }
  return undefined;
}
