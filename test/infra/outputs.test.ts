import { loadStack, T, type LoadedStack } from './helpers/stack';

describe('stack outputs', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    stack = await loadStack();
  });

  it('exports the API URL, bus, table, DLQ URLs and carrier endpoint', () => {
    // Prepare
    const api = stack.ofType(T.api)[0];
    const bus = stack.ofType(T.bus)[0];
    const table = stack.ofType(T.table)[0];
    const queues = stack.ofType(T.queue);
    const mockUrl = stack.ofType(T.functionUrl)[0];

    // Act
    const { apiUrl, busName, tableName, deadLetterQueueUrls, carrierEndpoint } = stack.outputs as Record<string, unknown>;

    // Assess
    expect(apiUrl).toBe(`https://${api.id}.execute-api.us-east-1.amazonaws.com/`);
    expect(busName).toBe(bus.state.name);
    expect(tableName).toBe(table.state.name);
    expect(Object.values(deadLetterQueueUrls as Record<string, string>).sort()).toEqual(queues.map((q) => q.state.url).sort());
    expect(Object.keys(deadLetterQueueUrls as Record<string, string>).sort()).toEqual([
      'cancel-order-failures',
      'capture-order-failures',
      'confirm-shipment-failures',
      'order-changes-dlq',
      'orders-all-events-dlq',
      'orders-cancellation-requested-dlq',
      'orders-order-cancelled-dlq',
      'orders-order-created-dlq',
      'orders-order-uploaded-dlq',
      'orders-shipment-confirmed-dlq',
    ]);
    expect(carrierEndpoint).toBe(mockUrl.state.functionUrl);
  });
});
