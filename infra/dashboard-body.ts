/**
 * The operations dashboard's body, built from plain names (pure, tested alone). Every metric here names a resource
 * the stack declares: the component resolves those names from the resources themselves, so nothing is typed twice.
 *
 * Namespaces and dimensions as AWS publishes them:
 * - HTTP API: AWS/ApiGateway by ApiId and Stage
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
 * - EventBridge rules on a custom bus: AWS/Events by EventBusName and RuleName; PutEventsFailedEntriesCount has no
 *   dimension (account and region wide) https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 * - Lambda: AWS/Lambda by FunctionName https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 * - Pipes: AWS/EventBridge/Pipes by PipeName https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-monitoring.html
 * - SQS: AWS/SQS by QueueName https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * - the handlers' business metrics: handlers/business-metrics.ts (embedded metric format)
 * Body format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import {
  BusinessMetricNames,
  METRICS_NAMESPACE,
  MetricDimensions,
  RejectionReasonClasses,
} from '../handlers/business-metrics';

export interface DashboardInputs {
  region: string;
  /** The Powertools service name (the `service` dimension of the business metrics). */
  serviceName: string;
  stack: string;
  api: { apiId: string; stage: string };
  busName: string;
  /** Every rule on the bus; `carrier` marks the ones whose target is the carrier's API destination. */
  rules: { ruleName: string; carrier?: boolean }[];
  functionNames: string[];
  pipeName: string;
  queueNames: string[];
}

/** One metric line: namespace, name, then dimension name/value pairs, then rendering options. */
export type MetricLine = (string | Record<string, string | number>)[];

export interface MetricWidget {
  type: 'metric';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: string;
    view: 'timeSeries';
    stacked: false;
    period: number;
    metrics: MetricLine[];
  };
}

export interface DashboardBody {
  widgets: MetricWidget[];
}

const WIDTH = 12;
const HEIGHT = 6;
const PERIOD = 300;

function line(
  namespace: string,
  name: string,
  dimensions: Record<string, string>,
  options: Record<string, string | number>,
): MetricLine {
  return [namespace, name, ...Object.entries(dimensions).flat(), options];
}

export function dashboardBody(inputs: DashboardInputs): DashboardBody {
  const business = { [MetricDimensions.service]: inputs.serviceName, [MetricDimensions.stack]: inputs.stack };
  const api = { ApiId: inputs.api.apiId, Stage: inputs.api.stage };
  const rule = (ruleName: string) => ({ EventBusName: inputs.busName, RuleName: ruleName });
  const sum = { stat: 'Sum' };

  const panels: { title: string; metrics: MetricLine[] }[] = [
    {
      title: 'Orders',
      metrics: [
        line(METRICS_NAMESPACE, BusinessMetricNames.ordersCaptured, business, { ...sum, label: 'captured' }),
        line(METRICS_NAMESPACE, BusinessMetricNames.ordersShipped, business, { ...sum, label: 'shipped' }),
        line(METRICS_NAMESPACE, BusinessMetricNames.ordersCancelled, business, { ...sum, label: 'cancelled' }),
        line(METRICS_NAMESPACE, BusinessMetricNames.callbacksRefused, business, { ...sum, label: 'callbacks refused' }),
      ],
    },
    {
      title: 'Rejected uploads by reason',
      metrics: RejectionReasonClasses.map((reason) =>
        line(
          METRICS_NAMESPACE,
          BusinessMetricNames.ordersRejected,
          { ...business, [MetricDimensions.reason]: reason },
          { ...sum, label: reason },
        ),
      ),
    },
    {
      title: 'Upload to shipped (ms)',
      metrics: ['p50', 'p95', 'p99'].map((stat) =>
        line(METRICS_NAMESPACE, BusinessMetricNames.uploadToShipped, business, { stat, label: stat }),
      ),
    },
    {
      title: 'HTTP API',
      metrics: [
        line('AWS/ApiGateway', 'Count', api, { ...sum, label: 'requests' }),
        line('AWS/ApiGateway', '4xx', api, { ...sum, label: '4xx' }),
        line('AWS/ApiGateway', '5xx', api, { ...sum, label: '5xx' }),
        line('AWS/ApiGateway', 'Latency', api, { stat: 'p95', label: 'latency p95 (ms)' }),
      ],
    },
    {
      title: 'PutEvents failed entries (account-wide)',
      metrics: [line('AWS/Events', 'PutEventsFailedEntriesCount', {}, { ...sum, label: 'failed entries' })],
    },
    {
      title: 'Rules: invocations, failures, dead letters',
      metrics: inputs.rules.flatMap(({ ruleName }) => [
        line('AWS/Events', 'Invocations', rule(ruleName), { ...sum, label: `${ruleName} invocations` }),
        line('AWS/Events', 'FailedInvocations', rule(ruleName), { ...sum, label: `${ruleName} failed` }),
        line('AWS/Events', 'InvocationsSentToDlq', rule(ruleName), { ...sum, label: `${ruleName} to DLQ` }),
      ]),
    },
    {
      title: 'Carrier (API destination rules)',
      metrics: inputs.rules
        .filter((r) => r.carrier)
        .flatMap(({ ruleName }) => [
          line('AWS/Events', 'InvocationAttempts', rule(ruleName), { ...sum, label: `${ruleName} attempts` }),
          line('AWS/Events', 'FailedInvocations', rule(ruleName), { ...sum, label: `${ruleName} failed` }),
        ]),
    },
    {
      title: 'Lambda errors and throttles',
      metrics: inputs.functionNames.flatMap((FunctionName) => [
        line('AWS/Lambda', 'Errors', { FunctionName }, { ...sum, label: `${FunctionName} errors` }),
        line('AWS/Lambda', 'Throttles', { FunctionName }, { ...sum, label: `${FunctionName} throttles` }),
      ]),
    },
    {
      title: 'Lambda duration p95 (ms)',
      metrics: inputs.functionNames.map((FunctionName) =>
        line('AWS/Lambda', 'Duration', { FunctionName }, { stat: 'p95', label: FunctionName }),
      ),
    },
    {
      title: 'Pipe',
      metrics: [
        line('AWS/EventBridge/Pipes', 'EventCount', { PipeName: inputs.pipeName }, { ...sum, label: 'events' }),
        line(
          'AWS/EventBridge/Pipes',
          'ExecutionFailed',
          { PipeName: inputs.pipeName },
          { ...sum, label: 'executions failed' },
        ),
        line(
          'AWS/EventBridge/Pipes',
          'TargetStageFailed',
          { PipeName: inputs.pipeName },
          { ...sum, label: 'target stage failed' },
        ),
      ],
    },
    {
      title: 'Dead-letter queues: messages waiting',
      metrics: inputs.queueNames.map((QueueName) =>
        line('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName }, { stat: 'Maximum', label: QueueName }),
      ),
    },
  ];

  return {
    widgets: panels.map((panel, index) => ({
      type: 'metric',
      x: (index % 2) * WIDTH,
      y: Math.floor(index / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: panel.title,
        region: inputs.region,
        view: 'timeSeries',
        stacked: false,
        period: PERIOD,
        metrics: panel.metrics,
      },
    })),
  };
}
