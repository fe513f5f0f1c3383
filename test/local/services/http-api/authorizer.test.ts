import {
  AuthorizerCache,
  AuthorizerConfig,
  interpretAuthorizerResponse,
  resolveIdentity,
} from '../../../../local/services/http-api/authorizer';

const config: AuthorizerConfig = {
  id: 'auth1',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:auth',
  identitySources: ['$request.header.Authorization', '$request.querystring.tenant'],
  enableSimpleResponses: true,
  payloadFormatVersion: '2.0',
  resultTtlSeconds: 300,
};

const lookup = (headers: Record<string, string>, query: Record<string, string> = {}) => ({
  header: (n: string) => headers[n.toLowerCase()],
  query: (n: string) => query[n],
  context: () => undefined,
  stageVariable: () => undefined,
});

const routeArn = 'arn:aws:execute-api:us-east-1:123456789012:abc/$default/POST/things';

describe('Lambda authorizer decisions', () => {
  it('resolves identity sources case-insensitively for headers, and reports a missing one', () => {
    expect(resolveIdentity(config, lookup({ authorization: 'Bearer x' }, { tenant: 't1' }))).toEqual([
      'Bearer x',
      't1',
    ]);
    expect(resolveIdentity(config, lookup({ authorization: 'Bearer x' }))).toBeUndefined();
    expect(resolveIdentity(config, lookup({ authorization: '' }, { tenant: 't1' }))).toBeUndefined();
  });

  it('reads simple responses', () => {
    expect(interpretAuthorizerResponse(config, { isAuthorized: true, context: { tenant: 't1' } }, routeArn)).toEqual({
      outcome: 'allow',
      context: { tenant: 't1' },
    });
    expect(interpretAuthorizerResponse(config, { isAuthorized: false }, routeArn)).toEqual({ outcome: 'deny' });
    expect(interpretAuthorizerResponse(config, { isAuthorized: 'yes' }, routeArn).outcome).toBe('error');
    expect(interpretAuthorizerResponse(config, 'allow', routeArn).outcome).toBe('error');
  });

  it('reads IAM policies when simple responses are off', () => {
    const policyConfig = { ...config, enableSimpleResponses: false };
    const policy = (effect: string, resource: string) => ({
      principalId: 'p',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
      },
    });
    expect(
      interpretAuthorizerResponse(
        policyConfig,
        policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc/*'),
        routeArn,
      ).outcome,
    ).toBe('allow');
    expect(interpretAuthorizerResponse(policyConfig, policy('Deny', '*'), routeArn).outcome).toBe('deny');
    expect(
      interpretAuthorizerResponse(
        policyConfig,
        policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:other/*'),
        routeArn,
      ).outcome,
    ).toBe('deny');
    expect(interpretAuthorizerResponse(policyConfig, { isAuthorized: true }, routeArn).outcome).toBe('error');
  });

  it('caches allow and deny by identity for the TTL, never errors', () => {
    let now = 0;
    const cache = new AuthorizerCache(() => now);
    cache.put('auth1', ['a'], { outcome: 'deny' }, 10);
    cache.put('auth1', ['b'], { outcome: 'error', reason: 'boom' }, 10);
    cache.put('auth1', ['c'], { outcome: 'deny' }, 0);
    expect(cache.get('auth1', ['a'])).toEqual({ outcome: 'deny' });
    expect(cache.get('auth1', ['b'])).toBeUndefined();
    expect(cache.get('auth1', ['c'])).toBeUndefined();
    now = 10_000;
    expect(cache.get('auth1', ['a'])).toBeUndefined();
  });
});
