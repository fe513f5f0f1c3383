/**
 * The alarms that mean something, as plain data (pure, tested alone); OperationsAlarms turns each into a
 * CloudWatch MetricAlarm. Dead-letter queue depth is alarmed by each DeadLetterQueue itself.
 *
 * Every alarm treats missing data as not breaching: EventBridge and Pipes publish failure metrics only when they
 * are not zero, and business metrics only when something happened.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
 * Metric math (FILL, IF, AND): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */
import { BusinessMetricNames, METRICS_NAMESPACE, MetricDimensions } from '../handlers/business-metrics';

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
}

export interface AlarmQuery {
  id: string;
  /** Either a metric or an expression over the other queries' ids. */
  metric?: MetricRef;
  expression?: string;
  label?: string;
  returnData: boolean;
}

export interface AlarmSpec {
  /** Suffix of the alarm's resource name. */
  key: string;
  description: string;
  queries: AlarmQuery[];
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
}

export interface AlarmInputs {
  serviceName: string;
  stack: string;
  busName: string;
  carrierRuleNames: string[];
  functionNames: string[];
  pipeName: string;
  /** Orders captured with none shipped for this many hours in a row raise the alarm. */
  shipmentAlarmHours: number;
}

const FIVE_MINUTES = 300;

function metric(id: string, ref: MetricRef): AlarmQuery {
  return { id, metric: ref, returnData: false };
}

/** `FILL(x, 0)` of each query summed: one series that is 0 when nothing was published. */
function sumOf(ids: string[]): string {
  return ids.map((id) => `FILL(${id}, 0)`).join(' + ');
}

export function operationsAlarmSpecs(inputs: AlarmInputs): AlarmSpec[] {
  if (!Number.isInteger(inputs.shipmentAlarmHours) || inputs.shipmentAlarmHours < 1 || inputs.shipmentAlarmHours > 24) {
    throw new Error(
      `shipmentAlarmHours must be a whole number of hours from 1 to 24, got ${inputs.shipmentAlarmHours}`,
    );
  }
  const business = { [MetricDimensions.service]: inputs.serviceName, [MetricDimensions.stack]: inputs.stack };
  const specs: AlarmSpec[] = [];

  const carrierQueries = inputs.carrierRuleNames.flatMap((RuleName, i) => [
    metric(`failed${i}`, {
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensions: { EventBusName: inputs.busName, RuleName },
      stat: 'Sum',
    }),
    metric(`dlq${i}`, {
      namespace: 'AWS/Events',
      metricName: 'InvocationsSentToDlq',
      dimensions: { EventBusName: inputs.busName, RuleName },
      stat: 'Sum',
    }),
  ]);
  if (carrierQueries.length > 0) {
    specs.push({
      key: 'carrier-failing',
      description: 'Calls to the carrier fail for good (failed or dead-lettered API destination invocations)',
      queries: [
        ...carrierQueries,
        {
          id: 'carrier',
          expression: sumOf(carrierQueries.map((q) => q.id)),
          label: 'carrier failures',
          returnData: true,
        },
      ],
      periodSeconds: FIVE_MINUTES,
      evaluationPeriods: 1,
      threshold: 0,
    });
  }

  specs.push({
    key: 'orders-not-shipping',
    description: `Orders were captured but none shipped, ${inputs.shipmentAlarmHours} hour(s) in a row`,
    queries: [
      metric('captured', {
        namespace: METRICS_NAMESPACE,
        metricName: BusinessMetricNames.ordersCaptured,
        dimensions: business,
        stat: 'Sum',
      }),
      metric('shipped', {
        namespace: METRICS_NAMESPACE,
        metricName: BusinessMetricNames.ordersShipped,
        dimensions: business,
        stat: 'Sum',
      }),
      {
        id: 'stalled',
        expression: 'IF(FILL(captured, 0) > 0 AND FILL(shipped, 0) == 0, 1, 0)',
        label: 'captured, none shipped',
        returnData: true,
      },
    ],
    periodSeconds: 3600,
    evaluationPeriods: inputs.shipmentAlarmHours,
    threshold: 0,
  });

  for (const FunctionName of inputs.functionNames) {
    for (const metricName of ['Errors', 'Throttles']) {
      specs.push({
        key: `${FunctionName}-${metricName.toLowerCase()}`,
        description: `${FunctionName}: ${metricName.toLowerCase()}`,
        queries: [
          {
            ...metric('m', { namespace: 'AWS/Lambda', metricName, dimensions: { FunctionName }, stat: 'Sum' }),
            returnData: true,
          },
        ],
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
        threshold: 0,
      });
    }
  }

  const pipe = { PipeName: inputs.pipeName };
  specs.push({
    key: 'pipe-failing',
    description: `The pipe ${inputs.pipeName} fails executions or target calls`,
    queries: [
      metric('executions', {
        namespace: 'AWS/EventBridge/Pipes',
        metricName: 'ExecutionFailed',
        dimensions: pipe,
        stat: 'Sum',
      }),
      metric('target', {
        namespace: 'AWS/EventBridge/Pipes',
        metricName: 'TargetStageFailed',
        dimensions: pipe,
        stat: 'Sum',
      }),
      { id: 'failures', expression: sumOf(['executions', 'target']), label: 'pipe failures', returnData: true },
    ],
    periodSeconds: FIVE_MINUTES,
    evaluationPeriods: 1,
    threshold: 0,
  });
  return specs;
}
