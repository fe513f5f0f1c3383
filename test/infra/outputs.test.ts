import * as pulumi from '@pulumi/pulumi';
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
    const { apiUrl, busName, tableName, deadLetterQueueUrls, carrierEndpoint } = stack.outputs as Record<
      string,
      unknown
    >;

    // Assess
    expect(apiUrl).toBe(`https://${api.id}.execute-api.us-east-1.amazonaws.com/`);
    expect(busName).toBe(bus.state.name);
    expect(tableName).toBe(table.state.name);
    expect(Object.values(deadLetterQueueUrls as Record<string, string>).sort()).toEqual(
      queues.map((q) => q.state.url).sort(),
    );
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

  it('exports the carrier-facing credentials as secret outputs, the very values the resources use', async () => {
    // Prepare
    const authorizer = stack.ofType(T.function).find((f) => f.name === 'authorize-carrier');
    const connection = stack.ofType('aws:cloudwatch/eventConnection:EventConnection')[0];
    const apiKey = (connection.state.authParameters as { apiKey: { key: string; value: string } }).apiKey;
    // Act
    const { callbackToken, carrierAuthHeader } = stack.outputs as Record<string, unknown>;
    // Assess
    expect(callbackToken).toBe(
      (authorizer?.state.environment as { variables: Record<string, string> }).variables.CALLBACK_TOKEN,
    );
    expect(carrierAuthHeader).toEqual({ name: apiKey.key, value: apiKey.value });
    expect(await pulumi.isSecret(stack.exports.callbackToken as pulumi.Output<unknown>)).toBe(true);
    expect(await pulumi.isSecret(stack.exports.carrierAuthHeader as pulumi.Output<unknown>)).toBe(true);
    expect(await pulumi.isSecret(stack.exports.apiUrl as pulumi.Output<unknown>)).toBe(false);
  });
});
