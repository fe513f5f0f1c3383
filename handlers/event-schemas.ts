import * as z from './zod';
import type { BusEvent, CancellationRequestedDetail, ConfirmShipmentInput } from './contract';
import { ORDER_ID_PATTERN } from './order-id';

/**
 * Validation of what the handlers receive from EventBridge. The shapes come from contract.ts; these schemas add
 * the bounds. They are checked against the contract types at compile time (`satisfies`), so a change to the
 * contract that these schemas do not follow fails the typecheck.
 */

export const OrderIdSchema = z.string().check(z.regex(ORDER_ID_PATTERN, { error: 'Must be an order id (a UUID)' }));

/**
 * The part of an EventBridge event envelope capture-order relies on: the id (the order id) and the time (when the
 * upload reached the bus). Nothing else is required, so a hand-made test event in the Lambda console works too.
 */
export const BusEventEnvelopeSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  time: z.string().check(z.minLength(1), z.maxLength(64)),
  detail: z.unknown(),
}) satisfies z.ZodMiniType<Pick<BusEvent, 'id' | 'time' | 'detail'>>;

export const CancellationRequestedDetailSchema = z.strictObject({
  orderId: OrderIdSchema,
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
}) satisfies z.ZodMiniType<CancellationRequestedDetail>;

export const ConfirmShipmentInputSchema = z.strictObject({
  orderId: OrderIdSchema,
  // An empty string means "not sent": the input transformer renders a missing path as "".
  trackingNumber: z
    .string()
    .check(
      z.trim(),
      z.maxLength(64),
      z.regex(/^[\x20-\x7e]*$/, { error: 'Must contain only printable ASCII characters' }),
    ),
  // Checked (and, if odd, replaced by confirmedAt) by effectiveShippedAt: an odd timestamp must not lose a shipment.
  shippedAt: z.string().check(z.maxLength(64)),
  confirmedAt: z.isoDateTime({ offset: true }),
  confirmationId: z.string().check(z.minLength(1), z.maxLength(128)),
}) satisfies z.ZodMiniType<ConfirmShipmentInput>;

/** zod issues as `path: message` strings for a log record. */
export function describeIssues(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}
