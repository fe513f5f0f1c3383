/**
 * Service times per hop: how long one unit of work takes where nothing queues. Two profiles:
 *
 * - `aws`: what the deployed stack is expected to take. AWS documents few latencies; where it does the figure is
 *   cited, where it does not the value is marked as an assumption. Capacity answers (what throttles, how long a
 *   backlog drains) hinge on the rate limits and quotas, which are documented; these times move latency
 *   percentiles, not drain times.
 * - `local`: the local cloud on one machine, measured (2026-11-30, `npm start` on this project's shared 2-core build
 *   host) from the handlers' REPORT lines and the HTTP access log of a 400-order run; the calibration test replaces
 *   the handler durations with those of its own run, since the machine sets them. Its Lambda pool is the local
 *   cloud's own (local/services/lambda/index.ts: 4 concurrent invocations per function, 10 in all, workers started on
 *   demand), and its carrier is the mock Lambda, which holds its slot while it calls back.
 */

export interface ServiceProfile {
  name: 'aws' | 'local';
  /** HTTP API request through the EventBridge-PutEvents integration, answered. */
  apiSeconds: number;
  /** From PutEvents accepting an event to its target being invoked. */
  deliverySeconds: number;
  /** Handler durations (warm). */
  captureSeconds: number;
  confirmSeconds: number;
  authorizerSeconds: number;
  /** The carrier mock's own work, without its callback (which is added from the API and authorizer times). */
  carrierMockSeconds: number;
  /** An external carrier's answer time. */
  carrierSeconds: number;
  /** Added to the first invocation in each new execution environment. */
  coldStartSeconds: number;
  /** From a table write to the pipe's poller seeing the record (stream propagation plus the mean poll wait). */
  streamSeconds: number;
  /** One pipe batch: filter, template, PutEvents to the bus. */
  pipeBatchSeconds: number;
  /** Overrides of Lambda's account limits (the local cloud's worker pool). */
  lambda?: { accountConcurrency: number; perFunctionConcurrency: number; scalingPerTenSeconds: number };
  /** Where each figure comes from. */
  sources: Record<string, string>;
}

export const AWS_PROFILE: ServiceProfile = {
  name: 'aws',
  apiSeconds: 0.05,
  deliverySeconds: 0.25,
  captureSeconds: 0.04,
  confirmSeconds: 0.03,
  authorizerSeconds: 0.005,
  carrierMockSeconds: 0.01,
  carrierSeconds: 0.3,
  coldStartSeconds: 0.3,
  streamSeconds: 0.225,
  pipeBatchSeconds: 0.05,
  sources: {
    apiSeconds: 'assumption: AWS publishes no HTTP API or PutEvents latency figure',
    deliverySeconds: 'assumption: AWS publishes no rule-to-target latency figure',
    captureSeconds:
      'assumption: one DynamoDB transaction at "single-digit millisecond" latency (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html) plus handler work',
    confirmSeconds: 'assumption: one conditional DynamoDB update plus handler work',
    authorizerSeconds: 'assumption: a constant-time token comparison, no I/O',
    carrierMockSeconds: 'assumption: request validation only; the callback is added separately',
    carrierSeconds: 'assumption: an external HTTPS service answering in 300 ms',
    coldStartSeconds: 'assumption: a small Node.js bundle on arm64',
    streamSeconds:
      'pollers read each shard 4 times a second (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html): mean wait 0.125 s, plus an assumed 0.1 s propagation',
    pipeBatchSeconds: 'assumption: one PutEvents request per batch',
  },
};

export const LOCAL_PROFILE: ServiceProfile = {
  name: 'local',
  apiSeconds: 0.02,
  deliverySeconds: 0.05,
  captureSeconds: 0.33,
  confirmSeconds: 0.044,
  authorizerSeconds: 0.006,
  carrierMockSeconds: 0.034,
  carrierSeconds: 0.05,
  coldStartSeconds: 1.0,
  streamSeconds: 0.75,
  pipeBatchSeconds: 0.05,
  lambda: { accountConcurrency: 10, perFunctionConcurrency: 4, scalingPerTenSeconds: 1e9 },
  sources: {
    captureSeconds: 'measured: capture-order REPORT durations, median 334 ms under load (DynamoDB Local transactions)',
    confirmSeconds: 'measured: confirm-shipment REPORT durations, median 44 ms',
    authorizerSeconds: 'measured: authorize-carrier REPORT durations, median 6 ms',
    carrierMockSeconds: 'measured: carrier-mock REPORT durations, median 34 ms (callback included)',
    streamSeconds:
      'local pipe poller: 250 ms interval backing off to 1 s when idle (local/services/pipes/index.ts); mean taken',
    coldStartSeconds: 'measured: a worker thread loading a bundle, about 1 s',
    apiSeconds: 'measured: access-log round trips of tens of ms',
    deliverySeconds: 'measured: event log to handler START, tens of ms',
    pipeBatchSeconds: 'assumption: one local PutEvents call',
    carrierSeconds: 'not used locally (the carrier is the mock)',
  },
};
