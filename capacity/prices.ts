/**
 * On-demand prices the cost estimate uses (USD, us-east-1, read 2026-11-30). AWS's pricing pages render their
 * tables with scripts, so each figure was confirmed against the AWS page's text where the search index held it,
 * else against a dated third-party copy of it, named in `checkedWith`. Prices for other regions were not
 * confirmed: the estimate uses these figures for every region and says so.
 */

export interface Price {
  id: PriceId;
  item: string;
  usd: number;
  per: string;
  source: string;
  read: string;
  checkedWith?: string;
}

export type PriceId =
  | 'http-api-request'
  | 'eventbridge-custom-event'
  | 'eventbridge-api-destination'
  | 'pipes-request'
  | 'lambda-request'
  | 'lambda-gb-second-arm64'
  | 'lambda-gb-second-x86'
  | 'dynamodb-write-request-unit'
  | 'dynamodb-streams-read-request'
  | 'cloudwatch-logs-ingested-gb';

export const PRICE_REGION = 'us-east-1';
const READ = '2026-11-30';

export const PRICES: Record<PriceId, Price> = {
  'http-api-request': {
    id: 'http-api-request',
    item: 'HTTP API request (first 300 million a month)',
    usd: 1.0 / 1e6,
    per: 'request',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    read: READ,
    checkedWith: 'learnaws.org and apigatewaycost.com copies of the US East table',
  },
  'eventbridge-custom-event': {
    id: 'eventbridge-custom-event',
    item: 'EventBridge custom event published (64 KB chunk)',
    usd: 1.0 / 1e6,
    per: 'event',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    read: READ,
    checkedWith: 'cloudburn.io (March 2026) and factualminds.com (June 2026) summaries',
  },
  'eventbridge-api-destination': {
    id: 'eventbridge-api-destination',
    item: 'EventBridge API destination invocation',
    usd: 0.2 / 1e6,
    per: 'invocation',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    read: READ,
    checkedWith: 'cloudburn.io (March 2026) summary',
  },
  'pipes-request': {
    id: 'pipes-request',
    item: 'EventBridge Pipes request after filtering (64 KB chunk)',
    usd: 0.4 / 1e6,
    per: 'request',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    read: READ,
    checkedWith: 'cloudburn.io (March 2026) summary',
  },
  'lambda-request': {
    id: 'lambda-request',
    item: 'Lambda request',
    usd: 0.2 / 1e6,
    per: 'request',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
  },
  'lambda-gb-second-arm64': {
    id: 'lambda-gb-second-arm64',
    item: 'Lambda duration, arm64 (first 7.5 billion GB-s a month)',
    usd: 0.0000133334,
    per: 'GB-second',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
    checkedWith: 'cloudchipr.com summary of the US East table',
  },
  'lambda-gb-second-x86': {
    id: 'lambda-gb-second-x86',
    item: 'Lambda duration, x86 (first 6 billion GB-s a month)',
    usd: 0.0000166667,
    per: 'GB-second',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
    checkedWith: 'cloudchipr.com summary of the US East table',
  },
  'dynamodb-write-request-unit': {
    id: 'dynamodb-write-request-unit',
    item: 'DynamoDB on-demand write request unit (Standard table class)',
    usd: 0.625 / 1e6,
    per: 'write unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
    checkedWith: 'airbyte.com summary (after the November 2024 price cut)',
  },
  'dynamodb-streams-read-request': {
    id: 'dynamodb-streams-read-request',
    item: 'DynamoDB Streams read request (GetRecords), beyond the free tier',
    usd: 0.02 / 1e5,
    per: 'read request',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
    checkedWith:
      "not confirmed in this search; whether a pipe's reads are charged (Lambda triggers' are not) was not confirmed either",
  },
  'cloudwatch-logs-ingested-gb': {
    id: 'cloudwatch-logs-ingested-gb',
    item: 'CloudWatch Logs ingestion (Standard)',
    usd: 0.5,
    per: 'GB',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
    checkedWith: 'go-cloud.io summary',
  },
};
