/**
 * The stack's CloudWatch dashboard: business metrics, the HTTP API, PutEvents, every rule, every function, the
 * pipe, the carrier and every dead-letter queue. The names come from the resources themselves (outputs), so the
 * dashboard cannot drift from the stack; the layout is the pure `dashboardBody`.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { BusSubscription } from './bus-subscription';
import { dashboardBody } from './dashboard-body';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { HandlerFunction } from './handler-function';
import type { EventBus } from './event-bus';
import type { OrderStreamPipe } from './order-stream-pipe';
import type { OrdersApi } from './orders-api';

export interface OperationsDashboardArgs {
  api: OrdersApi;
  bus: EventBus;
  /** The subscriptions whose target is the carrier's API destination (charted on their own). */
  carrierSubscriptions: BusSubscription[];
  functions: HandlerFunction[];
  pipe: OrderStreamPipe;
  deadLetterQueues: DeadLetterQueue[];
  /** The Powertools service name of the handlers (default the project name, as HandlerFunction sets it). */
  serviceName?: string;
}

export class OperationsDashboard extends pulumi.ComponentResource {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly dashboardName: string;

  constructor(name: string, args: OperationsDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:OperationsDashboard', name, {}, opts);
    if (args.functions.length === 0) throw new Error(`OperationsDashboard ${name}: functions is empty`);
    this.dashboardName = `${name}-${pulumi.getStack()}`;
    const carrier = new Set(args.carrierSubscriptions);
    const rules = pulumi.all(
      args.bus.subscriptions.map((s) => s.rule.name.apply((ruleName) => ({ ruleName, carrier: carrier.has(s) }))),
    );
    const body = pulumi
      .all([
        aws.getRegionOutput({}, { parent: this }).region,
        args.api.api.id,
        args.api.stage.name,
        args.bus.name,
        rules,
        pulumi.all(args.functions.map((f) => f.name)),
        pulumi.all(args.deadLetterQueues.map((q) => q.queue.name)),
      ])
      .apply(([region, apiId, stage, busName, ruleList, functionNames, queueNames]) =>
        JSON.stringify(
          dashboardBody({
            region,
            serviceName: args.serviceName ?? pulumi.getProject(),
            stack: pulumi.getStack(),
            api: { apiId, stage },
            busName,
            rules: ruleList,
            functionNames,
            pipeName: args.pipe.pipeName,
            queueNames,
          }),
        ),
      );
    this.dashboard = new aws.cloudwatch.Dashboard(
      name,
      { dashboardName: this.dashboardName, dashboardBody: body },
      { parent: this },
    );
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
