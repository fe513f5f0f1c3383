import { DetailTypes, EventSources, RulePatterns, type BusEvent } from '../../../handlers/contract';
import { BusEventEnvelopeSchema } from '../../../handlers/event-schemas';
import { loadEvent } from './helpers';

/**
 * The event fixtures are written by hand in AWS's documented shapes; this keeps them honest against the contract,
 * so a renamed source or detail type cannot leave the handler tests exercising events no rule would deliver.
 */
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
const ENVELOPE_KEYS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];

describe('event fixtures (test/fixtures/events)', () => {
  it.each([
    ['order-uploaded.json', RulePatterns.orderUploaded],
    ['order-uploaded-invalid.json', RulePatterns.orderUploaded],
    ['cancellation-requested.json', RulePatterns.cancellationRequested],
    ['shipment-confirmed.json', RulePatterns.shipmentConfirmed],
    ['order-changed.json', RulePatterns.orderCreated],
  ])('%s carries the source and detail type its rule names', (name, pattern) => {
    // Prepare
    const event = loadEvent<BusEvent>(name);

    // Act / Assess: the envelope's keys in the order EventBridge writes them
    expect(Object.keys(event)).toEqual(ENVELOPE_KEYS);
    expect(BusEventEnvelopeSchema.safeParse(event).success).toBe(true);
    expect(pattern.source).toContain(event.source);
    expect(pattern['detail-type']).toContain(event['detail-type']);
    expect(event.version).toBe('0');
    // EventBridge stamps `time` with second precision and a Z suffix.
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it.each(['http-api-get-order.json', 'authorizer-request.json', 'function-url-carrier-notification.json'])(
    '%s is a payload 2.0 request with lower-case header names',
    (name) => {
      // Prepare
      const event = loadEvent<{ version: string; headers: Record<string, string> }>(name);

      // Act / Assess
      expect(event.version).toBe('2.0');
      expect(Object.keys(event.headers).every((key) => key === key.toLowerCase())).toBe(true);
    },
  );

  it('has a fixture for every detail type of the contract', () => {
    // Prepare
    const names = [
      'order-uploaded.json',
      'cancellation-requested.json',
      'shipment-confirmed.json',
      'order-changed.json',
    ];

    // Act
    const detailTypes = names.map((name) => loadEvent<BusEvent>(name)['detail-type']).sort();

    // Assess
    expect(detailTypes).toEqual(Object.values(DetailTypes).sort());
    expect(loadEvent<BusEvent>('order-changed.json').source).toBe(EventSources.ordersTable);
  });
});
