import { readHttpApis, unemulatedHttpApiParts } from '../../../../local/services/http-api/definition';
import { graphOf, resource } from '../../helpers/graph';

describe('unemulatedHttpApiParts', () => {
  it('names WebSocket APIs and routes whose integration is not emulated', () => {
    const graph = graphOf(
      resource('aws:apigatewayv2/api:Api', 'ws', { name: 'chat', protocolType: 'WEBSOCKET' }),
      resource('aws:apigatewayv2/api:Api', 'http', {
        name: 'orders',
        protocolType: 'HTTP',
        apiEndpoint: 'https://abc.execute-api.us-east-1.amazonaws.com',
      }),
      resource('aws:apigatewayv2/integration:Integration', 'sfn', {
        apiId: 'http-id',
        integrationType: 'AWS_PROXY',
        integrationSubtype: 'StepFunctions-StartExecution',
      }),
      resource('aws:apigatewayv2/route:Route', 'start', {
        apiId: 'http-id',
        routeKey: 'POST /start',
        target: 'integrations/sfn-id',
      }),
    );
    const apis = readHttpApis(graph);
    expect(apis.map((a) => a.name)).toEqual(['orders']);
    expect(unemulatedHttpApiParts(graph, apis)).toEqual([
      'API chat: protocol WEBSOCKET is not emulated (HTTP APIs only)',
      expect.stringMatching(
        /^route POST \/start of orders: integration .*StepFunctions-StartExecution.* is not emulated \(answers 500\)$/,
      ),
    ]);
  });
});
