import * as z from './zod';
import type { OrderState, OrderSummary } from './contract';
import type { PrintOrderUpload, ValidationErrorEntry } from './upload-schema';

/**
 * The order item and the pure rules around it: reasons, the state machine, the items a write creates, and the
 * public view GET /orders/{id} returns. No I/O here; orders.ts does the conditional writes.
 */

/** The reason of every order that passed validation. The carrier and the notifications key off this text. */
export const PENDING_REASON = 'Waiting for shipping';

/** A stored order: the contract's summary, the upload's fields, and the fields each transition adds. */
export interface OrderItem extends OrderSummary {
  /** The EventBridge event's own `time`: when the upload reached the bus. */
  uploadedAt: string;
  /** Who may read and cancel the order: the verified token's subject of the upload (absent: nobody). */
  ownerId?: string;
  /** A customer id the upload's body claimed that was not the token's subject: ignored, kept for the record. */
  ignoredCustomerId?: string;
  customer?: PrintOrderUpload['customer'];
  document?: PrintOrderUpload['document'];
  copies?: number;
  shippingAddress?: PrintOrderUpload['shippingAddress'];
  idempotencyKey?: string;
  /** rejected: what was wrong. */
  errors?: ValidationErrorEntry[];
  /** rejected: the upload as received, as JSON text (possibly truncated), for whoever fixes it. */
  rawUpload?: string;
  rawUploadTruncated?: boolean;
  /** shipped */
  shippedAt?: string;
  trackingNumber?: string;
  /** cancelled */
  cancelledAt?: string;
  cancellationReason?: string;
}

/**
 * The bookkeeping items share the table with orders but never carry a `state` attribute: the pipe's filter
 * (contract.ts, OrderStreamFilter) only passes items that have one, so these never reach the bus.
 */
export interface IdempotencyClaimItem {
  id: string;
  orderId: string;
  createdAt: string;
}

export interface AliasItem {
  id: string;
  aliasOf: string;
  createdAt: string;
}

/**
 * A cancellation that was refused (not the owner, or a request that did not come through the customer route
 * intact): kept in the table for whoever looks into it, never applied. A bookkeeping item of its own (keyed by the
 * request's event id, so a redelivery writes nothing new), because any change of the order item itself would
 * reach the bus as an order change.
 */
export interface RefusedCancellationItem {
  id: string;
  orderId: string;
  /** The token's subject of the request, when it could be read. */
  requestedBy?: string;
  /** Why it was refused. */
  refusal: string;
  /** The reason the request gave (template-safe, bounded). */
  requestedReason: string;
  refusedAt: string;
}

export function refusedCancellationId(eventId: string): string {
  return `refused-cancellation#${eventId}`;
}

/**
 * An authorized shipment confirmation that names a known order but cannot be applied (its tracking number or
 * timestamps are invalid): kept in the table beside the order, never applied, for whoever talks to the carrier.
 * A bookkeeping item for the same reason as a refused cancellation, keyed by the confirmation's event id, so a
 * redelivery writes nothing new. It holds the validation issues, not the values: they came from outside.
 */
export interface RejectedConfirmationItem {
  id: string;
  orderId: string;
  /** The confirmation's EventBridge event id. */
  confirmationId: string;
  /** What was wrong, as `path: message` issues. */
  issues: string[];
  rejectedAt: string;
}

export function rejectedConfirmationId(confirmationId: string): string {
  return `rejected-confirmation#${confirmationId}`;
}

/** The callbacks that are kept in the table, not applied. */
export type RejectedCallbackItem = RefusedCancellationItem | RejectedConfirmationItem;

/** The refusal recorded when the requester does not own the order. */
export const NOT_OWNER_REFUSAL = 'The requester does not own the order';

export function idempotencyClaimId(customerId: string, key: string): string {
  return `idempotency#${customerId}#${key}`;
}

/**
 * Reasons travel from the table into the pipe's input template and from there into the templates of rule
 * targets. Wherever a template places a value inside a quoted string, EventBridge inserts it without escaping
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html), so a `"` or `\` in a
 * reason would corrupt the rendered JSON and the event would not be delivered. Today's templates place the reason
 * bare, but any template written later must not be able to break on it: double quotes become single quotes,
 * backslashes become slashes, control characters become spaces, and the length is bounded.
 */
export const MAX_REASON_LENGTH = 500;

export function templateSafeText(value: string, maxLength = MAX_REASON_LENGTH): string {
  const cleaned = value
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return cleaned.length <= maxLength ? cleaned : `${cleaned.slice(0, maxLength - 1)}…`;
}

/** How many issues the reason names before it says "and N more" (all of them stay in `errors`). */
export const ISSUES_IN_REASON = 5;

export function rejectedReason(errors: readonly ValidationErrorEntry[]): string {
  const shown = errors.slice(0, ISSUES_IN_REASON).map((e) => `${e.path}: ${e.message}`);
  const more = errors.length > ISSUES_IN_REASON ? `; and ${errors.length - ISSUES_IN_REASON} more` : '';
  return templateSafeText(`Invalid upload: ${shown.join('; ')}${more}`);
}

export function cancelledReason(reason: string): string {
  return templateSafeText(`Cancelled: ${reason}`);
}

export function shippedReason(time: string): string {
  return templateSafeText(`Shipped at ${time}`);
}

const IsoTime = z.isoDateTime({ offset: true });

/**
 * When the order shipped: the carrier's own timestamp if it sent a usable one (ISO 8601 with a zone), else the
 * time its confirmation reached the bus. A confirmation is not thrown away for an odd timestamp: the parcel left
 * all the same, so the handler falls back and logs what it ignored.
 */
export function effectiveShippedAt(
  shippedAt: string,
  confirmedAt: string,
): { time: string; ignoredShippedAt?: string } {
  if (shippedAt.trim() === '') return { time: confirmedAt };
  if (IsoTime.safeParse(shippedAt).success) return { time: shippedAt };
  return { time: confirmedAt, ignoredShippedAt: shippedAt };
}

/** Orders move pending → shipped | cancelled, or are born rejected (which is final). */
const ALLOWED: Readonly<Record<OrderState, readonly OrderState[]>> = {
  pending: ['shipped', 'cancelled'],
  rejected: [],
  shipped: [],
  cancelled: [],
};

export type TransitionPlan =
  | { kind: 'apply' }
  | { kind: 'unknown-order' }
  /** The order is already where the event wants it: a redelivered or repeated event. */
  | { kind: 'already-done'; state: OrderState }
  | { kind: 'not-allowed'; state: OrderState };

export function planTransition(current: OrderState | undefined, target: OrderState): TransitionPlan {
  if (current === undefined) return { kind: 'unknown-order' };
  if (ALLOWED[current].includes(target)) return { kind: 'apply' };
  if (current === target) return { kind: 'already-done', state: current };
  return { kind: 'not-allowed', state: current };
}

/** The states an order must be in for `target` to be reached: the condition of the conditional update. */
export function sourceStatesOf(target: OrderState): OrderState[] {
  return (Object.keys(ALLOWED) as OrderState[]).filter((from) => ALLOWED[from].includes(target));
}

/**
 * A valid upload becomes a pending order owned by the token's subject. The body's `customer.id` is not trusted:
 * the order's customer id is the owner's, and a body that named someone else is recorded as `ignoredCustomerId`.
 */
export function newPendingOrder(args: {
  id: string;
  ownerId: string;
  upload: PrintOrderUpload;
  uploadedAt: string;
  now: Date;
}): OrderItem {
  const at = args.now.toISOString();
  const { upload } = args;
  return {
    id: args.id,
    state: 'pending',
    reason: PENDING_REASON,
    createdAt: at,
    updatedAt: at,
    uploadedAt: args.uploadedAt,
    ownerId: args.ownerId,
    ...(upload.customer.id !== args.ownerId ? { ignoredCustomerId: upload.customer.id } : {}),
    customer: { ...upload.customer, id: args.ownerId },
    document: upload.document,
    copies: upload.copies,
    shippingAddress: upload.shippingAddress,
    ...(upload.idempotencyKey !== undefined ? { idempotencyKey: upload.idempotencyKey } : {}),
  };
}

/** A rejected order keeps the upload as text: it may hold anything, including values DynamoDB cannot store. */
export const MAX_RAW_UPLOAD_CHARS = 16 * 1024;

export function newRejectedOrder(args: {
  id: string;
  /** Absent when the request's customer could not be verified: then nobody can read the order through the API. */
  ownerId?: string;
  detail: unknown;
  errors: ValidationErrorEntry[];
  uploadedAt: string;
  now: Date;
}): OrderItem {
  const at = args.now.toISOString();
  const raw = JSON.stringify(args.detail) ?? 'undefined';
  const truncated = raw.length > MAX_RAW_UPLOAD_CHARS;
  return {
    id: args.id,
    state: 'rejected',
    reason: rejectedReason(args.errors),
    createdAt: at,
    updatedAt: at,
    uploadedAt: args.uploadedAt,
    ...(args.ownerId !== undefined ? { ownerId: args.ownerId } : {}),
    errors: args.errors,
    rawUpload: truncated ? raw.slice(0, MAX_RAW_UPLOAD_CHARS) : raw,
    ...(truncated ? { rawUploadTruncated: true } : {}),
  };
}

/**
 * What GET /orders/{id} shows its owner. The customer's email and shipping address and the idempotency key stay
 * out (the answer travels through logs and caches); the rejected upload's raw text stays out too (it may hold the
 * same personal data).
 */
export interface OrderView extends OrderSummary {
  uploadedAt?: string;
  document?: OrderItem['document'];
  copies?: number;
  errors?: ValidationErrorEntry[];
  shippedAt?: string;
  trackingNumber?: string;
  cancelledAt?: string;
  cancellationReason?: string;
}

export function toOrderView(item: OrderItem): OrderView {
  const view: OrderView = {
    id: item.id,
    state: item.state,
    reason: item.reason,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
  const optional = [
    'uploadedAt',
    'document',
    'copies',
    'errors',
    'shippedAt',
    'trackingNumber',
    'cancelledAt',
    'cancellationReason',
  ] as const;
  for (const key of optional) {
    if (item[key] !== undefined) (view as unknown as Record<string, unknown>)[key] = item[key];
  }
  return view;
}
