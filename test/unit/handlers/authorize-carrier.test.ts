import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { handler as AuthorizeCarrier } from '../../../handlers/authorize-carrier';
import type { logger as Logger } from '../../../handlers/logger';
import { applyTestEnv, loadEvent, TEST_ENV } from './helpers';

let handler: typeof AuthorizeCarrier;
let logger: typeof Logger;

function request(authorization: string | undefined): APIGatewayRequestAuthorizerEventV2 {
  const event = loadEvent<APIGatewayRequestAuthorizerEventV2>('authorizer-request.json');
  const headers = { ...event.headers };
  delete headers.authorization;
  if (authorization !== undefined) headers.authorization = authorization;
  return { ...event, headers, identitySource: authorization === undefined ? [] : [authorization] };
}

beforeAll(async () => {
  applyTestEnv();
  ({ handler } = await import('../../../handlers/authorize-carrier'));
  ({ logger } = await import('../../../handlers/logger'));
});

beforeEach(() => {
  jest.spyOn(logger, 'warn');
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('authorize-carrier', () => {
  it('allows the captured request carrying the callback token', async () => {
    // Act
    const result = await handler(loadEvent<APIGatewayRequestAuthorizerEventV2>('authorizer-request.json'));

    // Assess
    expect(result).toEqual({ isAuthorized: true });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('accepts the scheme in any case', async () => {
    expect(await handler(request(`bearer ${TEST_ENV.CALLBACK_TOKEN}`))).toEqual({ isAuthorized: true });
  });

  it('reads the identity source when the header map lacks it', async () => {
    // Prepare
    const event = request(undefined);
    event.identitySource = [`Bearer ${TEST_ENV.CALLBACK_TOKEN}`];

    // Act / Assess
    expect(await handler(event)).toEqual({ isAuthorized: true });
  });

  it.each([
    ['a wrong token', 'Bearer not-the-token', 'wrong token'],
    ['a token with a suffix', `Bearer ${TEST_ENV.CALLBACK_TOKEN}x`, 'wrong token'],
    ['a token prefix', `Bearer ${TEST_ENV.CALLBACK_TOKEN.slice(0, 5)}`, 'wrong token'],
    [
      'another scheme',
      `Basic ${Buffer.from(`carrier:${TEST_ENV.CALLBACK_TOKEN}`).toString('base64')}`,
      'not a bearer token',
    ],
    ['the bare token', TEST_ENV.CALLBACK_TOKEN, 'not a bearer token'],
    ['garbage', '\u0000\u0001', 'not a bearer token'],
  ])('denies %s, logging why but not the credential', async (_label, header, why) => {
    // Act
    const result = await handler(request(header));

    // Assess
    expect(result).toEqual({ isAuthorized: false });
    expect(logger.warn).toHaveBeenCalledWith('Carrier callback denied', {
      routeArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default/POST/confirm-shipment',
      credential: why,
    });
  });

  it('denies a request without credentials', async () => {
    // Act
    const result = await handler(request(undefined));

    // Assess
    expect(result).toEqual({ isAuthorized: false });
    expect(logger.warn).toHaveBeenCalledWith(
      'Carrier callback denied',
      expect.objectContaining({ credential: 'missing' }),
    );
  });
});
