import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { BusinessMetricNames, METRICS_NAMESPACE } from '../../../handlers/business-metrics';
import type { BusEvent } from '../../../handlers/contract';
import type { PrintOrderUpload } from '../../../handlers/upload-schema';
import { applyTestEnv, loadEvent, TEST_ENV } from './helpers';

/**
 * The business metrics as CloudWatch receives them: embedded metric format lines on stdout, parsed back and read
 * the way CloudWatch Logs does (the `_aws.CloudWatchMetrics` directive names the namespace, dimension set and
 * metric definitions; the values are top-level keys).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}
type EmfRecord = Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: EmfDirective[] } };

const STACK = 'metrics-test';
const ddb = mockClient(DynamoDBDocumentClient);
let metrics: typeof import('../../../handlers/metrics');
let written: string[];

beforeAll(async () => {
  applyTestEnv();
  process.env.STACK_NAME = STACK;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  metrics = await import('../../../handlers/metrics');
});

beforeEach(() => {
  ddb.reset();
  written = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});

afterEach(() => jest.restoreAllMocks());

function emfRecords(): EmfRecord[] {
  return written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfRecord);
}

/** Each EMF record as { metric name → value } with its dimension set, as CloudWatch would file it. */
function published(): { name: string; unit: string; value: unknown; dimensions: Record<string, unknown> }[] {
  return emfRecords().flatMap((record) =>
    record._aws.CloudWatchMetrics.flatMap((directive) => {
      expect(directive.Namespace).toBe(METRICS_NAMESPACE);
      const dimensions = Object.fromEntries(directive.Dimensions.flat().map((key) => [key, record[key]]));
      return directive.Metrics.map((m) => ({ name: m.Name, unit: m.Unit, value: record[m.Name], dimensions }));
    }),
  );
}

const baseDimensions = { service: TEST_ENV.POWERTOOLS_SERVICE_NAME, stack: STACK };

describe('business metrics: embedded metric format', () => {
  it('counts a captured, a cancelled and a refused callback with the service and stack dimensions only', () => {
    metrics.recordOrderCaptured();
    metrics.recordOrderCancelled();
    metrics.recordCallbackRefused();
    expect(published()).toEqual([
      { name: BusinessMetricNames.ordersCaptured, unit: 'Count', value: 1, dimensions: baseDimensions },
      { name: BusinessMetricNames.ordersCancelled, unit: 'Count', value: 1, dimensions: baseDimensions },
      { name: BusinessMetricNames.callbacksRefused, unit: 'Count', value: 1, dimensions: baseDimensions },
    ]);
  });

  it('counts a rejection under its reason class, never an order id', () => {
    metrics.recordOrderRejected([{ path: 'shippingAddress.postalCode', message: 'Required' }]);
    expect(published()).toEqual([
      {
        name: BusinessMetricNames.ordersRejected,
        unit: 'Count',
        value: 1,
        dimensions: { ...baseDimensions, reason: 'shippingAddress' },
      },
    ]);
  });

  it('counts a shipment and the time from upload to shipped', () => {
    metrics.recordOrderShipped('2026-11-24T08:00:00.000Z', '2026-11-24T09:30:00.000Z');
    expect(published()).toEqual([
      { name: BusinessMetricNames.ordersShipped, unit: 'Count', value: 1, dimensions: baseDimensions },
      {
        name: BusinessMetricNames.uploadToShipped,
        unit: 'Milliseconds',
        value: 90 * 60 * 1000,
        dimensions: baseDimensions,
      },
    ]);
  });

  it('skips the time when the shipped time precedes the upload (a carrier clock error), and still counts the shipment', () => {
    metrics.recordOrderShipped('2026-11-24T09:00:00.000Z', '2026-11-24T08:00:00.000Z');
    expect(published().map((m) => m.name)).toEqual([BusinessMetricNames.ordersShipped]);
  });
});

describe('business metrics: emitted by the handlers', () => {
  let captureOrder: typeof import('../../../handlers/capture-order').handler;

  beforeAll(async () => {
    ({ handler: captureOrder } = await import('../../../handlers/capture-order'));
  });

  /** The fixture upload as the customer route delivers it (the body beside the token's subject). */
  function upload(change?: (body: PrintOrderUpload) => void): BusEvent<{ body: PrintOrderUpload }> {
    const event = loadEvent<BusEvent<{ body: PrintOrderUpload }>>('order-uploaded.json');
    change?.(event.detail.body);
    return event;
  }

  it('capture-order counts a new order once', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    await captureOrder(upload());
    expect(published().map((m) => m.name)).toEqual([BusinessMetricNames.ordersCaptured]);
  });

  it('capture-order counts a rejected upload by its reason class', async () => {
    ddb.on(PutCommand).resolves({});
    await captureOrder(upload((body) => delete (body as Partial<PrintOrderUpload>).document));
    expect(published()).toEqual([
      {
        name: BusinessMetricNames.ordersRejected,
        unit: 'Count',
        value: 1,
        dimensions: { ...baseDimensions, reason: 'document' },
      },
    ]);
  });
});
