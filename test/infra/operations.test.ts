import { BusinessMetricNames, METRICS_NAMESPACE } from '../../handlers/business-metrics';
import type { MetricLine } from '../../infra/dashboard-body';
import { loadStack, T, type LoadedStack } from './helpers/stack';

const DASHBOARD = 'aws:cloudwatch/dashboard:Dashboard';
const TOPIC = 'aws:sns/topic:Topic';
const TOPIC_POLICY = 'aws:sns/topicPolicy:TopicPolicy';
const SUBSCRIPTION = 'aws:sns/topicSubscription:TopicSubscription';

interface ParsedMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

function parseLine(line: MetricLine): ParsedMetric {
  const [namespace, name, ...rest] = line as [string, string, ...(string | object)[]];
  const pairs = rest.filter((x): x is string => typeof x === 'string');
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
  return { namespace, name, dimensions };
}

describe('operations: dashboard, alarms and the alert topic', () => {
  let stack: LoadedStack;
  let metrics: ParsedMetric[];

  beforeAll(async () => {
    stack = await loadStack({ config: { alarmEmail: 'ops@example.com' } });
    const dashboards = stack.ofType(DASHBOARD);
    expect(dashboards).toHaveLength(1);
    const body = JSON.parse(dashboards[0].inputs.dashboardBody as string) as {
      widgets: { properties: { metrics: MetricLine[] } }[];
    };
    metrics = body.widgets.flatMap((w) => w.properties.metrics.map(parseLine));
  });

  /** What the stack declares, read from the recorded resources' own inputs and states. */
  const declared = () => ({
    functionNames: new Set(stack.ofType(T.function).map((f) => f.state.name as string)),
    ruleNames: new Set(stack.ofType(T.rule).map((r) => r.state.name as string)),
    queueNames: new Set(stack.ofType(T.queue).map((q) => q.state.name as string)),
    apiIds: new Set(stack.ofType(T.api).map((a) => a.id)),
    stageNames: new Set(stack.ofType(T.stage).map((s) => s.inputs.name as string)),
    busNames: new Set(stack.ofType(T.bus).map((b) => b.state.name as string)),
    pipeNames: new Set(stack.ofType(T.pipe).map((p) => p.inputs.name as string)),
  });

  it('charts only resources the stack declares (every dimension value resolves to a declared resource)', () => {
    const d = declared();
    const known: Record<string, Set<string>> = {
      FunctionName: d.functionNames,
      RuleName: d.ruleNames,
      QueueName: d.queueNames,
      ApiId: d.apiIds,
      Stage: d.stageNames,
      EventBusName: d.busNames,
      PipeName: d.pipeNames,
      service: new Set(['order-event-gateway']),
      stack: new Set(['dev']),
      reason: new Set(['customer', 'document', 'copies', 'shippingAddress', 'idempotencyKey', 'body', 'other']),
    };
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) {
      for (const [key, value] of Object.entries(metric.dimensions)) {
        expect({ metric: metric.name, key, known: known[key]?.has(value) ?? false }).toEqual({
          metric: metric.name,
          key,
          known: true,
        });
      }
    }
  });

  it('charts every function, every rule, every dead-letter queue and the pipe', () => {
    const d = declared();
    const charted = (key: string) => new Set(metrics.flatMap((m) => (m.dimensions[key] ? [m.dimensions[key]] : [])));
    expect(charted('FunctionName')).toEqual(d.functionNames);
    expect(charted('RuleName')).toEqual(d.ruleNames);
    expect(charted('QueueName')).toEqual(d.queueNames);
    expect(charted('PipeName')).toEqual(d.pipeNames);
  });

  it('charts the business metrics, HTTP API errors and PutEvents failures', () => {
    const names = new Set(metrics.map((m) => `${m.namespace}/${m.name}`));
    for (const name of Object.values(BusinessMetricNames)) expect(names).toContain(`${METRICS_NAMESPACE}/${name}`);
    for (const name of ['4xx', '5xx', 'Latency']) expect(names).toContain(`AWS/ApiGateway/${name}`);
    expect(names).toContain('AWS/Events/PutEventsFailedEntriesCount');
    expect(names).toContain('AWS/Events/InvocationsSentToDlq');
  });

  it('creates an alert topic with the configured e-mail subscription, and every alarm notifies it', () => {
    const [topic] = stack.ofType(TOPIC);
    expect(stack.ofType(SUBSCRIPTION).map((s) => s.inputs)).toEqual([
      expect.objectContaining({ topic: topic.state.arn, protocol: 'email', endpoint: 'ops@example.com' }),
    ]);
    const policy = JSON.parse(stack.ofType(TOPIC_POLICY)[0].inputs.policy as string);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topic.state.arn,
      }),
    );
    const alarms = stack.ofType(T.alarm);
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) expect(alarm.inputs.alarmActions).toEqual([topic.state.arn]);
  });

  it('alarms when the carrier fails for good, on both carrier rules', () => {
    const alarm = stack.get(T.alarm, 'operations-alarms-carrier-failing');
    const queries = alarm.inputs.metricQueries as {
      id: string;
      expression?: string;
      metric?: { metricName: string; dimensions: Record<string, string> };
    }[];
    const carrierRules = stack
      .ofType(T.rule)
      .filter((r) => r.name === 'orders-order-created' || r.name === 'orders-order-cancelled');
    const watched = new Set(queries.flatMap((q) => (q.metric ? [q.metric.dimensions.RuleName] : [])));
    expect(watched).toEqual(new Set(carrierRules.map((r) => r.state.name)));
    expect(
      queries
        .map((q) => q.metric?.metricName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['FailedInvocations', 'FailedInvocations', 'InvocationsSentToDlq', 'InvocationsSentToDlq']);
    expect(alarm.inputs).toMatchObject({
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
  });

  it('alarms when orders are captured and none ship for the configured hours', () => {
    const alarm = stack.get(T.alarm, 'operations-alarms-orders-not-shipping');
    expect(alarm.inputs.evaluationPeriods).toBe(6);
    const queries = alarm.inputs.metricQueries as {
      id: string;
      expression?: string;
      metric?: { metricName: string; period: number };
    }[];
    expect(queries.find((q) => q.expression)?.expression).toBe(
      'IF(FILL(captured, 0) > 0 AND FILL(shipped, 0) == 0, 1, 0)',
    );
    expect(queries.filter((q) => q.metric).map((q) => [q.metric?.metricName, q.metric?.period])).toEqual([
      [BusinessMetricNames.ordersCaptured, 3600],
      [BusinessMetricNames.ordersShipped, 3600],
    ]);
  });

  it('alarms on every function’s errors and throttles, and on the pipe', () => {
    const names = new Set(stack.ofType(T.alarm).map((a) => a.name));
    for (const fn of stack.ofType(T.function)) {
      expect(names).toContain(`operations-alarms-${fn.inputs.name}-errors`);
      expect(names).toContain(`operations-alarms-${fn.inputs.name}-throttles`);
    }
    expect(names).toContain('operations-alarms-pipe-failing');
  });

  it('gives every function the stack name for the metrics’ stack dimension', () => {
    for (const fn of stack.ofType(T.function)) expect(fn.inputs.environment.variables.STACK_NAME).toBe('dev');
  });
});

describe('operations: configured alarm actions', () => {
  it('uses the configured actions and creates no topic of its own', async () => {
    const stack = await loadStack({ config: { alarmActions: '["arn:aws:sns:us-east-1:123456789012:ops"]' } });
    expect(stack.ofType(TOPIC)).toHaveLength(0);
    for (const alarm of stack.ofType(T.alarm))
      expect(alarm.inputs.alarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:ops']);
  });
});
