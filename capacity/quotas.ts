/**
 * AWS's default quotas that bound this pipeline, one row per quota: its value (per region where AWS publishes
 * regional values), whether it can be raised, and the AWS page it was read from (read 2026-11-30 with the
 * project's documentation search). Where a figure could not be confirmed on an AWS page the row says so in `note`.
 *
 * Pure data and lookups: no I/O.
 */

export interface Quota {
  id: QuotaId;
  name: string;
  unit: string;
  /** Value for the region. */
  value(region: string): number;
  adjustable: boolean;
  source: string;
  note?: string;
}

export type QuotaId =
  | 'apigw-account-rate'
  | 'apigw-account-burst'
  | 'eventbridge-putevents'
  | 'eventbridge-invocations'
  | 'eventbridge-api-destination-rate'
  | 'lambda-concurrency'
  | 'lambda-scaling-rate'
  | 'dynamodb-on-demand-new-table-writes'
  | 'dynamodb-table-max-writes'
  | 'dynamodb-partition-writes'
  | 'dynamodb-stream-readers-per-shard'
  | 'pipes-concurrent-executions';

/**
 * Commercial regions the tables below know. An unknown region is refused rather than guessed: quotas differ by
 * region and a typo must not silently get us-east-1's figures.
 */
export const KNOWN_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
];

export function isKnownRegion(region: string): boolean {
  return KNOWN_REGIONS.includes(region);
}

/** A per-region table with a default for "each of the other supported Regions". */
function regional(values: Record<string, number>, otherwise: number): (region: string) => number {
  return (region) => values[region] ?? otherwise;
}

const APIGW_LIMITS = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html';
const EB_QUOTAS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html';

/** "For the following Regions, the default throttle quota is 2500 RPS and the default burst quota is 1250" (limits.html). */
const APIGW_LOW_QUOTA_REGIONS = [
  'af-south-1',
  'eu-south-1',
  'ap-southeast-3',
  'me-central-1',
  'ap-south-2',
  'ap-southeast-4',
  'eu-south-2',
  'eu-central-2',
  'il-central-1',
  'ca-west-1',
  'ap-southeast-5',
  'ap-southeast-7',
  'mx-central-1',
];

export const QUOTAS: Record<QuotaId, Quota> = {
  'apigw-account-rate': {
    id: 'apigw-account-rate',
    name: 'API Gateway throttle per account and region (all HTTP, REST and WebSocket APIs)',
    unit: 'requests/s',
    value: (region) => (APIGW_LOW_QUOTA_REGIONS.includes(region) ? 2500 : 10_000),
    adjustable: true,
    source: APIGW_LIMITS,
  },
  'apigw-account-burst': {
    id: 'apigw-account-burst',
    name: 'API Gateway burst (token bucket capacity) per account and region',
    unit: 'requests',
    value: (region) => (APIGW_LOW_QUOTA_REGIONS.includes(region) ? 1250 : 5000),
    adjustable: false,
    source: APIGW_LIMITS,
    note: 'set by AWS from the rate quota; not requestable',
  },
  'eventbridge-putevents': {
    id: 'eventbridge-putevents',
    name: 'EventBridge PutEvents requests per account and region',
    unit: 'requests/s',
    value: regional(
      {
        'us-east-1': 10_000,
        'us-east-2': 2400,
        'us-west-1': 1200,
        'us-west-2': 10_000,
        'ap-east-1': 600,
        'ap-northeast-1': 1200,
        'ap-northeast-2': 600,
        'ap-south-1': 600,
        'ap-southeast-1': 1200,
        'ap-southeast-2': 1200,
        'ca-central-1': 600,
        'eu-central-1': 2400,
        'eu-north-1': 600,
        'eu-south-2': 2400,
        'eu-west-1': 10_000,
        'eu-west-2': 1200,
        'eu-west-3': 600,
        'sa-east-1': 600,
      },
      400,
    ),
    adjustable: true,
    source: EB_QUOTAS,
    note: 'counted per request; a request carries up to 10 entries',
  },
  'eventbridge-invocations': {
    id: 'eventbridge-invocations',
    name: 'EventBridge target invocations per account and region',
    unit: 'invocations/s',
    value: regional(
      {
        'us-east-1': 18_750,
        'us-east-2': 4500,
        'us-west-1': 2250,
        'us-west-2': 18_750,
        'ap-east-1': 1100,
        'ap-northeast-1': 2250,
        'ap-northeast-2': 1100,
        'ap-south-1': 1100,
        'ap-southeast-1': 2250,
        'ap-southeast-2': 2250,
        'ca-central-1': 1100,
        'eu-central-1': 4500,
        'eu-north-1': 1100,
        'eu-south-2': 4500,
        'eu-west-1': 18_750,
        'eu-west-2': 2250,
        'eu-west-3': 1100,
        'sa-east-1': 1100,
      },
      750,
    ),
    adjustable: true,
    source: EB_QUOTAS,
    note: 'over the limit, invocations are delayed, not dropped',
  },
  'eventbridge-api-destination-rate': {
    id: 'eventbridge-api-destination-rate',
    name: 'Invocations per API destination',
    unit: 'invocations/s',
    value: () => 300,
    adjustable: true,
    source: EB_QUOTAS,
    note: 'caps InvocationRateLimitPerSecond; over the limit, invocations are delayed',
  },
  'lambda-concurrency': {
    id: 'lambda-concurrency',
    name: 'Lambda concurrent executions per account and region',
    unit: 'executions',
    value: () => 1000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
    note: 'new accounts start lower and are raised by AWS with use',
  },
  'lambda-scaling-rate': {
    id: 'lambda-scaling-rate',
    name: 'Lambda concurrency scaling rate per function',
    unit: 'environments per 10 s',
    value: () => 1000,
    adjustable: false,
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html',
    note: 'refilled continuously; unused scaling does not accumulate',
  },
  'dynamodb-on-demand-new-table-writes': {
    id: 'dynamodb-on-demand-new-table-writes',
    name: 'DynamoDB on-demand: write throughput a new table sustains at once (warm throughput)',
    unit: 'write units/s',
    value: () => 4000,
    adjustable: false,
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html',
    note: 'grows with the previous peak; pre-warm with WarmThroughput to start higher',
  },
  'dynamodb-table-max-writes': {
    id: 'dynamodb-table-max-writes',
    name: 'DynamoDB on-demand: write throughput per table (account-level table quota)',
    unit: 'write units/s',
    value: () => 40_000,
    adjustable: true,
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html',
  },
  'dynamodb-partition-writes': {
    id: 'dynamodb-partition-writes',
    name: 'DynamoDB write units per partition',
    unit: 'write units/s',
    value: () => 1000,
    adjustable: false,
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html',
    note: 'stream shards follow partitions: one shard per 1,000 write units is our inference, not an AWS statement',
  },
  'dynamodb-stream-readers-per-shard': {
    id: 'dynamodb-stream-readers-per-shard',
    name: 'DynamoDB Streams: processes reading one shard at a time',
    unit: 'readers',
    value: () => 2,
    adjustable: false,
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html',
    note: 'LimitExceededException: "More than 2 processes are reading from the same streams shard"',
  },
  'pipes-concurrent-executions': {
    id: 'pipes-concurrent-executions',
    name: 'EventBridge Pipes concurrent executions per account',
    unit: 'executions',
    value: regional({ 'us-east-1': 3000, 'us-west-2': 3000, 'eu-west-1': 3000 }, 1000),
    adjustable: true,
    source: EB_QUOTAS,
  },
};

/** The quota values for one region, by id. */
export type RegionQuotas = Record<QuotaId, number>;

export function quotasFor(region: string): RegionQuotas {
  if (!isKnownRegion(region)) throw new Error(`unknown region "${region}"`);
  const out = {} as RegionQuotas;
  for (const quota of Object.values(QUOTAS)) out[quota.id] = quota.value(region);
  return out;
}
