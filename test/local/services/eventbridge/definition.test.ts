import { readEventBridge } from '../../../../local/services/eventbridge/definition';
import { graphOf, resource } from '../../helpers/graph';

describe('readEventBridge', () => {
  it('lists buses, connections, API destinations, rules, targets and archives in the order they depend on one another', () => {
    // Declared in the reverse order on purpose.
    const graph = graphOf(
      resource('aws:cloudwatch/eventArchive:EventArchive', 'archive', {
        name: 'orders-archive',
        eventSourceArn: 'arn:bus',
      }),
      resource('aws:cloudwatch/eventTarget:EventTarget', 'rule-target', {
        rule: 'orders-rule',
        arn: 'arn:aws:sqs:us-east-1:1:q',
      }),
      resource('aws:cloudwatch/eventRule:EventRule', 'rule', { name: 'orders-rule', eventBusName: 'orders' }),
      resource('aws:cloudwatch/eventApiDestination:EventApiDestination', 'carrier', {
        name: 'carrier',
        invocationEndpoint: 'https://x',
      }),
      resource('aws:cloudwatch/eventConnection:EventConnection', 'carrier-connection', {
        name: 'carrier-connection',
        authorizationType: 'API_KEY',
      }),
      resource('aws:cloudwatch/eventBus:EventBus', 'bus', {
        name: 'orders',
        arn: 'arn:aws:events:us-east-1:1:event-bus/orders',
      }),
      resource('aws:cloudwatch/eventBus:EventBus', 'nameless', { arn: '' }),
    );
    const resources = readEventBridge(graph);
    expect(resources.map((r) => [r.kind, r.label])).toEqual([
      ['bus', 'event bus orders'],
      ['bus', 'event bus nameless'],
      ['connection', 'connection carrier-connection'],
      ['apiDestination', 'API destination carrier'],
      ['rule', 'rule orders-rule'],
      ['target', 'target rule-target'],
      ['archive', 'archive orders-archive'],
    ]);
    expect(resources[0].definition).toMatchObject({
      name: 'orders',
      arn: 'arn:aws:events:us-east-1:1:event-bus/orders',
    });
    expect(resources[1].definition).toMatchObject({ name: 'nameless', arn: undefined });
    expect(resources[4].definition).toMatchObject({ name: 'orders-rule', eventBusName: 'orders' });
    expect(resources[5].definition).toEqual({ rule: 'orders-rule', arn: 'arn:aws:sqs:us-east-1:1:q' });
  });
});
