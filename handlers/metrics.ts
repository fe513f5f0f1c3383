import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitValue } from '@aws-lambda-powertools/metrics/types';
import {
  BusinessMetricNames,
  elapsedMilliseconds,
  METRICS_NAMESPACE,
  MetricDimensions,
  rejectionReasonClass,
  STACK_NAME_ENV,
} from './business-metrics';
import type { ValidationErrorEntry } from './upload-schema';

/**
 * The handlers' business metrics, written with Powertools for AWS Lambda's Metrics as CloudWatch embedded metric
 * format (EMF) lines on stdout: CloudWatch Logs turns them into metrics, so no PutMetricData call and no extra
 * permission is needed. Each one is emitted at once (`singleMetric`), so a handler that throws after a state change
 * has still counted it, and a handler that changes nothing emits nothing (no "no metrics" warnings).
 * https://docs.powertools.aws.dev/lambda/typescript/latest/core/metrics/
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

const stack = process.env[STACK_NAME_ENV];
const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  defaultDimensions: stack ? { [MetricDimensions.stack]: stack } : {},
});

function emit(name: string, unit: MetricUnitValue, value: number, dimensions: Record<string, string> = {}): void {
  const single = metrics.singleMetric();
  for (const [key, dimensionValue] of Object.entries(dimensions)) single.addDimension(key, dimensionValue);
  single.addMetric(name, unit, value);
}

export function recordOrderCaptured(): void {
  emit(BusinessMetricNames.ordersCaptured, MetricUnit.Count, 1);
}

export function recordOrderRejected(errors: readonly ValidationErrorEntry[]): void {
  emit(BusinessMetricNames.ordersRejected, MetricUnit.Count, 1, {
    [MetricDimensions.reason]: rejectionReasonClass(errors),
  });
}

export function recordOrderCancelled(): void {
  emit(BusinessMetricNames.ordersCancelled, MetricUnit.Count, 1);
}

/** Counts the shipment and, when both times parse, the time from upload to shipped. */
export function recordOrderShipped(uploadedAt: string, shippedAt: string): void {
  emit(BusinessMetricNames.ordersShipped, MetricUnit.Count, 1);
  const elapsed = elapsedMilliseconds(uploadedAt, shippedAt);
  if (elapsed !== undefined) emit(BusinessMetricNames.uploadToShipped, MetricUnit.Milliseconds, elapsed);
}

export function recordCallbackRefused(): void {
  emit(BusinessMetricNames.callbacksRefused, MetricUnit.Count, 1);
}
