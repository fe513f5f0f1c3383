import {
  buildApiDestinationRequest,
  replaceWildcards,
  staticAuthorization,
} from '../../../../local/services/eventbridge/api-destinations/http-request';
import { ConnectionDefinition } from '../../../../local/services/eventbridge/types';

const event = { id: 'e-1', 'detail-type': 't', source: 's', detail: { orderId: 'o-1', n: 5 } };

describe('API destination request', () => {
  it('builds the example request of the API destinations guide', () => {
    // Prepare
    const connection: ConnectionDefinition = {
      name: 'c',
      authorizationType: 'API_KEY',
      authParameters: { apiKey: { key: 'x-api-key', value: 's3cr3t' } },
    };
    // Act
    const request = buildApiDestinationRequest({
      destination: { invocationEndpoint: 'https://api.example.com/orders/*', httpMethod: 'post' },
      connection,
      httpTarget: { pathParameterValues: ['$.detail.orderId'], queryStringParameters: { src: 'eb' } },
      event,
      payload: JSON.stringify(event),
      authorization: staticAuthorization(connection),
      traceHeader: 'Root=1-abc',
    });
    // Assess
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://api.example.com/orders/o-1?src=eb');
    expect(request.headers).toEqual({
      'User-Agent': 'Amazon/EventBridge/ApiDestinations',
      'Content-Type': 'application/json; charset=utf-8',
      Range: 'bytes=0-1048575',
      'Accept-Encoding': 'gzip,deflate',
      Connection: 'close',
      'X-Amzn-Trace-Id': 'Root=1-abc',
      'x-api-key': 's3cr3t',
    });
    expect(request.body).toBe(JSON.stringify(event));
  });

  it("lets the connection's query parameter win and keeps the endpoint's own query", () => {
    // Prepare
    const connection: ConnectionDefinition = {
      name: 'c',
      authorizationType: 'BASIC',
      authParameters: {
        basic: { username: 'u', password: 'p' },
        invocationHttpParameters: { queryStrings: [{ key: 'mode', value: 'conn' }] },
      },
    };
    // Act
    const request = buildApiDestinationRequest({
      destination: { invocationEndpoint: 'https://h.example/x?fixed=1', httpMethod: 'GET' },
      connection,
      httpTarget: { queryStringParameters: { mode: 'target', n: '$.detail.n' } },
      event,
      payload: '{}',
    });
    // Assess
    expect(new URL(request.url).searchParams.get('fixed')).toBe('1');
    expect(new URL(request.url).searchParams.get('mode')).toBe('conn');
    expect(new URL(request.url).searchParams.get('n')).toBe('5');
    expect(request.body).toBeUndefined(); // GET carries no body
  });

  it('does not let parameters replace the headers that describe EventBridge itself', () => {
    // Prepare, Act
    const request = buildApiDestinationRequest({
      destination: { invocationEndpoint: 'https://h.example/', httpMethod: 'POST' },
      httpTarget: { headerParameters: { 'user-agent': 'me', 'X-Custom': 'yes' } },
      event,
      payload: '{}',
    });
    // Assess
    expect(request.headers['User-Agent']).toBe('Amazon/EventBridge/ApiDestinations');
    expect(request.headers['user-agent']).toBeUndefined();
    expect(request.headers['X-Custom']).toBe('yes');
  });

  it('replaces wildcards in order and encodes them as path segments', () => {
    // Prepare, Act, Assess
    expect(replaceWildcards('https://h/*/x/*', ['a b', 'c/d'])).toBe('https://h/a%20b/x/c%2Fd');
    expect(replaceWildcards('https://h/*/*', ['only'])).toBe('https://h/only/');
  });

  it('encodes Basic credentials', () => {
    // Prepare, Act
    const header = staticAuthorization({
      name: 'c',
      authorizationType: 'BASIC',
      authParameters: { basic: { username: 'user', password: 'pa:ss' } },
    });
    // Assess
    expect(header).toEqual({ name: 'Authorization', value: `Basic ${Buffer.from('user:pa:ss').toString('base64')}` });
  });
});
