/**
 * Which of the graph's CloudWatch alarms would be in ALARM, evaluated locally over the metrics the local cloud has:
 * the functions' embedded-metric-format lines (emf.ts) and the queues' depth. Pure: the caller passes the series
 * and the depths. Generic: alarms are read from `aws:cloudwatch/metricAlarm:MetricAlarm` resources by type.
 *
 * What CloudWatch does, and what is kept here:
 * - an alarm evaluates its last `evaluationPeriods` periods and goes to ALARM when `datapointsToAlarm` (default:
 *   all of them) breach; missing data follows `treatMissingData` (missing/notBreaching: not breaching here,
 *   breaching: breaching; ignore: not counted)
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
 * - metric math: the query with `returnData` is the alarm's series; FILL, IF, AND, OR, arithmetic and comparisons
 *   are supported (comparisons give 1 or 0)
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 * - metrics of AWS services other than SQS queue depth are not produced locally: such alarms are reported as not
 *   evaluated rather than guessed.
 */
import type { GraphResource } from '../../model/graph';
import { isRecord } from '../kernel/values';
import { MetricSeries, seriesKey, statistic } from './emf';

export interface LocalAlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
  periodSeconds: number;
}

export interface LocalAlarm {
  name: string;
  description?: string;
  queries: { id: string; expression?: string; metric?: LocalAlarmMetric; returnData: boolean }[];
  threshold: number;
  comparisonOperator: string;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: string;
  periodSeconds: number;
}

export type AlarmState = 'ALARM' | 'OK' | 'NOT_EVALUATED';

export interface AlarmEvaluation {
  name: string;
  description?: string;
  state: AlarmState;
  reason: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function dims(value: unknown): Record<string, string> {
  return isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
}

/** The graph's metric alarms, single-metric or metric-math, as plain data. */
export function readAlarms(resources: readonly GraphResource[]): LocalAlarm[] {
  return resources
    .filter((r) => r.type === 'aws:cloudwatch/metricAlarm:MetricAlarm')
    .map((r) => {
      const s = r.state;
      const evaluationPeriods = Number(s.evaluationPeriods ?? 1);
      let queries: LocalAlarm['queries'];
      let periodSeconds = Number(s.period ?? 60);
      if (Array.isArray(s.metricQueries) && s.metricQueries.length > 0) {
        queries = s.metricQueries.filter(isRecord).map((q) => {
          const m = isRecord(q.metric) ? q.metric : undefined;
          if (m) periodSeconds = Number(m.period ?? periodSeconds);
          return {
            id: String(q.id),
            expression: str(q.expression),
            returnData: q.returnData === true,
            metric: m && {
              namespace: String(m.namespace),
              metricName: String(m.metricName),
              dimensions: dims(m.dimensions),
              stat: String(m.stat ?? 'Sum'),
              periodSeconds: Number(m.period ?? 60),
            },
          };
        });
      } else {
        const metric = {
          namespace: String(s.namespace),
          metricName: String(s.metricName),
          dimensions: dims(s.dimensions),
          stat: String(s.statistic ?? 'Sum'),
          periodSeconds,
        };
        queries = [{ id: 'm', metric, returnData: true }];
      }
      return {
        name: str(s.name) ?? r.name,
        description: str(s.alarmDescription),
        queries,
        threshold: Number(s.threshold ?? 0),
        comparisonOperator: str(s.comparisonOperator) ?? 'GreaterThanThreshold',
        evaluationPeriods,
        datapointsToAlarm: Number(s.datapointsToAlarm ?? evaluationPeriods),
        treatMissingData: str(s.treatMissingData) ?? 'missing',
        periodSeconds,
      };
    });
}

/** What the local cloud measures: EMF series, and each queue's current visible messages by queue name. */
export interface LocalMetrics {
  series: MetricSeries[];
  queueDepth: Record<string, number>;
}

type Value = number | undefined;

/** Evaluates a metric math expression for one period; `lookup` gives the other queries' values. */
export function evaluateExpression(expression: string, lookup: (id: string) => Value): Value {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|==|!=|>=|<=|[-+*/(),<>]/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (expected?: string): string => {
    const token = tokens[i++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new Error(`bad metric math expression: ${expression}`);
    return token;
  };
  const num = (b: boolean): number => (b ? 1 : 0);
  const binary =
    (next: () => Value, ops: Record<string, (a: number, b: number) => number>): (() => Value) =>
    () => {
      let left = next();
      while (peek() !== undefined && ops[peek() as string]) {
        const op = ops[take()];
        const right = next();
        left = left === undefined || right === undefined ? undefined : op(left, right);
      }
      return left;
    };
  const primary = (): Value => {
    const token = take();
    if (token === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token === '-') {
      const value = primary();
      return value === undefined ? undefined : -value;
    }
    if (/^\d/.test(token)) return Number(token);
    if (peek() === '(') {
      take('(');
      const args: Value[] = [or()];
      while (peek() === ',') {
        take(',');
        args.push(or());
      }
      take(')');
      const name = token.toUpperCase();
      if (name === 'FILL') return args[0] ?? args[1];
      if (name === 'IF') return args[0] === undefined ? undefined : args[0] !== 0 ? args[1] : args[2];
      throw new Error(`metric math function ${token} is not evaluated locally`);
    }
    return lookup(token);
  };
  const product = binary(primary, { '*': (a, b) => a * b, '/': (a, b) => a / b });
  const sum = binary(product, { '+': (a, b) => a + b, '-': (a, b) => a - b });
  const comparison = binary(sum, {
    '>': (a, b) => num(a > b),
    '<': (a, b) => num(a < b),
    '>=': (a, b) => num(a >= b),
    '<=': (a, b) => num(a <= b),
    '==': (a, b) => num(a === b),
    '!=': (a, b) => num(a !== b),
  });
  const and = binary(comparison, { AND: (a, b) => num(a !== 0 && b !== 0) });
  const or = binary(and, { OR: (a, b) => num(a !== 0 || b !== 0) });
  const value = or();
  if (i !== tokens.length) throw new Error(`bad metric math expression: ${expression}`);
  return value;
}

function breaches(value: number, operator: string, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return value > threshold;
  }
}

/** The alarm's state over the periods ending at `now` (the current, partial period included). */
export function evaluateAlarm(alarm: LocalAlarm, metrics: LocalMetrics, now: number): AlarmEvaluation {
  const base = { name: alarm.name, description: alarm.description };
  const unmeasured = alarm.queries.find(
    (q) =>
      q.metric &&
      !(q.metric.namespace === 'AWS/SQS' && q.metric.metricName === 'ApproximateNumberOfMessagesVisible') &&
      q.metric.namespace.startsWith('AWS/'),
  );
  if (unmeasured?.metric)
    return {
      ...base,
      state: 'NOT_EVALUATED',
      reason: `${unmeasured.metric.namespace} ${unmeasured.metric.metricName} is not measured locally`,
    };
  const periodMs = alarm.periodSeconds * 1000;
  const current = Math.floor(now / periodMs) * periodMs;
  const byKey = new Map(metrics.series.map((s) => [seriesKey(s.namespace, s.metricName, s.dimensions), s]));
  const metricValue = (metric: LocalAlarmMetric, start: number): Value => {
    if (metric.namespace === 'AWS/SQS')
      return start === current ? metrics.queueDepth[metric.dimensions.QueueName ?? ''] : undefined;
    const series = byKey.get(seriesKey(metric.namespace, metric.metricName, metric.dimensions));
    const stats = series?.periods.find((p) => Math.floor(p.start / periodMs) * periodMs === start);
    if (!stats || !series) return undefined;
    // The series are per minute; an alarm period of several minutes combines them.
    const inPeriod = series.periods.filter((p) => p.start >= start && p.start < start + periodMs);
    const merged = inPeriod.reduce((a, p) => ({
      start,
      sum: a.sum + p.sum,
      count: a.count + p.count,
      minimum: Math.min(a.minimum, p.minimum),
      maximum: Math.max(a.maximum, p.maximum),
    }));
    return statistic(merged, metric.stat);
  };
  const valueAt = (start: number): Value => {
    const cache = new Map<string, Value>();
    const lookup = (id: string): Value => {
      if (cache.has(id)) return cache.get(id);
      const query = alarm.queries.find((q) => q.id === id);
      if (!query) throw new Error(`metric math names an unknown query ${id}`);
      const value = query.metric
        ? metricValue(query.metric, start)
        : evaluateExpression(query.expression ?? '', lookup);
      cache.set(id, value);
      return value;
    };
    const returned = alarm.queries.find((q) => q.returnData) ?? alarm.queries[0];
    return lookup(returned.id);
  };
  let breaching = 0;
  const seen: string[] = [];
  try {
    for (let n = alarm.evaluationPeriods - 1; n >= 0; n -= 1) {
      const value = valueAt(current - n * periodMs);
      seen.push(value === undefined ? 'missing' : String(value));
      if (
        value === undefined
          ? alarm.treatMissingData === 'breaching'
          : breaches(value, alarm.comparisonOperator, alarm.threshold)
      )
        breaching += 1;
    }
  } catch (error) {
    return { ...base, state: 'NOT_EVALUATED', reason: error instanceof Error ? error.message : String(error) };
  }
  const state: AlarmState = breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
  return {
    ...base,
    state,
    reason: `${breaching} of ${alarm.evaluationPeriods} period(s) breaching (values: ${seen.join(', ')}; threshold ${alarm.threshold})`,
  };
}
