/**
 * Order ids are EventBridge event ids, which are UUIDs (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html).
 * Any 8-4-4-4-12 hex string is accepted, not only RFC 9562 version 4: the id's shape is what protects the table
 * (no `idempotency#...` bookkeeping key can be asked for), its version bits are not.
 * Kept apart from the schemas so a handler that only checks an id (get-order) bundles no schema library.
 */
export const ORDER_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isOrderId(value: unknown): value is string {
  return typeof value === 'string' && ORDER_ID_PATTERN.test(value);
}
