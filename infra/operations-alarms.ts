/**
 * The alarms beyond dead-letter depth (see alarm-specs.ts for what each watches and why): the carrier failing,
 * orders not shipping, each function's errors and throttles, the pipe failing. Names and dimensions come from the
 * resources themselves.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { operationsAlarmSpecs, type AlarmSpec } from './alarm-specs';
import type { BusSubscription } from './bus-subscription';
import type { HandlerFunction } from './handler-function';
import type { OrderStreamPipe } from './order-stream-pipe';

export interface OperationsAlarmsArgs {
  busName: pulumi.Input<string>;
  carrierSubscriptions: BusSubscription[];
  functions: HandlerFunction[];
  pipe: OrderStreamPipe;
  alarmActions: pulumi.Input<string>[];
  /** Orders captured with none shipped for this many hours in a row raise the alarm (1–24). */
  shipmentAlarmHours: number;
  /** The Powertools service name of the handlers (default the project name, as HandlerFunction sets it). */
  serviceName?: string;
}

export class OperationsAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: OperationsAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:OperationsAlarms', name, {}, opts);
    const inputs = {
      serviceName: args.serviceName ?? pulumi.getProject(),
      stack: pulumi.getStack(),
      busName: '',
      carrierRuleNames: args.carrierSubscriptions.map(() => ''),
      functionNames: args.functions.map((f) => f.functionName),
      pipeName: args.pipe.pipeName,
      shipmentAlarmHours: args.shipmentAlarmHours,
    };
    // The set of alarms depends only on plain values; the bus and rule names (outputs) fill their dimensions.
    const shapes = operationsAlarmSpecs(inputs);
    const resolved = pulumi
      .all([args.busName, pulumi.all(args.carrierSubscriptions.map((s) => s.rule.name))])
      .apply(([busName, carrierRuleNames]) => operationsAlarmSpecs({ ...inputs, busName, carrierRuleNames }));
    this.alarms = shapes.map((shape, index) =>
      this.createAlarm(
        name,
        shape,
        resolved.apply((specs) => specs[index]),
        args.alarmActions,
      ),
    );
    this.registerOutputs({ alarmNames: this.alarms.map((a) => a.name) });
  }

  private createAlarm(
    name: string,
    shape: AlarmSpec,
    spec: pulumi.Output<AlarmSpec>,
    alarmActions: pulumi.Input<string>[],
  ): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
      `${name}-${shape.key}`,
      {
        alarmDescription: shape.description,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: shape.threshold,
        evaluationPeriods: shape.evaluationPeriods,
        treatMissingData: 'notBreaching',
        alarmActions,
        okActions: alarmActions,
        metricQueries: spec.apply((s) =>
          s.queries.map((q) => ({
            id: q.id,
            label: q.label,
            returnData: q.returnData,
            expression: q.expression,
            metric: q.metric && {
              namespace: q.metric.namespace,
              metricName: q.metric.metricName,
              dimensions: q.metric.dimensions,
              stat: q.metric.stat,
              period: s.periodSeconds,
            },
          })),
        ),
      },
      { parent: this },
    );
  }
}
