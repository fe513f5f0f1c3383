import {
  buildV2Event,
  IncomingHttpRequest,
  interpretLambdaResponse,
  MalformedLambdaResponseError,
} from '../../../../local/services/http-api/payload';

function request(overrides: Partial<IncomingHttpRequest> = {}): IncomingHttpRequest {
  return {
    method: 'POST',
    rawPath: '/dev/orders/o-1',
    rawQueryString: 'a=1&a=2&b=x',
    rawHeaders: [
      'Content-Type',
      'application/json',
      'X-Multi',
      'v1',
      'x-multi',
      'v2',
      'Cookie',
      'c1=v1; c2=v2',
      'User-Agent',
      'curl/8',
      'Host',
      'abc123.example.com',
    ],
    body: Buffer.from('{"qty":2}'),
    sourceIp: '192.0.2.1',
    protocol: 'HTTP/1.1',
    receivedAt: new Date(Date.UTC(2025, 0, 15, 12, 0, 0)),
    requestId: 'JKJaXmPLvHcESHA=',
    ...overrides,
  };
}

const contextOptions = {
  accountId: '123456789012',
  apiId: 'abc123',
  domainName: 'abc123.example.com',
  routeKey: 'POST /orders/{id}',
  stage: 'dev',
};

describe('payload format 2.0 request', () => {
  it('maps a request as API Gateway does', () => {
    // Act
    const event = buildV2Event(request(), {
      ...contextOptions,
      pathParameters: { id: 'o-1' },
      stageVariables: { k: 'v' },
      authorizer: { lambda: { tenant: 't1' } },
    });
    // Assess
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'POST /orders/{id}',
      rawPath: '/dev/orders/o-1',
      rawQueryString: 'a=1&a=2&b=x',
      cookies: ['c1=v1', 'c2=v2'],
      headers: {
        'content-type': 'application/json',
        'x-multi': 'v1,v2',
        'user-agent': 'curl/8',
        host: 'abc123.example.com',
      },
      queryStringParameters: { a: '1,2', b: 'x' },
      pathParameters: { id: 'o-1' },
      stageVariables: { k: 'v' },
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        authorizer: { lambda: { tenant: 't1' } },
        domainName: 'abc123.example.com',
        domainPrefix: 'abc123',
        http: {
          method: 'POST',
          path: '/dev/orders/o-1',
          protocol: 'HTTP/1.1',
          sourceIp: '192.0.2.1',
          userAgent: 'curl/8',
        },
        requestId: 'JKJaXmPLvHcESHA=',
        routeKey: 'POST /orders/{id}',
        stage: 'dev',
        time: '15/Jan/2025:12:00:00 +0000',
        timeEpoch: 1736942400000,
      },
      body: '{"qty":2}',
      isBase64Encoded: false,
    });
  });

  it('omits keys with nothing to report instead of emitting null', () => {
    const event = buildV2Event(
      request({ rawQueryString: '', rawHeaders: ['Host', 'h'], body: Buffer.alloc(0) }),
      contextOptions,
    );
    expect(Object.keys(event)).toEqual([
      'version',
      'routeKey',
      'rawPath',
      'rawQueryString',
      'headers',
      'requestContext',
      'isBase64Encoded',
    ]);
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('base64-encodes a binary body', () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe]);
    const event = buildV2Event(
      request({ rawHeaders: ['Content-Type', 'application/octet-stream'], body: binary }),
      contextOptions,
    );
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(binary);
  });
});

describe('payload format 2.0 response inference', () => {
  it('reads an object with statusCode as a structured response, cookies and base64 body included', () => {
    const response = interpretLambdaResponse({
      statusCode: 201,
      headers: { 'X-A': 1 },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });
    expect(response).toEqual({
      statusCode: 201,
      headers: { 'x-a': '1' },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('hi'),
    });
  });

  it.each([
    [{ message: 'hi' }, '{"message":"hi"}'],
    ['Hello, world!', '"Hello, world!"'],
    [42, '42'],
    [[1, 2], '[1,2]'],
  ])('turns %j into 200 application/json with its JSON text', (value, text) => {
    const response = interpretLambdaResponse(value);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body.toString()).toBe(text);
  });

  it('rejects a structured response AWS would reject', () => {
    expect(() => interpretLambdaResponse({ statusCode: 200, body: { not: 'a string' } })).toThrow(
      MalformedLambdaResponseError,
    );
    expect(() => interpretLambdaResponse({ statusCode: 'abc' })).toThrow(MalformedLambdaResponseError);
  });
});
