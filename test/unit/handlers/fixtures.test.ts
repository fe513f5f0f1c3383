import { DetailTypes, EventSources, RulePatterns, type BusEvent } from '../../../handlers/contract';
import { BusEventEnvelopeSchema } from '../../../handlers/event-schemas';
import { loadEvent } from './helpers';

/**
 * The event fixtures are written by hand in AWS's documented shapes; this keeps them honest against the contract,
 * so a renamed source or detail type cannot leave the handler tests exercising events no rule would deliver.
 */
describe('EventBridge event fixtures', () => {
  it.each([
    ['order-uploaded.json', RulePatterns.orderUploaded],
    ['order-uploaded-invalid.json', RulePatterns.orderUploaded],
    ['cancellation-requested.json', RulePatterns.cancellationRequested],
    ['shipment-confirmed.json', RulePatterns.shipmentConfirmed],
    ['order-changed.json', RulePatterns.orderCreated],
  ])('%s carries the source and detail type its rule names', (name, pattern) => {
    // Prepare
    const event = loadEvent<BusEvent>(name);

    // Act / Assess
    expect(BusEventEnvelopeSchema.safeParse(event).success).toBe(true);
    expect(pattern.source).toContain(event.source);
    expect(pattern['detail-type']).toContain(event['detail-type']);
    expect(event.version).toBe('0');
    // EventBridge stamps `time` with second precision and a Z suffix.
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('has a fixture for every detail type of the contract', () => {
    // Prepare
    const names = ['order-uploaded.json', 'cancellation-requested.json', 'shipment-confirmed.json', 'order-changed.json'];

    // Act
    const detailTypes = names.map((name) => loadEvent<BusEvent>(name)['detail-type']).sort();

    // Assess
    expect(detailTypes).toEqual(Object.values(DetailTypes).sort());
    expect(loadEvent<BusEvent>('order-changed.json').source).toBe(EventSources.ordersTable);
  });
});
