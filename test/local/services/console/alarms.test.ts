import { evaluateAlarm, evaluateExpression, LocalAlarm, readAlarms } from '../../../../local/services/console/alarms';
import { aggregate, MetricDatapoint } from '../../../../local/services/console/emf';
import type { GraphResource } from '../../../../local/model/graph';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 1, 12, 30);
const dims = { service: 'svc', stack: 'dev' };

function alarmResource(name: string, state: Record<string, unknown>): GraphResource {
  return {
    urn: `urn:${name}`,
    type: 'aws:cloudwatch/metricAlarm:MetricAlarm',
    name,
    state,
  } as unknown as GraphResource;
}

const stalled = alarmResource('not-shipping', {
  name: 'not-shipping',
  comparisonOperator: 'GreaterThanThreshold',
  threshold: 0,
  evaluationPeriods: 1,
  treatMissingData: 'notBreaching',
  metricQueries: [
    {
      id: 'captured',
      returnData: false,
      metric: { namespace: 'Shop', metricName: 'Captured', dimensions: dims, stat: 'Sum', period: 3600 },
    },
    {
      id: 'shipped',
      returnData: false,
      metric: { namespace: 'Shop', metricName: 'Shipped', dimensions: dims, stat: 'Sum', period: 3600 },
    },
    { id: 'stalled', returnData: true, expression: 'IF(FILL(captured, 0) > 0 AND FILL(shipped, 0) == 0, 1, 0)' },
  ],
});
const depth = alarmResource('dlq', {
  name: 'dlq',
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
  dimensions: { QueueName: 'q-1' },
  statistic: 'Maximum',
  period: 60,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
});
const lambdaErrors = alarmResource('errors', {
  name: 'errors',
  namespace: 'AWS/Lambda',
  metricName: 'Errors',
  dimensions: { FunctionName: 'f' },
  statistic: 'Sum',
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
});

const point = (metricName: string, at: number, value = 1): MetricDatapoint => ({
  namespace: 'Shop',
  metricName,
  dimensions: dims,
  timestamp: at,
  value,
});

describe('evaluateExpression', () => {
  it('follows metric math: FILL, IF, AND, arithmetic, comparisons; missing stays missing', () => {
    const values: Record<string, number | undefined> = { a: 2, b: undefined };
    const lookup = (id: string): number | undefined => values[id];
    expect(evaluateExpression('FILL(a, 0) + FILL(b, 0)', lookup)).toBe(2);
    expect(evaluateExpression('a + b', lookup)).toBeUndefined();
    expect(evaluateExpression('IF(a > 1 AND FILL(b, 0) == 0, 1, 0)', lookup)).toBe(1);
    expect(evaluateExpression('(a * 3 - 1) / 5', lookup)).toBe(1);
    expect(() => evaluateExpression('a +', lookup)).toThrow('bad metric math expression');
  });
});

describe('evaluateAlarm', () => {
  const [stalledAlarm, depthAlarm, errorsAlarm] = readAlarms([stalled, depth, lambdaErrors]) as [
    LocalAlarm,
    LocalAlarm,
    LocalAlarm,
  ];

  it('reads single-metric and metric-math alarms from the graph', () => {
    expect(stalledAlarm.periodSeconds).toBe(3600);
    expect(stalledAlarm.queries.map((q) => q.id)).toEqual(['captured', 'shipped', 'stalled']);
    expect(depthAlarm.queries[0].metric).toMatchObject({ namespace: 'AWS/SQS', stat: 'Maximum', periodSeconds: 60 });
  });

  it('is in ALARM when orders were captured and none shipped in the period, OK once one ships', () => {
    const captured = [point('Captured', NOW - 10 * 60_000)];
    expect(evaluateAlarm(stalledAlarm, { series: aggregate(captured), queueDepth: {} }, NOW).state).toBe('ALARM');
    const both = [...captured, point('Shipped', NOW - 5 * 60_000)];
    expect(evaluateAlarm(stalledAlarm, { series: aggregate(both), queueDepth: {} }, NOW).state).toBe('OK');
    // Outside the evaluated period: missing data, not breaching.
    expect(
      evaluateAlarm(stalledAlarm, { series: aggregate([point('Captured', NOW - 2 * HOUR)]), queueDepth: {} }, NOW)
        .state,
    ).toBe('OK');
  });

  it('alarms on a dead-letter queue with visible messages', () => {
    expect(evaluateAlarm(depthAlarm, { series: [], queueDepth: { 'q-1': 2 } }, NOW).state).toBe('ALARM');
    expect(evaluateAlarm(depthAlarm, { series: [], queueDepth: { 'q-1': 0 } }, NOW).state).toBe('OK');
  });

  it('does not guess metrics the local cloud does not produce', () => {
    const result = evaluateAlarm(errorsAlarm, { series: [], queueDepth: {} }, NOW);
    expect(result).toMatchObject({ state: 'NOT_EVALUATED', reason: 'AWS/Lambda Errors is not measured locally' });
  });
});
