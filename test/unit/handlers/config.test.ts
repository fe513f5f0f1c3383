import { loadAuthorizerConfig, loadCarrierMockConfig, loadTableConfig } from '../../../handlers/config';
import { ConfigurationError, OrderGatewayError } from '../../../handlers/errors';
import { TEST_ENV } from './helpers';

const CARRIER_ENV = {
  CALLBACK_URL: 'https://api.example.com/confirm-shipment',
  CALLBACK_TOKEN: 'tok',
  CARRIER_AUTH_HEADER_NAME: 'X-Api-Key',
  CARRIER_AUTH_HEADER_VALUE: 'key',
};

describe('loadTableConfig', () => {
  it('reads ORDERS_TABLE_NAME', () => {
    expect(loadTableConfig({ ORDERS_TABLE_NAME: 'orders-1234567' })).toEqual({ ordersTableName: 'orders-1234567' });
  });

  it.each([
    ['missing', {}],
    ['empty', { ORDERS_TABLE_NAME: '' }],
  ])('fails fast, naming the variable, when it is %s', (_label, env) => {
    // Act
    const load = () => loadTableConfig(env);

    // Assess
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(OrderGatewayError);
    expect(load).toThrow(/ORDERS_TABLE_NAME/);
  });
});

describe('loadAuthorizerConfig', () => {
  it('reads CALLBACK_TOKEN', () => {
    expect(loadAuthorizerConfig({ CALLBACK_TOKEN: 'tok' })).toEqual({ callbackToken: 'tok' });
  });

  it('fails fast without it', () => {
    expect(() => loadAuthorizerConfig({})).toThrow(/CALLBACK_TOKEN/);
  });
});

describe('loadCarrierMockConfig', () => {
  it('reads its four variables and lower-cases the header name (payload 2.0 lower-cases headers)', () => {
    expect(loadCarrierMockConfig(CARRIER_ENV)).toEqual({
      callbackUrl: 'https://api.example.com/confirm-shipment',
      callbackToken: 'tok',
      authHeaderName: 'x-api-key',
      authHeaderValue: 'key',
    });
  });

  it('names every missing variable at once', () => {
    // Act
    const load = () => loadCarrierMockConfig({ CALLBACK_TOKEN: 'tok' });

    // Assess
    expect(load).toThrow(
      'carrier mock cannot start: missing required environment variables CALLBACK_URL, CARRIER_AUTH_HEADER_NAME, CARRIER_AUTH_HEADER_VALUE',
    );
  });

  it.each(['not a url', 'ftp://example.com/x'])('rejects CALLBACK_URL %j', (url) => {
    expect(() => loadCarrierMockConfig({ ...CARRIER_ENV, CALLBACK_URL: url })).toThrow(/CALLBACK_URL/);
  });
});

describe('entry points read their configuration when they load', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    ['capture-order', 'ORDERS_TABLE_NAME'],
    ['get-order', 'ORDERS_TABLE_NAME'],
    ['authorize-carrier', 'CALLBACK_TOKEN'],
    ['carrier-mock', 'CALLBACK_URL'],
  ])('%s fails to load without %s', async (entry, variable) => {
    // Prepare: everything set but the one variable
    process.env = { ...saved, ...TEST_ENV };
    delete process.env[variable];

    // Act
    const load = jest.isolateModulesAsync(async () => {
      await import(`../../../handlers/${entry}`);
    });

    // Assess
    await expect(load).rejects.toThrow(`cannot start: missing required environment variable ${variable}`);
  });

  it('loads once its configuration is complete', async () => {
    // Prepare
    process.env = { ...saved, ...TEST_ENV };

    // Act
    const load = jest.isolateModulesAsync(async () => {
      await import('../../../handlers/carrier-mock');
    });

    // Assess
    await expect(load).resolves.toBeUndefined();
  });
});
