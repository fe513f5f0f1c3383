/**
 * Event-pattern throughput: 1,000,000 events against 100 compiled rules on one core.
 *
 * Run: `npx tsx bench/event-pattern.bench.ts` (or `npm run bench`). Optional: EVENTS=<n> to change the count.
 * Each event is flattened once (`prepareEvent`, counted in the time) and then evaluated against every rule, as a
 * bus does. The rules mix every operator; a few match a given event, most do not. Target: >= 500,000 pattern
 * evaluations per second. This prints figures; it asserts nothing.
 */
import { compileEventPattern, prepareEvent, type CompiledEventPattern } from '../local/engine';

const EVENT_COUNT = Number(process.env.EVENTS ?? 1_000_000);
const POOL_SIZE = 4096;

/** A small deterministic PRNG (mulberry32), so every run measures the same workload. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

const SOURCES = [
  'aws.ec2',
  'aws.s3',
  'aws.autoscaling',
  'com.shop.orders',
  'com.shop.payments',
  'com.shop.carrier',
  'aws.cloudwatch',
  'com.shop.api',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const STATES = ['pending', 'running', 'stopping', 'stopped', 'terminated', 'initializing'];
const ORDER_STATES = ['pending', 'rejected', 'shipped', 'cancelled'];
const DETAIL_TYPES: Record<string, string[]> = {
  'aws.ec2': ['EC2 Instance State-change Notification', 'EC2 Spot Instance Interruption Warning'],
  'aws.s3': ['Object Created', 'Object Deleted'],
  'aws.autoscaling': ['EC2 Instance Launch Successful', 'EC2 Instance Terminate Successful'],
  'com.shop.orders': ['Order Uploaded', 'Order Changed', 'Order Cancellation Requested'],
  'com.shop.payments': ['Payment Captured', 'Payment Failed'],
  'com.shop.carrier': ['Shipment Confirmed', 'Shipment Delayed'],
  'aws.cloudwatch': ['CloudWatch Alarm State Change'],
  'com.shop.api': ['Request Received'],
};

/** A realistic event: the EventBridge envelope and a detail whose shape depends on the source. */
function makeEvent(n: number): object {
  const source = pick(SOURCES);
  const region = pick(REGIONS);
  const account = pick(['123456789012', '111122223333']);
  const base = {
    version: '0',
    id: `0000${n.toString(16).padStart(8, '0')}-b491-4cf7-a9f1-bf3703467718`,
    'detail-type': pick(DETAIL_TYPES[source]),
    source,
    account,
    time: `2025-01-${String(int(1, 28)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:43:48Z`,
    region,
    resources: [] as string[],
  };
  switch (source) {
    case 'aws.ec2':
    case 'aws.autoscaling': {
      const instance = `i-${int(0, 0xffffff).toString(16).padStart(8, '0')}`;
      base.resources.push(`arn:aws:ec2:${region}:${account}:instance/${instance}`);
      return {
        ...base,
        detail: {
          'instance-id': instance,
          state: pick(STATES),
          'c-count': int(-2, 12),
          tags: [pick(['prod', 'dev']), pick(['web', 'db', 'batch'])],
        },
      };
    }
    case 'aws.s3': {
      const key = `${pick(['uploads', 'logs', 'tmp'])}/${int(1, 999)}/${pick(['doc.pdf', 'image.PNG', 'photo.jpg', 'data.csv'])}`;
      base.resources.push(`arn:aws:s3:::${pick(['shop-docs', 'shop-logs'])}`);
      return {
        ...base,
        detail: {
          bucket: { name: pick(['shop-docs', 'shop-logs']) },
          object: { key, size: int(0, 10_000_000) },
          'source-ip-address': `10.${int(0, 3)}.${int(0, 255)}.${int(0, 255)}`,
          reason: pick(['PutObject', 'CopyObject', 'CompleteMultipartUpload']),
        },
      };
    }
    case 'com.shop.orders':
      return {
        ...base,
        detail: {
          orderId: `o-${n}`,
          state: pick(ORDER_STATES),
          change: pick(['INSERT', 'MODIFY']),
          customer: { country: pick(['DE', 'FR', 'US', 'GB']), tier: pick(['gold', 'silver', null]) },
          total: Math.round(random() * 50000) / 100,
          items: [
            { sku: `SKU-${int(1, 50)}`, qty: int(1, 5) },
            { sku: `SKU-${int(1, 50)}`, qty: int(1, 5) },
          ],
        },
      };
    case 'com.shop.payments':
      return {
        ...base,
        detail: {
          paymentId: `p-${n}`,
          amount: Math.round(random() * 100000) / 100,
          currency: pick(['EUR', 'USD', 'GBP']),
          method: pick(['card', 'paypal', 'invoice']),
          risk: { score: random(), flagged: random() < 0.05 },
        },
      };
    case 'com.shop.carrier':
      return {
        ...base,
        detail: {
          order_id: `o-${n}`,
          tracking_number: `1Z${int(100000, 999999)}`,
          shipped_at: random() < 0.7 ? base.time : undefined,
          carrier: pick(['UPS', 'DHL', 'ups']),
        },
      };
    case 'aws.cloudwatch':
      return {
        ...base,
        detail: {
          alarmName: `${pick(['orders', 'payments'])}-dlq-${pick(['depth', 'age'])}`,
          state: { value: pick(['OK', 'ALARM', 'INSUFFICIENT_DATA']) },
          previousState: { value: pick(['OK', 'ALARM']) },
        },
      };
    default:
      return {
        ...base,
        detail: {
          path: `/${pick(['uploads', 'orders', 'confirm-shipment'])}/${int(1, 9)}`,
          method: pick(['GET', 'POST']),
          sourceIp: pick(['203.0.113.7', '2001:db8::1', '198.51.100.20']),
          latencyMs: int(1, 3000),
        },
      };
  }
}

/** 100 rules: a core of hand-written, operator-rich rules, then variations of them over sources and values. */
function makeRules(): object[] {
  const core: object[] = [
    {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated', 'stopped'] },
    },
    {
      source: ['aws.ec2'],
      detail: { state: [{ 'anything-but': ['running', 'pending'] }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
    },
    { source: ['aws.ec2'], resources: [{ wildcard: 'arn:aws:ec2:us-east-1:*:instance/*' }] },
    { source: ['aws.ec2'], detail: { tags: ['prod'], state: [{ prefix: 'stop' }] } },
    {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { object: { key: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    },
    {
      source: ['aws.s3'],
      detail: { 'source-ip-address': [{ cidr: '10.1.0.0/16' }], object: { size: [{ numeric: ['>=', 5_000_000] }] } },
    },
    {
      source: ['aws.s3'],
      detail: { object: { key: [{ prefix: 'uploads/' }] }, reason: [{ 'anything-but': { prefix: 'Copy' } }] },
    },
    {
      source: ['com.shop.orders'],
      'detail-type': ['Order Changed'],
      detail: { change: ['INSERT'], state: ['pending'] },
    },
    { source: ['com.shop.orders'], detail: { state: ['cancelled'] } },
    { source: ['com.shop.orders'], detail: { customer: { country: ['DE', 'FR'], tier: [null] } } },
    { source: ['com.shop.orders'], detail: { items: { sku: ['SKU-7'], qty: [{ numeric: ['>=', 3] }] } } },
    {
      source: ['com.shop.orders'],
      detail: { $or: [{ total: [{ numeric: ['>', 400] }] }, { customer: { tier: ['gold'] } }] },
    },
    { source: ['com.shop.payments'], 'detail-type': ['Payment Failed'], detail: { method: ['card'] } },
    { source: ['com.shop.payments'], detail: { risk: { flagged: [true] }, amount: [{ numeric: ['>', 500] }] } },
    {
      source: ['com.shop.payments'],
      detail: { currency: [{ 'anything-but': 'EUR' }], method: [{ 'equals-ignore-case': 'PAYPAL' }] },
    },
    {
      source: ['com.shop.carrier'],
      'detail-type': ['Shipment Confirmed'],
      detail: { shipped_at: [{ exists: false }] },
    },
    {
      source: ['com.shop.carrier'],
      detail: { carrier: [{ 'equals-ignore-case': 'ups' }], tracking_number: [{ prefix: '1Z9' }] },
    },
    { source: ['aws.cloudwatch'], detail: { state: { value: ['ALARM'] }, alarmName: [{ wildcard: '*-dlq-*' }] } },
    { source: ['aws.cloudwatch'], detail: { state: { value: ['OK'] }, previousState: { value: ['ALARM'] } } },
    { source: ['com.shop.api'], detail: { sourceIp: [{ cidr: '2001:db8::/32' }], method: ['POST'] } },
    { source: ['com.shop.api'], detail: { latencyMs: [{ numeric: ['>=', 2500] }], path: [{ wildcard: '/orders/*' }] } },
    { source: [{ prefix: 'com.shop.' }], region: ['eu-west-1'], account: ['111122223333'] },
    {
      $or: [
        { source: ['aws.ec2'], detail: { state: ['terminated'] } },
        { source: ['aws.autoscaling'], 'detail-type': [{ suffix: 'Successful' }] },
      ],
    },
    {
      'detail-type': [{ 'anything-but': { 'equals-ignore-case': ['order uploaded', 'order changed'] } }],
      source: ['com.shop.orders'],
    },
    { source: [{ prefix: '' }] },
  ];
  const rules = [...core];
  // Variations: the same shapes pointed at other values, so most rules miss most events (as on a real bus).
  let i = 0;
  while (rules.length < 100) {
    const region = REGIONS[i % REGIONS.length];
    const state = STATES[i % STATES.length];
    const orderState = ORDER_STATES[i % ORDER_STATES.length];
    const variants: object[] = [
      { source: [SOURCES[i % SOURCES.length]], region: [region], 'detail-type': [`Never Sent ${i}`] },
      { source: ['aws.ec2'], region: [region], detail: { state: [state], 'c-count': [{ numeric: ['<', i % 10] }] } },
      {
        source: ['com.shop.orders'],
        detail: {
          state: [orderState],
          customer: { country: [pick(['DE', 'FR', 'US', 'GB'])] },
          total: [{ numeric: ['>=', i * 5, '<', i * 5 + 50] }],
        },
      },
      { source: ['aws.s3'], detail: { bucket: { name: [`bucket-${i}`] } } },
      { account: ['999999999999'], source: [{ prefix: 'aws.' }] },
      { source: ['com.shop.payments'], detail: { paymentId: [{ wildcard: `p-${i}*` }] } },
    ];
    rules.push(variants[i % variants.length]);
    i++;
  }
  return rules;
}

function main(): void {
  const rules: CompiledEventPattern[] = makeRules().map((r) => compileEventPattern(r));
  const pool = Array.from({ length: POOL_SIZE }, (_, n) => makeEvent(n));

  // Warm up the JIT on a slice of the workload before timing.
  for (let n = 0; n < 20_000; n++) {
    const prepared = prepareEvent(pool[n % POOL_SIZE]);
    for (const rule of rules) rule.matches(prepared);
  }

  let matches = 0;
  const started = process.hrtime.bigint();
  for (let n = 0; n < EVENT_COUNT; n++) {
    const prepared = prepareEvent(pool[n % POOL_SIZE]);
    for (let r = 0; r < rules.length; r++) if (rules[r].matches(prepared)) matches++;
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const evaluations = EVENT_COUNT * rules.length;

  console.log(`events:                 ${EVENT_COUNT.toLocaleString('en-US')}`);
  console.log(`rules:                  ${rules.length}`);
  console.log(`evaluations:            ${evaluations.toLocaleString('en-US')}`);
  console.log(
    `matches:                ${matches.toLocaleString('en-US')} (${((matches / evaluations) * 100).toFixed(2)}% of evaluations)`,
  );
  console.log(`total:                  ${elapsedMs.toFixed(0)} ms (event flattening included)`);
  console.log(`evaluations per second: ${Math.round(evaluations / (elapsedMs / 1000)).toLocaleString('en-US')}`);
  console.log(`events per second:      ${Math.round(EVENT_COUNT / (elapsedMs / 1000)).toLocaleString('en-US')}`);
}

main();
