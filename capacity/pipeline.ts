/**
 * Turns the stack's order path (stack-reader.ts), the region's quotas (quotas.ts) and a service-time profile
 * (profiles.ts) into the model's buckets, pools and steps (model.ts). Pure.
 */
import { ModelInput, StepSpec } from './model';
import { ServiceProfile } from './profiles';
import { quotasFor } from './quotas';
import { StackPipeline } from './stack-reader';

export interface PipelineOptions {
  /** Share of carrier calls that fail with a 5xx (retried by EventBridge). */
  carrierErrorRate?: number;
  /**
   * Write request units per order: capture writes the order and its idempotency claim in one transaction (two
   * items of at most 1 KB, 2 units each for a transaction); confirmation is one conditional update (1 unit).
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html (capacity of transactions)
   */
  captureWriteUnits?: number;
  confirmWriteUnits?: number;
  /** Stream shards when fixed (the local cloud's DynamoDB Local stream has one). */
  streamShards?: number;
}

export const DEFAULT_CAPTURE_WRITE_UNITS = 4;
export const DEFAULT_CONFIRM_WRITE_UNITS = 1;

const queueName = (arn: string | undefined): string | undefined =>
  arn === undefined ? undefined : arn.split(':').pop();

export function buildModelInput(
  stack: StackPipeline,
  profile: ServiceProfile,
  options: PipelineOptions = {},
): ModelInput {
  const q = quotasFor(stack.region);
  const local = profile.lambda;
  const captureWru = options.captureWriteUnits ?? DEFAULT_CAPTURE_WRITE_UNITS;
  const confirmWru = options.confirmWriteUnits ?? DEFAULT_CONFIRM_WRITE_UNITS;
  const finite = (x: number): boolean => Number.isFinite(x);

  const stageBucket = (route: { routeKey: string; rateLimit: number; burstLimit: number }): string =>
    `stage ${route.routeKey}`;
  const buckets: ModelInput['buckets'] = [
    {
      id: stageBucket(stack.ingest.route),
      label: `HTTP API stage throttle on ${stack.ingest.route.routeKey} (${stack.ingest.route.rateLimit}/s, burst ${stack.ingest.route.burstLimit})`,
      rate: finite(stack.ingest.route.rateLimit) ? stack.ingest.route.rateLimit : q['apigw-account-rate'],
      burst: finite(stack.ingest.route.burstLimit) ? stack.ingest.route.burstLimit : q['apigw-account-burst'],
    },
    {
      id: stageBucket(stack.callback.route),
      label: `HTTP API stage throttle on ${stack.callback.route.routeKey} (${stack.callback.route.rateLimit}/s, burst ${stack.callback.route.burstLimit})`,
      rate: finite(stack.callback.route.rateLimit) ? stack.callback.route.rateLimit : q['apigw-account-rate'],
      burst: finite(stack.callback.route.burstLimit) ? stack.callback.route.burstLimit : q['apigw-account-burst'],
    },
    {
      id: 'apigw-account',
      label: `API Gateway account throttle in ${stack.region} (${q['apigw-account-rate']}/s, burst ${q['apigw-account-burst']})`,
      rate: q['apigw-account-rate'],
      burst: q['apigw-account-burst'],
    },
    {
      id: 'putevents',
      label: `PutEvents quota in ${stack.region} (${q['eventbridge-putevents']} requests/s)`,
      rate: q['eventbridge-putevents'],
      burst: q['eventbridge-putevents'],
    },
    {
      id: 'invocations',
      label: `EventBridge target invocations quota in ${stack.region} (${q['eventbridge-invocations']}/s)`,
      rate: q['eventbridge-invocations'],
      burst: q['eventbridge-invocations'],
    },
    {
      id: 'api-destination',
      label: `API destination ${stack.carrier.destination} rate limit (${Math.min(stack.carrier.rateLimitPerSecond, q['eventbridge-api-destination-rate'])}/s)`,
      rate: Math.min(stack.carrier.rateLimitPerSecond, q['eventbridge-api-destination-rate']),
      // AWS documents no burst for API destinations; one second of tokens, as the local cloud does.
      burst: Math.max(1, Math.min(stack.carrier.rateLimitPerSecond, q['eventbridge-api-destination-rate'])),
    },
    tableBucket(stack, q, options.streamShards !== undefined),
  ];

  const concurrencyOf = (reserved: number | undefined): number => reserved ?? local?.perFunctionConcurrency ?? Infinity;
  const callbackSeconds = profile.apiSeconds + (stack.callback.authorizer ? profile.authorizerSeconds : 0);
  const functions: ModelInput['functions'] = [
    {
      id: 'capture',
      label: `Lambda ${stack.capture.name} concurrency`,
      concurrency: concurrencyOf(stack.capture.reservedConcurrency),
      serviceSeconds: profile.captureSeconds,
      coldStartSeconds: profile.coldStartSeconds,
    },
    {
      id: 'confirm',
      label: `Lambda ${stack.confirm.name} concurrency`,
      concurrency: concurrencyOf(stack.confirm.reservedConcurrency),
      serviceSeconds: profile.confirmSeconds,
      coldStartSeconds: profile.coldStartSeconds,
    },
  ];
  if (stack.carrier.mock) {
    functions.push({
      id: 'carrier',
      label: `Lambda ${stack.carrier.mock.name} concurrency (it holds its slot while it calls back)`,
      concurrency: concurrencyOf(stack.carrier.mock.reservedConcurrency),
      serviceSeconds: profile.carrierMockSeconds + callbackSeconds,
      coldStartSeconds: profile.coldStartSeconds,
    });
  }

  const pipeBatch = stack.pipe.batchSize;
  const pollers: ModelInput['pollers'] = [
    {
      id: 'pipe',
      label: `Pipe ${stack.pipe.name}: shards × parallelization ${stack.pipe.parallelizationFactor}, batches of ${pipeBatch}`,
      batch: pipeBatch,
      serviceSeconds: profile.pipeBatchSeconds + stack.pipe.maximumBatchingWindowSeconds,
      slotsPerShard: stack.pipe.parallelizationFactor,
      shardOf:
        options.streamShards !== undefined
          ? { bucket: 'table-writes', writesPerShard: Infinity }
          : { bucket: 'table-writes', writesPerShard: q['dynamodb-partition-writes'] },
      maxSlots:
        options.streamShards !== undefined
          ? options.streamShards * stack.pipe.parallelizationFactor
          : q['pipes-concurrent-executions'],
    },
  ];

  // One PutEvents request carries at most 10 entries (API_PutEvents); a pipe batch of n records needs ceil(n/10).
  const pipePutEvents = 1 / Math.min(10, pipeBatch);
  const created = stack.created.next;
  const uploaded = stack.ingest.event.next;
  const confirmed = stack.callback.event.next;
  if (!created || !uploaded || !confirmed) throw new Error('the order path is incomplete');
  const callbackGate = [
    { bucket: stageBucket(stack.callback.route), cost: 1 },
    { bucket: 'apigw-account', cost: 1 },
    { bucket: 'putevents', cost: 1 },
  ];

  const steps: StepSpec[] = [
    {
      kind: 'gate',
      id: 'ingest',
      label: `${stack.ingest.route.routeKey} → PutEvents`,
      uses: [
        { bucket: stageBucket(stack.ingest.route), cost: 1 },
        { bucket: 'apigw-account', cost: 1 },
        { bucket: 'putevents', cost: 1 },
      ],
    },
    { kind: 'delay', id: 'ingest-latency', label: 'HTTP API and PutEvents', seconds: profile.apiSeconds },
    { kind: 'event', id: 'uploaded', label: `event ${stack.ingest.event.detailType}` },
    {
      kind: 'queue',
      id: 'capture-delivery',
      label: `rule ${uploaded.rule} → ${stack.capture.name} (${stack.ingest.event.invocations} target invocations per event)`,
      uses: [{ bucket: 'invocations', cost: stack.ingest.event.invocations }],
      maxAgeSeconds: uploaded.retry.maximumEventAgeSeconds,
      dlq: queueName(uploaded.deadLetterQueue),
    },
    { kind: 'delay', id: 'capture-delivery-latency', label: 'rule to target', seconds: profile.deliverySeconds },
    {
      kind: 'function',
      id: 'capture',
      label: `Lambda ${stack.capture.name} (async, ${stack.capture.memoryMb} MB)`,
      fn: 'capture',
      maxAgeSeconds: stack.capture.async.maximumEventAgeSeconds,
      dlq: queueName(stack.capture.async.onFailure),
    },
    {
      kind: 'queue',
      id: 'table-insert',
      label: `table ${stack.table.name} writes (${captureWru} WRU per order)`,
      uses: [{ bucket: 'table-writes', cost: captureWru }],
    },
    { kind: 'delay', id: 'stream-created', label: 'stream to poller', seconds: profile.streamSeconds },
    {
      kind: 'poll',
      id: 'pipe-created',
      label: `pipe ${stack.pipe.name} (pending order)`,
      poller: 'pipe',
      uses: [{ bucket: 'putevents', cost: pipePutEvents }],
      maxAgeSeconds: stack.pipe.maximumRecordAgeSeconds,
      dlq: queueName(stack.pipe.deadLetterQueue),
    },
    { kind: 'event', id: 'created', label: `event ${stack.created.detailType} (pending)` },
    {
      kind: 'queue',
      id: 'carrier-delivery',
      label: `rule ${created.rule} → API destination ${stack.carrier.destination}`,
      uses: [
        { bucket: 'invocations', cost: stack.created.invocations },
        { bucket: 'api-destination', cost: 1 },
      ],
      maxAgeSeconds: created.retry.maximumEventAgeSeconds,
      dlq: queueName(created.deadLetterQueue),
    },
    {
      kind: 'call',
      id: 'carrier',
      label: stack.carrier.mock
        ? `carrier mock ${stack.carrier.mock.name} and its callback ${stack.callback.route.routeKey}`
        : `carrier ${stack.carrier.endpoint} and its callback`,
      fn: stack.carrier.mock ? 'carrier' : undefined,
      seconds: stack.carrier.mock ? 0 : profile.carrierSeconds + callbackSeconds,
      failureRate: options.carrierErrorRate ?? 0,
      callbackGate,
      retry: created.retry,
      retryStep: 'carrier-delivery',
      dlq: queueName(created.deadLetterQueue) ?? 'carrier (dropped)',
    },
    { kind: 'event', id: 'confirmed', label: `event ${stack.callback.event.detailType}` },
    {
      kind: 'queue',
      id: 'confirm-delivery',
      label: `rule ${confirmed.rule} → ${stack.confirm.name}`,
      uses: [{ bucket: 'invocations', cost: stack.callback.event.invocations }],
      maxAgeSeconds: confirmed.retry.maximumEventAgeSeconds,
      dlq: queueName(confirmed.deadLetterQueue),
    },
    { kind: 'delay', id: 'confirm-delivery-latency', label: 'rule to target', seconds: profile.deliverySeconds },
    {
      kind: 'function',
      id: 'confirm',
      label: `Lambda ${stack.confirm.name} (async, ${stack.confirm.memoryMb} MB)`,
      fn: 'confirm',
      maxAgeSeconds: stack.confirm.async.maximumEventAgeSeconds,
      dlq: queueName(stack.confirm.async.onFailure),
    },
    {
      kind: 'queue',
      id: 'table-update',
      label: `table ${stack.table.name} writes (${confirmWru} WRU per confirmation)`,
      uses: [{ bucket: 'table-writes', cost: confirmWru }],
    },
    { kind: 'complete', id: 'shipped', label: 'order shipped' },
    { kind: 'delay', id: 'stream-shipped', label: 'stream to poller', seconds: profile.streamSeconds },
    {
      kind: 'poll',
      id: 'pipe-shipped',
      label: `pipe ${stack.pipe.name} (shipped order)`,
      poller: 'pipe',
      uses: [{ bucket: 'putevents', cost: pipePutEvents }],
    },
    {
      kind: 'queue',
      id: 'shipped-delivery',
      label: `event ${stack.shipped.detailType} (shipped) to its ${stack.shipped.invocations} target(s)`,
      uses: [{ bucket: 'invocations', cost: stack.shipped.invocations }],
    },
  ];

  return {
    buckets,
    functions,
    pollers,
    steps,
    lambda: {
      accountConcurrency: local?.accountConcurrency ?? q['lambda-concurrency'],
      scalingPerTenSeconds: local?.scalingPerTenSeconds ?? q['lambda-scaling-rate'],
    },
  };
}

function tableBucket(
  stack: StackPipeline,
  q: ReturnType<typeof quotasFor>,
  fixedShards: boolean,
): ModelInput['buckets'][number] {
  if (fixedShards) {
    // The local cloud: DynamoDB Local does not throttle.
    return {
      id: 'table-writes',
      label: `table ${stack.table.name} (DynamoDB Local, no throttling)`,
      rate: 1e9,
      burst: 1e9,
    };
  }
  if (stack.table.billingMode === 'PROVISIONED') {
    const wcu = stack.table.writeCapacity ?? 1;
    return { id: 'table-writes', label: `table ${stack.table.name} provisioned ${wcu} WCU`, rate: wcu, burst: wcu };
  }
  const max = Math.min(stack.table.maxWriteRequestUnits ?? Infinity, q['dynamodb-table-max-writes']);
  const start = Math.min(max, q['dynamodb-on-demand-new-table-writes']);
  return {
    id: 'table-writes',
    label: `table ${stack.table.name} on-demand writes (new table: ${start} WRU/s, up to ${max})`,
    rate: start,
    burst: start,
    // "Double your previous peak within 30 minutes" is AWS's long-standing guidance for new peaks; modelled as a
    // doubling after 30 minutes of sustained throttling [inference].
    growth: { doubleAfterSeconds: 1800, max },
  };
}
