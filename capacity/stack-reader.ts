/**
 * Reads the resource graph the Pulumi program declares (the same graph the local cloud emulates) and returns the
 * path one order takes through it, with every setting that bounds its capacity: stage throttling per route, the
 * rules and targets each of the order's events meets (matched with the event-pattern engine), retry policies and
 * maximum event ages, Lambda memory, timeout, architecture, reserved concurrency and asynchronous-invocation
 * settings, the authorizer and its cache, the pipe's batch size and parallelization, the table's billing mode,
 * the API destination's rate limit and whether the carrier is the stack's own mock.
 *
 * Pure: takes the graph, does no I/O. The order's journey (which route ingests it, which events it causes) comes
 * from the event contract (handlers/contract.ts), not from values typed again here.
 */
import { DetailTypes } from '../handlers/contract';
import { testEventPattern } from '../local/engine';
import { GraphResource, physicalName, ResourceGraph } from '../local/model/graph';
import { RetryBudget } from './backoff';

const T = {
  stage: 'aws:apigatewayv2/stage:Stage',
  route: 'aws:apigatewayv2/route:Route',
  integration: 'aws:apigatewayv2/integration:Integration',
  authorizer: 'aws:apigatewayv2/authorizer:Authorizer',
  fn: 'aws:lambda/function:Function',
  invokeConfig: 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig',
  functionUrl: 'aws:lambda/functionUrl:FunctionUrl',
  rule: 'aws:cloudwatch/eventRule:EventRule',
  target: 'aws:cloudwatch/eventTarget:EventTarget',
  apiDestination: 'aws:cloudwatch/eventApiDestination:EventApiDestination',
  table: 'aws:dynamodb/table:Table',
  pipe: 'aws:pipes/pipe:Pipe',
} as const;

// EventBridge's documented defaults for a target without a RetryPolicy (API_RetryPolicy).
const DEFAULT_RETRY: RetryBudget = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };
// Lambda's asynchronous-invocation defaults without a FunctionEventInvokeConfig (invocation-async-retain-records).
const DEFAULT_ASYNC = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 };

export interface RouteThrottle {
  routeKey: string;
  rateLimit: number;
  burstLimit: number;
}

export interface LambdaSettings {
  name: string;
  memoryMb: number;
  timeoutSeconds: number;
  architecture: 'arm64' | 'x86_64';
  /** Reserved concurrency, when set. */
  reservedConcurrency?: number;
  async: { maximumRetryAttempts: number; maximumEventAgeSeconds: number; onFailure?: string };
}

export interface TargetDelivery {
  rule: string;
  targetArn: string;
  retry: RetryBudget;
  deadLetterQueue?: string;
}

/** One event the order puts on the bus, and what it meets there. */
export interface BusEventStep {
  detailType: string;
  /** Every target the event reaches (each is one invocation against the account's invocation quota). */
  invocations: number;
  /** The target that carries the order on (undefined for the last event). */
  next?: TargetDelivery;
}

export interface StackPipeline {
  region: string;
  ingest: { route: RouteThrottle; event: BusEventStep };
  capture: LambdaSettings;
  table: {
    name: string;
    billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
    writeCapacity?: number;
    maxWriteRequestUnits?: number;
  };
  pipe: {
    name: string;
    batchSize: number;
    parallelizationFactor: number;
    maximumBatchingWindowSeconds: number;
    maximumRetryAttempts: number;
    maximumRecordAgeSeconds?: number;
    deadLetterQueue?: string;
  };
  created: BusEventStep;
  carrier: {
    destination: string;
    rateLimitPerSecond: number;
    endpoint: string;
    /** The Lambda behind the Function URL the destination calls, when the carrier is the stack's mock. */
    mock?: LambdaSettings;
  };
  callback: { route: RouteThrottle; authorizer?: { fn: LambdaSettings; cacheTtlSeconds: number }; event: BusEventStep };
  confirm: LambdaSettings;
  shipped: BusEventStep;
}

export class StackReadError extends Error {}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new StackReadError(`the stack has no ${what}`);
  return value;
}

function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function readStackPipeline(graph: ResourceGraph, region: string): StackPipeline {
  const functions = graph.ofType(T.fn);
  const functionByArn = (arn: string): GraphResource | undefined => {
    const bare = arn.split(':').slice(0, 7).join(':');
    return functions.find((f) => f.state.arn === arn || f.state.arn === bare || physicalName(f) === arn);
  };

  const lambdaSettings = (fn: GraphResource): LambdaSettings => {
    const name = physicalName(fn);
    const config = graph
      .ofType(T.invokeConfig)
      .find((c) => c.state.functionName === name || c.state.functionName === fn.state.arn);
    const reserved = num(fn.state.reservedConcurrentExecutions);
    const arch = Array.isArray(fn.state.architectures) && fn.state.architectures[0] === 'arm64' ? 'arm64' : 'x86_64';
    return {
      name,
      // Lambda's defaults: 128 MB, 3 s (API_CreateFunction).
      memoryMb: num(fn.state.memorySize) ?? 128,
      timeoutSeconds: num(fn.state.timeout) ?? 3,
      architecture: arch,
      reservedConcurrency: reserved !== undefined && reserved >= 0 ? reserved : undefined,
      async: {
        maximumRetryAttempts: num(config?.state.maximumRetryAttempts) ?? DEFAULT_ASYNC.maximumRetryAttempts,
        maximumEventAgeSeconds: num(config?.state.maximumEventAgeInSeconds) ?? DEFAULT_ASYNC.maximumEventAgeSeconds,
        onFailure: config?.state.destinationConfig?.onFailure?.destination,
      },
    };
  };

  // Routes: the one whose PutEvents integration puts events of this detail type.
  const integrations = graph.ofType(T.integration);
  const routeFor = (detailType: string): { route: GraphResource; integration: GraphResource } => {
    const integration = need(
      integrations.find(
        (i) =>
          i.state.integrationSubtype === 'EventBridge-PutEvents' &&
          i.state.requestParameters?.DetailType === detailType,
      ),
      `EventBridge-PutEvents integration for "${detailType}"`,
    );
    const route = need(
      graph
        .ofType(T.route)
        .find((r) => r.state.apiId === integration.state.apiId && r.state.target === `integrations/${integration.id}`),
      `route to the "${detailType}" integration`,
    );
    return { route, integration };
  };
  const throttleOf = (route: GraphResource): RouteThrottle => {
    const routeKey = String(route.state.routeKey);
    const stage = need(
      graph.ofType(T.stage).find((s) => s.state.apiId === route.state.apiId),
      `stage for the API of ${routeKey}`,
    );
    const perRoute = (Array.isArray(stage.state.routeSettings) ? stage.state.routeSettings : []).find(
      (s: { routeKey?: string }) => s.routeKey === routeKey,
    );
    const defaults = stage.state.defaultRouteSettings ?? {};
    // Without stage limits the account's limits apply; Infinity lets the account bucket decide.
    return {
      routeKey,
      rateLimit: num(perRoute?.throttlingRateLimit) ?? num(defaults.throttlingRateLimit) ?? Infinity,
      burstLimit: num(perRoute?.throttlingBurstLimit) ?? num(defaults.throttlingBurstLimit) ?? Infinity,
    };
  };

  // Rules on the bus, matched against each of the order's events with the same engine the local cloud uses.
  const rules = graph.ofType(T.rule);
  const targets = graph.ofType(T.target);
  const busEvent = (
    busName: string,
    source: string,
    detailType: string,
    detail: object,
    nextArn?: (arn: string) => boolean,
  ): BusEventStep => {
    const event = {
      version: '0',
      id: '00000000-0000-0000-0000-000000000000',
      'detail-type': detailType,
      source,
      account: '123456789012',
      time: '2026-01-01T00:00:00Z',
      region,
      resources: [],
      detail,
    };
    const matched = rules.filter(
      (r) =>
        r.state.eventBusName === busName &&
        r.state.state !== 'DISABLED' &&
        r.state.eventPattern &&
        testEventPattern(r.state.eventPattern, event),
    );
    const reached = targets.filter((t) =>
      matched.some((r) => physicalName(r) === t.state.rule && t.state.eventBusName === busName),
    );
    const carrying = nextArn ? reached.find((t) => nextArn(String(t.state.arn))) : undefined;
    return {
      detailType,
      invocations: reached.length,
      next: carrying
        ? {
            rule: String(carrying.state.rule),
            targetArn: String(carrying.state.arn),
            retry: {
              maximumRetryAttempts:
                num(carrying.state.retryPolicy?.maximumRetryAttempts) ?? DEFAULT_RETRY.maximumRetryAttempts,
              maximumEventAgeSeconds:
                num(carrying.state.retryPolicy?.maximumEventAgeInSeconds) ?? DEFAULT_RETRY.maximumEventAgeSeconds,
            },
            deadLetterQueue: carrying.state.deadLetterConfig?.arn,
          }
        : undefined,
    };
  };
  const isFunction = (arn: string): boolean => functionByArn(arn) !== undefined;
  const isApiDestination = (arn: string): boolean => arn.includes(':api-destination/');

  // 1. Upload: route → PutEvents → the rule's Lambda target.
  const upload = routeFor(DetailTypes.orderUploaded);
  const uploadParams = upload.integration.state.requestParameters;
  const uploadEvent = busEvent(
    uploadParams.EventBusName,
    uploadParams.Source,
    DetailTypes.orderUploaded,
    {},
    isFunction,
  );
  const capture = lambdaSettings(
    need(functionByArn(need(uploadEvent.next, 'Lambda target for uploads').targetArn), 'capture function'),
  );

  // 2. The table the capture function writes, its stream and the pipe reading it.
  const pipe = need(
    graph.ofType(T.pipe).find((p) => graph.ofType(T.table).some((t) => t.state.streamArn === p.state.source)),
    'pipe reading a table stream',
  );
  const table = graph.ofType(T.table).find((t) => t.state.streamArn === pipe.state.source) as GraphResource;
  const stream = pipe.state.sourceParameters?.dynamodbStreamParameters ?? {};
  const pipeTarget = pipe.state.targetParameters?.eventbridgeEventBusParameters ?? {};
  const busName = String(pipe.state.target).split('event-bus/')[1] ?? String(pipe.state.target);
  const created = busEvent(
    busName,
    pipeTarget.source,
    pipeTarget.detailType,
    { change: 'INSERT', state: 'pending' },
    isApiDestination,
  );
  const createdNext = need(created.next, 'API destination target for new pending orders');

  // 3. The carrier: the API destination, and the Lambda behind it when it is the stack's own mock.
  const destination = need(
    graph.ofType(T.apiDestination).find((d) => d.state.arn === createdNext.targetArn),
    'API destination for the carrier',
  );
  const endpoint = String(destination.state.invocationEndpoint);
  const url = graph
    .ofType(T.functionUrl)
    .find((u) => typeof u.state.functionUrl === 'string' && endpoint.startsWith(u.state.functionUrl));
  const mockFn = url ? functionByArn(String(url.state.functionArn ?? url.state.functionName)) : undefined;

  // 4. The callback: route (with its authorizer) → PutEvents → the confirm function.
  const callback = routeFor(DetailTypes.shipmentConfirmed);
  const callbackParams = callback.integration.state.requestParameters;
  const authorizer = callback.route.state.authorizerId
    ? graph.ofType(T.authorizer).find((a) => a.id === callback.route.state.authorizerId)
    : undefined;
  const authorizerFn = authorizer?.state.authorizerUri
    ? functionByArn(String(authorizer.state.authorizerUri).split('/functions/')[1]?.split('/invocations')[0] ?? '')
    : undefined;
  const confirmedEvent = busEvent(
    callbackParams.EventBusName,
    callbackParams.Source,
    DetailTypes.shipmentConfirmed,
    {},
    isFunction,
  );
  const confirm = lambdaSettings(
    need(functionByArn(need(confirmedEvent.next, 'Lambda target for confirmations').targetArn), 'confirm function'),
  );
  const shipped = busEvent(busName, pipeTarget.source, pipeTarget.detailType, { change: 'MODIFY', state: 'shipped' });

  return {
    region,
    ingest: { route: throttleOf(upload.route), event: uploadEvent },
    capture,
    table: {
      name: physicalName(table),
      billingMode: table.state.billingMode === 'PROVISIONED' ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      writeCapacity: num(table.state.writeCapacity),
      maxWriteRequestUnits: num(table.state.onDemandThroughput?.maxWriteRequestUnits),
    },
    pipe: {
      name: physicalName(pipe),
      // Pipes' DynamoDB stream defaults: batch 100, parallelization 1, no window, retries until the record expires.
      batchSize: num(stream.batchSize) ?? 100,
      parallelizationFactor: num(stream.parallelizationFactor) ?? 1,
      maximumBatchingWindowSeconds: num(stream.maximumBatchingWindowInSeconds) ?? 0,
      maximumRetryAttempts: num(stream.maximumRetryAttempts) ?? -1,
      maximumRecordAgeSeconds:
        (num(stream.maximumRecordAgeInSeconds) ?? -1) >= 0 ? num(stream.maximumRecordAgeInSeconds) : undefined,
      deadLetterQueue: stream.deadLetterConfig?.arn,
    },
    created,
    carrier: {
      destination: physicalName(destination),
      // InvocationRateLimitPerSecond defaults to 300 (API_CreateApiDestination).
      rateLimitPerSecond: num(destination.state.invocationRateLimitPerSecond) ?? 300,
      endpoint,
      mock: mockFn ? lambdaSettings(mockFn) : undefined,
    },
    callback: {
      route: throttleOf(callback.route),
      authorizer: authorizerFn
        ? {
            fn: lambdaSettings(authorizerFn),
            cacheTtlSeconds: num(authorizer?.state.authorizerResultTtlInSeconds) ?? 300,
          }
        : undefined,
      event: confirmedEvent,
    },
    confirm,
    shipped,
  };
}
