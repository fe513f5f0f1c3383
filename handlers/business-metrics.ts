/**
 * The business metrics contract: one namespace, the metric names, their dimensions. The handlers emit these (as
 * CloudWatch embedded metric format lines, see metrics.ts) and the stack's dashboard and alarms read the very same
 * names, so a renamed metric cannot leave a chart or an alarm watching nothing.
 *
 * Dimensions stay low-cardinality: the Powertools `service` (the project), the `stack`, and for rejections a
 * `reason` class from a fixed list. Never an order id: every distinct dimension value is a separate, billed metric.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension
 */
import type { ValidationErrorEntry } from './upload-schema';

export const METRICS_NAMESPACE = 'OrderEventGateway';

export const BusinessMetricNames = {
  ordersCaptured: 'OrdersCaptured',
  ordersRejected: 'OrdersRejected',
  ordersCancelled: 'OrdersCancelled',
  ordersShipped: 'OrdersShipped',
  uploadToShipped: 'UploadToShippedTime',
  callbacksRefused: 'CallbacksRefused',
} as const;
export type BusinessMetricName = (typeof BusinessMetricNames)[keyof typeof BusinessMetricNames];

/** Dimension names: Powertools adds `service` from POWERTOOLS_SERVICE_NAME; the stack adds `stack`. */
export const MetricDimensions = { service: 'service', stack: 'stack', reason: 'reason' } as const;

/** The environment variable that carries the stack name into every function (the `stack` dimension). */
export const STACK_NAME_ENV = 'STACK_NAME';

/** The parts of an upload a rejection can be blamed on; anything else is `other`. */
export const RejectionReasonClasses = [
  'customer',
  'document',
  'copies',
  'shippingAddress',
  'idempotencyKey',
  'body',
  'other',
] as const;
export type RejectionReasonClass = (typeof RejectionReasonClasses)[number];

/**
 * The reason class of a rejected upload: the top-level field of its first validation error (`body` when the upload
 * as a whole is wrong, e.g. not an object or with unknown keys). A fixed list, so the dimension stays bounded.
 */
export function rejectionReasonClass(errors: readonly ValidationErrorEntry[]): RejectionReasonClass {
  const first = errors[0];
  if (first === undefined || first.path === '(root)') return 'body';
  const field = first.path.split(/[.[]/, 1)[0];
  return (RejectionReasonClasses as readonly string[]).includes(field) ? (field as RejectionReasonClass) : 'other';
}

/** Milliseconds between two ISO 8601 times, or undefined when either does not parse or the order is reversed. */
export function elapsedMilliseconds(fromIso: string, toIso: string): number | undefined {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return undefined;
  return to - from;
}
