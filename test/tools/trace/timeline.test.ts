/**
 * The trace's pure assembly: log events (as the local cloud and AWS store them) and DLQ messages → hops.
 * Fixture lines are copied from a local run of the dev stack (ids shortened where they do not matter).
 */
import { assembleTrace, formatTrace, TraceGroup } from '../../../tools/trace/timeline';

const ID = '80a8c024-29e5-4c6b-8cf6-6627e5778098';
const at = (iso: string): number => Date.parse(iso);

const GROUPS: TraceGroup[] = [
  { logGroupName: '/aws/lambda/capture-order-dev', kind: 'function', label: 'capture-order-dev' },
  { logGroupName: '/aws/lambda/confirm-shipment-dev', kind: 'function', label: 'confirm-shipment-dev' },
  { logGroupName: '/aws/events/orders-dev', kind: 'bus-log', label: 'orders-dev' },
];

const RULES = [
  {
    name: 'orders-order-created',
    busName: 'orders-dev',
    eventPattern: JSON.stringify({
      'detail-type': ['Order Changed'],
      detail: { state: ['pending'], change: ['INSERT'] },
    }),
  },
  {
    name: 'orders-shipment-confirmed',
    busName: 'orders-dev',
    eventPattern: JSON.stringify({ 'detail-type': ['Shipment Confirmed'] }),
  },
  { name: 'elsewhere', busName: 'other-bus', eventPattern: JSON.stringify({ 'detail-type': ['Order Changed'] }) },
];

function powertools(
  fn: string,
  requestId: string,
  time: string,
  message: string,
  extra: Record<string, unknown>,
  level = 'INFO',
): string {
  return JSON.stringify({
    level,
    message,
    timestamp: time,
    service: 'order-event-gateway',
    cold_start: true,
    function_name: fn,
    function_request_id: requestId,
    sampling_rate: 0,
    ...extra,
  });
}

function busEvent(id: string, detailType: string, detail: Record<string, unknown>): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': detailType,
    source: 'order-event-gateway.orders-table',
    account: '123456789012',
    time: '2026-11-30T16:54:03Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });
}

const EVENTS = [
  {
    logGroupName: '/aws/events/orders-dev',
    timestamp: at('2026-11-30T16:54:05.716Z'),
    message: busEvent('e3', 'Order Changed', { orderId: ID, state: 'shipped', change: 'MODIFY' }),
  },
  {
    logGroupName: '/aws/lambda/capture-order-dev',
    timestamp: at('2026-11-30T16:54:01.873Z'),
    message: 'START RequestId: r-capture Version: $LATEST',
  },
  {
    logGroupName: '/aws/lambda/capture-order-dev',
    timestamp: at('2026-11-30T16:54:03.532Z'),
    message: powertools('capture-order-dev', 'r-capture', '2026-11-30T16:54:03.510Z', 'Order captured', {
      orderId: ID,
      state: 'pending',
    }),
  },
  {
    logGroupName: '/aws/lambda/capture-order-dev',
    timestamp: at('2026-11-30T16:54:03.599Z'),
    message: '{"_aws":{"Timestamp":1796057643534,"CloudWatchMetrics":[]},"OrdersCaptured":1}',
  },
  {
    logGroupName: '/aws/lambda/capture-order-dev',
    timestamp: at('2026-11-30T16:54:03.608Z'),
    message: 'REPORT RequestId: r-capture\tDuration: 1734.00 ms\tBilled Duration: 1734 ms\tMemory Size: 256 MB',
  },
  {
    logGroupName: '/aws/events/orders-dev',
    timestamp: at('2026-11-30T16:54:03.884Z'),
    message: busEvent('e1', 'Order Changed', { orderId: ID, state: 'pending', change: 'INSERT', changeId: 'c1' }),
  },
  {
    logGroupName: '/aws/events/orders-dev',
    timestamp: at('2026-11-30T16:54:04.478Z'),
    message: busEvent('e2', 'Shipment Confirmed', { order_id: ID, tracking_number: 'TRK-1' }),
  },
  {
    logGroupName: '/aws/lambda/confirm-shipment-dev',
    timestamp: at('2026-11-30T16:54:05.512Z'),
    message: powertools('confirm-shipment-dev', 'r-confirm', '2026-11-30T16:54:05.512Z', 'Order shipped', {
      orderId: ID,
      trackingNumber: 'TRK-1',
    }),
  },
  {
    logGroupName: '/aws/lambda/confirm-shipment-dev',
    timestamp: at('2026-11-30T16:54:05.514Z'),
    message:
      'REPORT RequestId: r-confirm\tDuration: 1035.00 ms\tBilled Duration: 1035 ms\tMemory Size: 256 MB\tStatus: timeout',
  },
];

describe('assembleTrace', () => {
  it('orders the hops by time, with invocation outcomes, matched rules and the final state', () => {
    // Act
    const trace = assembleTrace({ id: ID, groups: GROUPS, events: EVENTS, rules: RULES });
    // Assess
    expect(trace.hops.map((h) => h.where)).toEqual([
      'capture-order-dev',
      'orders-dev',
      'orders-dev',
      'confirm-shipment-dev',
      'orders-dev',
    ]);
    expect(trace.hops[0]).toMatchObject({
      time: at('2026-11-30T16:54:03.510Z'),
      what: 'Order captured (state=pending) [invocation r-captur: 1734 ms]',
    });
    expect(trace.hops[1].what).toBe(
      'event "Order Changed" from order-event-gateway.orders-table (id e1) state=pending change=INSERT changeId=c1; rules matched: orders-order-created',
    );
    expect(trace.hops[2].what).toContain('rules matched: orders-shipment-confirmed');
    expect(trace.hops[3]).toMatchObject({ failed: true, what: expect.stringContaining('1035 ms, timeout') });
    expect(trace.finalState).toBe('shipped');
  });

  it('leaves out lines of other ids, metrics lines and duplicates', () => {
    const other = {
      logGroupName: '/aws/lambda/capture-order-dev',
      timestamp: 1,
      message: powertools('capture-order-dev', 'x', '2026-11-30T16:00:00.000Z', 'Order captured', {
        orderId: 'another',
      }),
    };
    const trace = assembleTrace({ id: ID, groups: GROUPS, events: [...EVENTS, ...EVENTS, other], rules: RULES });
    expect(trace.hops).toHaveLength(5);
  });

  it('shows dead letters with the failure attributes AWS puts on them', () => {
    const trace = assembleTrace({
      id: ID,
      groups: GROUPS,
      events: [],
      deadLetters: [
        {
          queueName: 'orders-order-created-dlq-8dc9cbd',
          sentTimestamp: at('2026-11-30T17:00:00.000Z'),
          body: busEvent('e1', 'Order Changed', { orderId: ID }),
          attributes: {
            RULE_ARN: 'arn:aws:events:us-east-1:123456789012:rule/orders-dev/orders-order-created',
            TARGET_ARN: 'arn:aws:events:us-east-1:123456789012:api-destination/carrier-dev/x',
            ERROR_CODE: 'SDK_CLIENT_ERROR',
            ERROR_MESSAGE: 'HTTP 500',
            RETRY_ATTEMPTS: '185',
          },
        },
        { queueName: 'other-dlq', sentTimestamp: 0, body: '{"orderId":"another"}', attributes: {} },
      ],
    });
    expect(trace.hops).toEqual([
      {
        time: at('2026-11-30T17:00:00.000Z'),
        where: 'orders-order-created-dlq-8dc9cbd',
        what: 'dead-lettered rule orders-order-created target arn:aws:events:us-east-1:123456789012:api-destination/carrier-dev/x after 185 retries (SDK_CLIENT_ERROR: HTTP 500)',
        failed: true,
      },
    ]);
  });

  it('formats one line per hop with offsets, and says so when nothing mentions the id', () => {
    const lines = formatTrace(assembleTrace({ id: ID, groups: GROUPS, events: EVENTS, rules: RULES }));
    expect(lines[0]).toBe(`Trace of ${ID}: 5 hop(s) over 2.206 s`);
    expect(lines[1]).toMatch(/^2026-11-30T16:54:03\.510Z +\+0\.000s {2}· capture-order-dev +Order captured/);
    expect(lines[lines.length - 1]).toBe('final state: shipped');
    expect(formatTrace(assembleTrace({ id: 'nope', groups: GROUPS, events: EVENTS }))).toEqual([
      'No log event mentions nope.',
    ]);
  });
});
