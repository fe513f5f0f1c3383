/**
 * CloudWatch embedded metric format (EMF), read back from log lines: what CloudWatch does with a function's
 * structured log line that carries an `_aws.CloudWatchMetrics` directive. Pure, no I/O.
 *
 * Per the specification, each directive names a namespace, dimension sets (arrays of member names whose values are
 * the root's members) and metrics (root members holding a number or an array of up to 100 numbers); `_aws.Timestamp`
 * is epoch milliseconds. One datapoint per value, per dimension set.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { isRecord } from '../kernel/values';

export interface MetricDatapoint {
  namespace: string;
  metricName: string;
  /** Only the dimensions of one dimension set (an empty set is a metric without dimensions). */
  dimensions: Record<string, string>;
  unit?: string;
  timestamp: number;
  value: number;
}

/** The datapoints of one log message; none when it is not an EMF document or is malformed. */
export function parseEmf(message: string): MetricDatapoint[] {
  const text = message.trim();
  if (!text.startsWith('{') || !text.includes('"_aws"')) return [];
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isRecord(root) || !isRecord(root._aws)) return [];
  const timestamp = Number(root._aws.Timestamp);
  const directives = root._aws.CloudWatchMetrics;
  if (!Number.isFinite(timestamp) || !Array.isArray(directives)) return [];
  const points: MetricDatapoint[] = [];
  for (const directive of directives) {
    if (!isRecord(directive) || typeof directive.Namespace !== 'string' || !Array.isArray(directive.Metrics)) continue;
    const sets = Array.isArray(directive.Dimensions) && directive.Dimensions.length > 0 ? directive.Dimensions : [[]];
    for (const definition of directive.Metrics) {
      if (!isRecord(definition) || typeof definition.Name !== 'string') continue;
      const raw = root[definition.Name];
      const values = (Array.isArray(raw) ? raw : [raw]).filter(
        (v): v is number => typeof v === 'number' && Number.isFinite(v),
      );
      for (const set of sets) {
        if (!Array.isArray(set)) continue;
        const dimensions: Record<string, string> = {};
        let complete = true;
        for (const name of set) {
          const value = typeof name === 'string' ? root[name] : undefined;
          if (typeof value !== 'string') complete = false;
          else dimensions[name as string] = value;
        }
        if (!complete) continue; // a dimension whose value is missing invalidates the set
        const unit = typeof definition.Unit === 'string' ? definition.Unit : undefined;
        for (const value of values)
          points.push({
            namespace: directive.Namespace,
            metricName: definition.Name,
            dimensions,
            unit,
            timestamp,
            value,
          });
      }
    }
  }
  return points;
}

/** CloudWatch's statistics of one period. */
export interface PeriodStats {
  /** Start of the period, epoch ms. */
  start: number;
  sum: number;
  count: number;
  minimum: number;
  maximum: number;
}

export interface MetricSeries {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  unit?: string;
  /** Ordered by start; periods without datapoints are absent (CloudWatch has no data for them either). */
  periods: PeriodStats[];
}

export function seriesKey(namespace: string, metricName: string, dimensions: Record<string, string>): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((k) => `${k}=${dimensions[k]}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

/** Datapoints aggregated per metric (namespace, name, exact dimensions) and per period (default one minute). */
export function aggregate(points: readonly MetricDatapoint[], periodMs = 60_000): MetricSeries[] {
  const series = new Map<string, MetricSeries & { byStart: Map<number, PeriodStats> }>();
  for (const point of points) {
    const key = seriesKey(point.namespace, point.metricName, point.dimensions);
    let entry = series.get(key);
    if (!entry) {
      entry = {
        namespace: point.namespace,
        metricName: point.metricName,
        dimensions: point.dimensions,
        unit: point.unit,
        periods: [],
        byStart: new Map(),
      };
      series.set(key, entry);
    }
    const start = Math.floor(point.timestamp / periodMs) * periodMs;
    const stats = entry.byStart.get(start);
    if (stats) {
      stats.sum += point.value;
      stats.count += 1;
      stats.minimum = Math.min(stats.minimum, point.value);
      stats.maximum = Math.max(stats.maximum, point.value);
    } else entry.byStart.set(start, { start, sum: point.value, count: 1, minimum: point.value, maximum: point.value });
  }
  return [...series.values()]
    .map(({ byStart, ...rest }) => ({ ...rest, periods: [...byStart.values()].sort((a, b) => a.start - b.start) }))
    .sort((a, b) =>
      seriesKey(a.namespace, a.metricName, a.dimensions).localeCompare(
        seriesKey(b.namespace, b.metricName, b.dimensions),
      ),
    );
}

/** A statistic of a period as CloudWatch names them (Sum, Average, Minimum, Maximum, SampleCount). */
export function statistic(stats: PeriodStats, stat: string): number | undefined {
  switch (stat) {
    case 'Sum':
      return stats.sum;
    case 'SampleCount':
      return stats.count;
    case 'Average':
      return stats.sum / stats.count;
    case 'Minimum':
      return stats.minimum;
    case 'Maximum':
      return stats.maximum;
    default:
      return undefined; // percentiles need the raw values; not kept
  }
}
