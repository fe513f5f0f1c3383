import { z } from 'zod';
import type { BusEvent, CancellationRequestedDetail, ConfirmShipmentInput } from './contract';

/**
 * Validation of what the handlers receive from EventBridge. The shapes come from contract.ts; these schemas add
 * the bounds. They are checked against the contract types at compile time (`satisfies`), so a change to the
 * contract that these schemas do not follow fails the typecheck.
 */

/**
 * Order ids are EventBridge event ids, which are UUIDs (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html).
 * Any 8-4-4-4-12 hex string is accepted, not only RFC 9562 version 4: the id's shape is what protects the table
 * (no `idempotency#...` bookkeeping key can be asked for), its version bits are not.
 */
export const ORDER_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const OrderIdSchema = z.string().regex(ORDER_ID_PATTERN, { error: 'Must be an order id (a UUID)' });

export function isOrderId(value: unknown): value is string {
  return typeof value === 'string' && ORDER_ID_PATTERN.test(value);
}

/**
 * The part of an EventBridge event envelope capture-order relies on: the id (the order id) and the time (when the
 * upload reached the bus). Nothing else is required, so a hand-made test event in the Lambda console works too.
 */
export const BusEventEnvelopeSchema = z.object({
  id: z.string().min(1).max(128),
  time: z.string().min(1).max(64),
  detail: z.unknown(),
}) satisfies z.ZodType<Pick<BusEvent, 'id' | 'time' | 'detail'>>;

export const CancellationRequestedDetailSchema = z.strictObject({
  orderId: OrderIdSchema,
  reason: z.string().trim().min(1).max(300),
}) satisfies z.ZodType<CancellationRequestedDetail>;

export const ConfirmShipmentInputSchema = z.strictObject({
  orderId: OrderIdSchema,
  // An empty string means "not sent": the input transformer renders a missing path as "".
  trackingNumber: z
    .string()
    .trim()
    .max(64)
    .regex(/^[\x20-\x7e]*$/, { error: 'Must contain only printable ASCII characters' }),
  // Checked (and, if odd, replaced by confirmedAt) by effectiveShippedAt: an odd timestamp must not lose a shipment.
  shippedAt: z.string().max(64),
  confirmedAt: z.iso.datetime({ offset: true }),
  confirmationId: z.string().min(1).max(128),
}) satisfies z.ZodType<ConfirmShipmentInput>;

/** zod issues as `path: message` strings for a log record. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}
