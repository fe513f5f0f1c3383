import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Shared set-up of the handler tests. The entry points read their configuration when their module loads, so each
 * test file applies this environment first and only then imports the handler (dynamically, in beforeAll).
 */
export const TEST_ENV = {
  ORDERS_TABLE_NAME: 'orders-test',
  CALLBACK_TOKEN: 'test-callback-token',
  CALLBACK_URL: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/confirm-shipment',
  CARRIER_AUTH_HEADER_NAME: 'x-api-key',
  CARRIER_AUTH_HEADER_VALUE: 'test-carrier-key',
  POWERTOOLS_SERVICE_NAME: 'order-event-gateway-test',
  // Powertools prints nothing at SILENT; the tests spy on the logger's methods instead of reading stdout.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // The business metrics' EMF lines stay off stdout here; metrics.test.ts turns them on to read them.
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
} as const;

export function applyTestEnv(): void {
  Object.assign(process.env, TEST_ENV);
}

/** DynamoDB's answer to a write whose condition does not hold: nothing was written. */
export function conditionalCheckFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'events');

/** A fresh copy of a JSON fixture under test/fixtures/events, typed as the caller expects it. */
export function loadEvent<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** Fakes only `Date`, so stored timestamps are predictable while promises and timers run normally. */
export function freezeTime(iso: string): void {
  jest.useFakeTimers({
    now: new Date(iso),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

type LoggerModule = typeof import('../../../handlers/logger');

/**
 * The per-test lifecycle of a handler that writes the table: a fresh DynamoDB mock, `Date` frozen at `now`, and the
 * logger's methods spied on (calling through) so tests can assert what was logged. Call at the top of a test file.
 */
export function useTableHandlerLifecycle(
  ddb: { reset(): void },
  now: string,
  logger: () => LoggerModule['logger'],
): void {
  beforeEach(() => {
    ddb.reset();
    freezeTime(now);
    for (const level of ['debug', 'info', 'warn', 'error'] as const) jest.spyOn(logger(), level);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
}

/** The customer data of the upload fixtures: none of it may appear in a log record. */
export const CUSTOMER_DATA = [
  'ada@example.com',
  'not-an-email',
  'Ada Lovelace',
  "12 St James's Square",
  'SW1Y 4JH',
] as const;

/** Everything the handler passed to the logger, as one string (to search for customer data). */
export function everythingLogged(logger: Record<'debug' | 'info' | 'warn' | 'error', unknown>): string {
  const calls = (['debug', 'info', 'warn', 'error'] as const).flatMap(
    (level) => (logger[level] as jest.Mock).mock.calls,
  );
  return JSON.stringify(calls);
}
