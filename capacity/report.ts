/**
 * From a model run to the answers a user wants: per hop what it used, held, threw away and when it drained; the
 * first bottleneck and the change that moves it; the cost of the run and per million orders. Pure.
 */
import { HopResult, ModelResult, offeredOrders, RunOptions, runModel, Scenario, scenarioEnd } from './model';
import { buildModelInput, PipelineOptions } from './pipeline';
import { PRICE_REGION, PRICES } from './prices';
import { ServiceProfile } from './profiles';
import { QUOTAS, quotasFor } from './quotas';
import { StackPipeline } from './stack-reader';

export interface Bottleneck {
  hop: string;
  label: string;
  limitedBy: string;
  /** What happens there: throttled at the edge, queued, dead-lettered. */
  effect: string;
  change: string;
}

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  usd: number;
  note?: string;
}

export interface CapacityReport {
  region: string;
  profile: ServiceProfile['name'];
  scenario: Scenario;
  offered: number;
  completed: number;
  throttled: number;
  deadLettered: Record<string, number>;
  lost: number;
  inFlightAtEnd: number;
  drainSeconds: number;
  latency: ModelResult['latency'];
  hops: Omit<HopResult, 'kind'>[];
  bottleneck?: Bottleneck;
  cost: { lines: CostLine[]; totalUsd: number; perMillionOrdersUsd: number | undefined; note: string };
}

/** Steps that only stand for time passing or an event being born are not hops of their own. */
const SHOWN: HopResult['kind'][] = ['gate', 'queue', 'function', 'poll', 'call'];

export function analyse(
  stack: StackPipeline,
  profile: ServiceProfile,
  scenario: Scenario,
  options: PipelineOptions = {},
  run: RunOptions = {},
): CapacityReport {
  const input = buildModelInput(stack, profile, options);
  const result = runModel(input, scenario, run);
  const hops = result.hops.filter((h) => SHOWN.includes(h.kind));
  const lost = result.throttled + Object.values(result.deadLettered).reduce((a, b) => a + b, 0);
  return {
    region: stack.region,
    profile: profile.name,
    scenario,
    offered: result.offered,
    completed: result.completed,
    throttled: result.throttled,
    deadLettered: result.deadLettered,
    lost: round(lost, 1),
    inFlightAtEnd: result.inFlightAtEnd,
    drainSeconds: result.drainSeconds,
    latency: result.latency,
    hops: hops.map(({ kind: _kind, ...h }) => h),
    bottleneck: findBottleneck(stack, hops, scenario),
    cost: estimateCost(stack, profile, result),
  };
}

function peakRate(s: Scenario): number {
  return Math.max(s.rate, s.burst?.rate ?? 0);
}

function findBottleneck(stack: StackPipeline, hops: HopResult[], scenario: Scenario): Bottleneck | undefined {
  const end = scenarioEnd(scenario);
  // The first hop, along the order's path, that throttled, dead-lettered or held a backlog past the arrivals.
  const hop = hops.find(
    (h) => h.throttled > 0.5 || h.deadLettered > 0.5 || (h.peakBacklog >= 1 && h.drainedAt > end + 1),
  );
  if (!hop) return undefined;
  const effect =
    hop.throttled > 0.5
      ? `throttles ${fmt(hop.throttled)} requests`
      : hop.deadLettered > 0.5
        ? `dead-letters ${fmt(hop.deadLettered)} events`
        : `queues up to ${fmt(hop.peakBacklog)} and drains at ${fmtSeconds(hop.drainedAt)}`;
  return {
    hop: hop.id,
    label: hop.label,
    limitedBy: hop.limitedBy ?? 'its limit',
    effect,
    change: changeFor(stack, hop, peakRate(scenario)),
  };
}

function changeFor(stack: StackPipeline, hop: HopResult, rate: number): string {
  const q = quotasFor(stack.region);
  const id = hop.limitedById ?? '';
  const need = Math.ceil(rate);
  if (id === `stage ${stack.ingest.route.routeKey}` || id === `stage ${stack.callback.route.routeKey}`) {
    const { rate: r, burst } = stageThrottleFor(stack, need);
    const more =
      need > r
        ? `; beyond ${fmt(r)}/s request a higher API Gateway quota (${QUOTAS['apigw-account-rate'].source})`
        : '';
    return `raise the stage throttle: \`pulumi config set throttlingRateLimit ${r}\` and \`throttlingBurstLimit ${burst}\` (every route)${more}`;
  }
  if (id === 'apigw-account') {
    return `request a higher API Gateway throttle quota (${q['apigw-account-rate']}/s in ${stack.region}; ${QUOTAS['apigw-account-rate'].source})`;
  }
  if (id === 'putevents') {
    return `request a higher PutEvents quota (${q['eventbridge-putevents']}/s in ${stack.region}; about ${fmt(Math.ceil(rate * 2.2))}/s needed; ${QUOTAS['eventbridge-putevents'].source})`;
  }
  if (id === 'invocations') {
    return `request a higher EventBridge invocations quota (${q['eventbridge-invocations']}/s in ${stack.region}; ${QUOTAS['eventbridge-invocations'].source})`;
  }
  if (id === 'api-destination') {
    const quota = q['eventbridge-api-destination-rate'];
    return stack.carrier.rateLimitPerSecond < quota
      ? `raise \`carrierRateLimitPerSecond\` (now ${stack.carrier.rateLimitPerSecond}, at most ${quota}) as far as the carrier accepts; at ${need}/s nothing queues`
      : `the carrier limit is at the per-destination quota (${quota}/s): request an increase (${QUOTAS['eventbridge-api-destination-rate'].source}) or spread orders over several destinations`;
  }
  if (id === 'table-writes') {
    return `pre-warm the table (DynamoDB WarmThroughput) to the peak write rate, or request a higher per-table quota (${QUOTAS['dynamodb-table-max-writes'].source})`;
  }
  if (id.startsWith('fn:')) {
    return `raise Lambda concurrency (account quota ${q['lambda-concurrency']} in ${stack.region}; ${QUOTAS['lambda-concurrency'].source}) or shorten the function`;
  }
  if (id.startsWith('poller:')) {
    return `raise the pipe's ParallelizationFactor (now ${stack.pipe.parallelizationFactor}, up to 10) or its BatchSize (now ${stack.pipe.batchSize})`;
  }
  return 'raise the limit named above';
}

/**
 * The stage throttle that lets `rate` through, within what the stack's config accepts (rate up to the account's
 * quota, burst up to 5,000: infra/config.ts) and the account's own limits.
 */
export function stageThrottleFor(stack: StackPipeline, rate: number): { rate: number; burst: number } {
  const q = quotasFor(stack.region);
  const r = Math.min(Math.ceil(rate), q['apigw-account-rate']);
  return { rate: r, burst: Math.min(2 * r, 5000, q['apigw-account-burst']) };
}

/** The same stack with its stage's default route throttle set (what `pulumi config set throttling...` would do). */
export function withStageThrottle(stack: StackPipeline, rate: number, burst: number): StackPipeline {
  return {
    ...stack,
    ingest: { ...stack.ingest, route: { ...stack.ingest.route, rateLimit: rate, burstLimit: burst } },
    callback: { ...stack.callback, route: { ...stack.callback.route, rateLimit: rate, burstLimit: burst } },
  };
}

function estimateCost(stack: StackPipeline, profile: ServiceProfile, result: ModelResult): CapacityReport['cost'] {
  const passed = (id: string): number => result.hops.find((h) => h.id === id)?.passed ?? 0;
  const u = result.usage;
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, unit: string, usdEach: number, note?: string): void => {
    lines.push({ item, quantity: round(quantity, 1), unit, usd: round(quantity * usdEach, 6), note });
  };
  const apiRequests = u.bucketTokens['apigw-account'] ?? 0;
  add('HTTP API requests (uploads and callbacks)', apiRequests, 'requests', PRICES['http-api-request'].usd);
  const pipeRecords = passed('pipe-created') + passed('pipe-shipped');
  add(
    'EventBridge custom events (PutEvents entries)',
    apiRequests + pipeRecords,
    'events',
    PRICES['eventbridge-custom-event'].usd,
  );
  add(
    'API destination invocations',
    u.callAttempts['carrier'] ?? 0,
    'invocations',
    PRICES['eventbridge-api-destination'].usd,
  );
  add('Pipes requests', pipeRecords, 'requests', PRICES['pipes-request'].usd);

  const lambdas: { id: string; memoryMb: number; arch: 'arm64' | 'x86_64' }[] = [
    { id: 'capture', memoryMb: stack.capture.memoryMb, arch: stack.capture.architecture },
    { id: 'confirm', memoryMb: stack.confirm.memoryMb, arch: stack.confirm.architecture },
  ];
  if (stack.carrier.mock)
    lambdas.push({ id: 'carrier', memoryMb: stack.carrier.mock.memoryMb, arch: stack.carrier.mock.architecture });
  let requests = 0;
  let gbSeconds = { arm64: 0, x86_64: 0 };
  for (const l of lambdas) {
    requests += u.functionInvocations[l.id] ?? 0;
    gbSeconds[l.arch] += ((u.functionSeconds[l.id] ?? 0) * l.memoryMb) / 1024;
  }
  const auth = stack.callback.authorizer;
  if (auth) {
    // With a result TTL of 0 every callback invokes the authorizer.
    const calls = auth.cacheTtlSeconds === 0 ? apiRequests - passed('ingest') : 0;
    requests += calls;
    gbSeconds = {
      ...gbSeconds,
      [auth.fn.architecture]:
        gbSeconds[auth.fn.architecture] + (calls * profile.authorizerSeconds * auth.fn.memoryMb) / 1024,
    };
  }
  add('Lambda requests', requests, 'requests', PRICES['lambda-request'].usd);
  add('Lambda duration, arm64', gbSeconds.arm64, 'GB-s', PRICES['lambda-gb-second-arm64'].usd);
  if (gbSeconds.x86_64 > 0) add('Lambda duration, x86', gbSeconds.x86_64, 'GB-s', PRICES['lambda-gb-second-x86'].usd);
  add(
    'DynamoDB write request units',
    u.bucketTokens['table-writes'] ?? 0,
    'WRU',
    PRICES['dynamodb-write-request-unit'].usd,
  );
  // Pollers read every shard about four times a second for as long as the run lasts.
  const shards = Math.max(
    1,
    Math.ceil(
      quotasFor(stack.region)['dynamodb-on-demand-new-table-writes'] /
        quotasFor(stack.region)['dynamodb-partition-writes'],
    ),
  );
  add(
    'DynamoDB Streams reads (4 per shard per second)',
    shards * 4 * u.simulatedSeconds,
    'reads',
    PRICES['dynamodb-streams-read-request'].usd,
    'charge to pipes not confirmed',
  );
  // Log volume is an estimate: about 1 KB per bus event in the catch-all log group, 0.5 KB per Lambda invocation.
  const busEvents = apiRequests + pipeRecords;
  const logGb = (busEvents * 1024 + requests * 512) / 1024 ** 3;
  add('CloudWatch Logs ingested', logGb, 'GB', PRICES['cloudwatch-logs-ingested-gb'].usd, 'estimated sizes');
  const total = lines.reduce((s, l) => s + l.usd, 0);
  return {
    lines,
    totalUsd: round(total, 4),
    perMillionOrdersUsd: result.completed > 0 ? round((total / result.completed) * 1e6, 2) : undefined,
    note:
      stack.region === PRICE_REGION
        ? `${PRICE_REGION} on-demand prices read 2026-11-30, no free tier`
        : `${PRICE_REGION} on-demand prices read 2026-11-30 (prices for ${stack.region} not confirmed), no free tier`,
  };
}

// ------------------------------------------------------------------------------------------------- text

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '∞';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return String(Math.round(n * 10) / 10);
}

export function fmtSeconds(s: number): string {
  if (s < 120) return `${Math.round(s * 10) / 10} s`;
  if (s < 7200) return `${Math.round(s / 6) / 10} min`;
  return `${Math.round(s / 360) / 10} h`;
}

export function describeScenario(s: Scenario): string {
  const base = `${fmt(s.rate)} orders/s for ${fmtSeconds(s.durationSeconds)}`;
  return s.burst
    ? `${base}, with a burst of ${fmt(s.burst.rate)}/s for ${fmtSeconds(s.burst.seconds)} from ${fmtSeconds(s.burst.atSeconds ?? 0)}`
    : base;
}

/** The report as text for a terminal. */
export function renderText(r: CapacityReport): string {
  const out: string[] = [];
  out.push(`Capacity of the stack in ${r.region} (${r.profile} service times): ${describeScenario(r.scenario)}`);
  out.push(
    `Offered ${fmt(r.offered)}, shipped ${fmt(r.completed)}, throttled at the edge ${fmt(r.throttled)}, dead-lettered ${fmt(r.lost - r.throttled)}` +
      (r.inFlightAtEnd > 0.5 ? `, still in flight at the end ${fmt(r.inFlightAtEnd)}` : '') +
      `; drained at ${fmtSeconds(r.drainSeconds)}; latency p50 ${fmtSeconds(r.latency.p50)}, p99 ${fmtSeconds(r.latency.p99)}`,
  );
  out.push('');
  out.push(
    'hop                                                          peak use  peak backlog  drained   throttled  dead-lettered  retries',
  );
  for (const h of r.hops) {
    out.push(
      `${h.label.slice(0, 60).padEnd(60)} ${(h.peakUtilization === undefined ? '-' : `${Math.round(h.peakUtilization * 100)}%`).padStart(8)}  ${fmt(h.peakBacklog).padStart(12)}  ${(h.drainedAt > 0 ? fmtSeconds(h.drainedAt) : '-').padStart(8)}  ${fmt(h.throttled).padStart(9)}  ${fmt(h.deadLettered).padStart(13)}  ${fmt(h.retries).padStart(7)}`,
    );
  }
  out.push('');
  for (const h of r.hops.filter((x) => x.peakBacklog >= 1)) out.push(`backlog of ${h.label}: ${sparkline(h.backlog)}`);
  if (r.hops.some((x) => x.peakBacklog >= 1)) out.push('');
  if (r.bottleneck) {
    out.push(
      `First bottleneck: ${r.bottleneck.label}, limited by ${r.bottleneck.limitedBy}; it ${r.bottleneck.effect}.`,
    );
    out.push(`To move it: ${r.bottleneck.change}.`);
  } else out.push('No bottleneck: every hop kept up.');
  out.push('');
  out.push(
    `Cost (${r.cost.note}): $${r.cost.totalUsd.toFixed(4)} for the run` +
      (r.cost.perMillionOrdersUsd !== undefined
        ? `, $${r.cost.perMillionOrdersUsd.toFixed(2)} per million orders shipped`
        : ''),
  );
  for (const l of r.cost.lines)
    out.push(
      `  ${l.item.padEnd(50)} ${fmt(l.quantity).padStart(14)} ${l.unit.padEnd(12)} $${l.usd.toFixed(4)}${l.note ? ` (${l.note})` : ''}`,
    );
  return out.join('\n');
}

/** Backlog over time as a one-line chart, with its scale. */
export function sparkline(points: [number, number][]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(0, ...points.map(([, v]) => v));
  if (max <= 0) return '';
  const last = points.filter(([, v]) => v > 0).pop()?.[0] ?? 0;
  const shown = points.filter(([tt]) => tt <= last * 1.1 + 1);
  const step = Math.max(1, Math.ceil(shown.length / 60));
  let line = '';
  for (let i = 0; i < shown.length; i += step) {
    const v = Math.max(...shown.slice(i, i + step).map(([, x]) => x));
    line += v <= 0 ? ' ' : bars[Math.min(7, Math.floor((v / max) * 7.999))];
  }
  return `${line} (peak ${fmt(max)}, 0 → ${fmtSeconds(shown[shown.length - 1]?.[0] ?? 0)})`;
}

export { offeredOrders };

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
