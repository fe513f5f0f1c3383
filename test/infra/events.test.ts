import { RulePatterns } from '../../handlers/contract';
import { DEFAULT_RETRY_POLICY, MAX_RETRY_POLICY } from '../../infra/bus-subscription';
import { carrierHeaderParameters, carrierPayloadTransformer, confirmShipmentTransformer } from '../../infra/templates';
import { loadStack, T, type LoadedStack } from './helpers/stack';
import type { RecordedResource } from '../../local/model/pulumi-mocks';

describe('EventBus and its subscriptions', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack({
      config: { archiveRetentionDays: '90', alarmActions: '["arn:aws:sns:us-east-1:123456789012:ops"]' },
    });
  });

  const rule = (name: string) => stack.get(T.rule, `orders-${name}`);
  const targetOf = (r: RecordedResource) => {
    const targets = stack.ofType(T.target).filter((t) => t.inputs.rule === r.state.name);
    if (targets.length !== 1) throw new Error(`${r.name} has ${targets.length} targets`);
    return targets[0];
  };

  it('declares a custom bus with an archive for replay', () => {
    // Prepare
    const bus = stack.ofType(T.bus)[0];

    // Act
    const archive = stack.ofType(T.archive)[0];

    // Assess
    expect(bus.inputs.name).toBe('orders-dev');
    expect(bus.state.arn).toBe('arn:aws:events:us-east-1:123456789012:event-bus/orders-dev');
    expect(archive.inputs).toMatchObject({ eventSourceArn: bus.state.arn, retentionDays: 90 });
    // Uploads (customer data) are not archived: the archive's pattern is the catch-all's.
    expect(JSON.parse(archive.inputs.eventPattern)).toEqual(RulePatterns.everyEventWithoutCustomerData);
  });

  it.each([
    ['order-uploaded', RulePatterns.orderUploaded],
    ['cancellation-requested', RulePatterns.cancellationRequested],
    ['shipment-confirmed', RulePatterns.shipmentConfirmed],
    ['order-created', RulePatterns.orderCreated],
    ['order-cancelled', RulePatterns.orderCancelled],
    ['all-events', RulePatterns.everyEventWithoutCustomerData],
  ])('deploys the contract pattern of %s on the orders bus', (name, pattern) => {
    // Prepare / Act
    const r = rule(name);

    // Assess
    expect(JSON.parse(r.inputs.eventPattern)).toEqual(pattern);
    expect(r.inputs.eventBusName).toBe('orders-dev');
    expect(r.state.arn).toBe(`arn:aws:events:us-east-1:123456789012:rule/orders-dev/${r.state.name}`);
  });

  it('declares no rule beyond those', () => {
    // Prepare / Act
    const names = stack
      .ofType(T.rule)
      .map((r) => r.name)
      .sort();

    // Assess
    expect(names).toEqual([
      'orders-all-events',
      'orders-cancellation-requested',
      'orders-order-cancelled',
      'orders-order-created',
      'orders-order-uploaded',
      'orders-shipment-confirmed',
    ]);
  });

  it('gives every target an explicit retry policy and its own DLQ, whose policy admits only its rule', () => {
    for (const r of stack.ofType(T.rule)) {
      // Prepare
      const target = targetOf(r);
      const queue = stack.ofType(T.queue).find((q) => q.state.arn === target.inputs.deadLetterConfig.arn);
      const policy = stack.ofType(T.queuePolicy).find((p) => p.inputs.queueUrl === queue?.state.url);

      // Act
      const doc = JSON.parse(policy?.inputs.policy ?? '{}');

      // Assess
      expect(target.inputs.retryPolicy).toEqual(DEFAULT_RETRY_POLICY);
      // EventBridge's maximum (RetryPolicy API reference): a day of carrier or Lambda trouble delays, never loses.
      expect(target.inputs.retryPolicy).toEqual({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 });
      expect(queue).toBeDefined();
      expect(doc.Statement).toEqual([
        {
          Sid: 'AllowRuleDeadLetters',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queue?.state.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': r.state.arn } },
        },
      ]);
      expect(target.dependencies).toContain(policy?.urn);
    }
  });

  it.each([
    ['order-uploaded', 'capture-order', undefined],
    ['cancellation-requested', 'cancel-order', undefined],
    ['shipment-confirmed', 'confirm-shipment', confirmShipmentTransformer],
  ])('sends %s to the %s Lambda, allowed by a permission for that rule only', (ruleName, fnName, transformer) => {
    // Prepare
    const r = rule(ruleName);
    const fn = stack.get(T.function, fnName);

    // Act
    const target = targetOf(r);
    const permission = stack.get(T.permission, `orders-${ruleName}-invoke`);

    // Assess
    expect(target.inputs.arn).toBe(fn.state.arn);
    expect(target.inputs.roleArn).toBeUndefined();
    expect(target.inputs.inputTransformer).toEqual(transformer);
    expect(permission.inputs).toMatchObject({
      action: 'lambda:InvokeFunction',
      function: fn.state.name,
      principal: 'events.amazonaws.com',
      sourceArn: r.state.arn,
      sourceAccount: '123456789012',
    });
    expect(target.dependencies).toContain(permission.urn);
  });

  it.each(['order-created', 'order-cancelled'])(
    'sends %s to the carrier API destination with its payload, idempotency key and invoke role',
    (ruleName) => {
      // Prepare
      const r = rule(ruleName);
      const destination = stack.get(T.apiDestination, 'carrier');

      // Act
      const target = targetOf(r);
      const role = stack.get(T.role, `orders-${ruleName}-invoke-role`);
      const policy = JSON.parse(stack.get(T.rolePolicy, `orders-${ruleName}-invoke-policy`).inputs.policy);
      const trust = JSON.parse(role.inputs.assumeRolePolicy);

      // Assess
      expect(target.inputs).toMatchObject({
        arn: destination.state.arn,
        roleArn: role.state.arn,
        inputTransformer: carrierPayloadTransformer,
        httpTarget: { headerParameters: carrierHeaderParameters },
      });
      expect(policy.Statement).toEqual([
        {
          Sid: 'InvokeApiDestination',
          Effect: 'Allow',
          Action: ['events:InvokeApiDestination'],
          Resource: [destination.state.arn],
        },
      ]);
      expect(trust.Statement[0]).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': r.state.arn } },
      });
    },
  );

  it('copies events into /aws/events/<bus> under a resource-scoped log policy: CreateLogStream unconditioned, PutLogEvents for the rule only', () => {
    // Prepare
    const r = rule('all-events');
    const logGroup = stack.get(T.logGroup, 'orders-all-events-logs');

    // Act
    const target = targetOf(r);
    const resourcePolicy = stack.get(T.logResourcePolicy, 'orders-all-events-logs-policy');
    const doc = JSON.parse(resourcePolicy.inputs.policyDocument);

    // Assess
    expect(logGroup.inputs.name).toBe('/aws/events/orders-dev');
    expect(target.inputs.arn).toBe(logGroup.state.arn);
    expect(target.inputs.roleArn).toBeUndefined();
    // Scoped to the log group, not one of the 10 account-level policies of the region.
    expect(resourcePolicy.inputs.resourceArn).toBe(logGroup.state.arn);
    expect(resourcePolicy.inputs.policyName).toBeUndefined();
    const principal = { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] };
    expect(doc.Statement).toEqual([
      {
        Sid: 'EventBridgeCreateLogStream',
        Effect: 'Allow',
        Principal: principal,
        Action: 'logs:CreateLogStream',
        Resource: `${logGroup.state.arn}:*`,
      },
      {
        Sid: 'EventBridgePutLogEvents',
        Effect: 'Allow',
        Principal: principal,
        Action: 'logs:PutLogEvents',
        Resource: `${logGroup.state.arn}:*`,
        Condition: { ArnEquals: { 'aws:SourceArn': r.state.arn } },
      },
    ]);
    expect(target.dependencies).toContain(resourcePolicy.urn);
  });

  it('retries every target with the EventBridge maximum', () => {
    // Prepare / Act / Assess
    expect(MAX_RETRY_POLICY).toEqual({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 });
    for (const target of stack.ofType(T.target)) expect(target.inputs.retryPolicy).toEqual(MAX_RETRY_POLICY);
  });

  it('watches every DLQ of the stack with an alarm on the first visible message, notifying the configured actions', () => {
    // Prepare
    const queues = stack.ofType(T.queue);

    // Act
    const alarms = stack.ofType(T.alarm);

    // Assess
    expect(queues.length).toBe(10);
    for (const queue of queues) {
      const alarm = alarms.find((a) => a.inputs.dimensions?.QueueName === queue.state.name);
      expect(alarm?.inputs).toMatchObject({
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        alarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'],
      });
      expect(queue.inputs).toMatchObject({ sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600 });
      expect(queue.inputs.fifoQueue).toBeUndefined();
    }
  });
});
