import * as pulumi from '@pulumi/pulumi';
import { ConfigDefaults, ConfigError, httpsUrl, parseStackConfig } from '../../infra/config';

describe('parseStackConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    // Prepare / Act
    const config = parseStackConfig({});

    // Assess
    expect(config).toEqual({
      carrierRateLimitPerSecond: 20,
      carrierAuthType: 'API_KEY',
      carrierApiKeyName: 'x-api-key',
      carrierUsername: 'order-event-gateway',
      throttlingBurstLimit: ConfigDefaults.throttlingBurstLimit,
      throttlingRateLimit: ConfigDefaults.throttlingRateLimit,
      logRetentionDays: 14,
      archiveRetentionDays: 30,
      alarmActions: [],
      shipmentAlarmHours: 6,
      customerJwtScopes: [],
    });
    expect(config.carrierEndpoint).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
    expect(config.customerJwt).toBeUndefined();
  });

  it('reads every plain key', () => {
    // Prepare
    const plain = {
      carrierEndpoint: 'https://carrier.example.com/orders',
      carrierRateLimitPerSecond: '5',
      carrierAuthType: 'BASIC',
      carrierUsername: 'shop',
      throttlingBurstLimit: '10',
      throttlingRateLimit: '3',
      logRetentionDays: '30',
      archiveRetentionDays: '0',
      alarmActions: '["arn:aws:sns:us-east-1:123456789012:ops"]',
      shipmentAlarmHours: '12',
    };

    // Act
    const config = parseStackConfig(plain);

    // Assess
    expect(config).toMatchObject({
      carrierEndpoint: 'https://carrier.example.com/orders',
      carrierRateLimitPerSecond: 5,
      carrierAuthType: 'BASIC',
      carrierUsername: 'shop',
      throttlingBurstLimit: 10,
      throttlingRateLimit: 3,
      logRetentionDays: 30,
      archiveRetentionDays: 0,
      alarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'],
      shipmentAlarmHours: 12,
    });
  });

  it("subscribes an alarm e-mail only to the stack's own topic, and checks the address", () => {
    expect(parseStackConfig({ alarmEmail: 'ops@example.com' }).alarmEmail).toBe('ops@example.com');
    expect(() =>
      parseStackConfig({ alarmEmail: 'ops@example.com', alarmActions: '["arn:aws:sns:us-east-1:123456789012:ops"]' }),
    ).toThrow(
      'order-event-gateway:alarmEmail is set but so is alarmActions; subscribe the address to your own topic instead, or drop alarmActions',
    );
    expect(() => parseStackConfig({ alarmEmail: 'not an address' })).toThrow(
      'order-event-gateway:alarmEmail must be an e-mail address, got "not an address"',
    );
    expect(() => parseStackConfig({ shipmentAlarmHours: '0' })).toThrow(
      'order-event-gateway:shipmentAlarmHours must be a whole number from 1 to 24, got "0"',
    );
  });

  it.each(['http://127.0.0.1:9000/orders', 'http://localhost:9000', 'http://[::1]:9000/x'])(
    'accepts the loopback http carrier endpoint %s, which only a local cloud can reach',
    (carrierEndpoint) => {
      expect(parseStackConfig({ carrierEndpoint }).carrierEndpoint).toBe(carrierEndpoint);
    },
  );

  it.each([
    [{ carrierEndpoint: 'http://carrier.example.com' }, /carrierEndpoint must be an https URL/],
    [{ carrierEndpoint: 'not a url' }, /carrierEndpoint must be an https URL/],
    [{ carrierEndpoint: 'http://10.0.0.5/orders' }, /carrierEndpoint must be an https URL/],
    [{ carrierRateLimitPerSecond: '0' }, /carrierRateLimitPerSecond must be a whole number from 1 to 300/],
    [{ carrierRateLimitPerSecond: '2.5' }, /carrierRateLimitPerSecond must be a whole number/],
    [{ carrierAuthType: 'OAUTH_CLIENT_CREDENTIALS' }, /carrierAuthType must be one of API_KEY, BASIC/],
    [{ carrierApiKeyName: 'x api key' }, /carrierApiKeyName must be an HTTP header name/],
    [{ carrierAuthType: 'BASIC', carrierUsername: 'a:b' }, /carrierUsername must be non-empty and contain no ":"/],
    [{ logRetentionDays: '13' }, /logRetentionDays must be one of 1, 3, 5/],
    [{ throttlingBurstLimit: '-1' }, /throttlingBurstLimit must be a whole number/],
    [{ archiveRetentionDays: 'forever' }, /archiveRetentionDays must be a whole number/],
    [{ alarmActions: 'arn:aws:sns:x' }, /alarmActions must be a JSON list of ARNs/],
    [{ alarmActions: '["not-an-arn"]' }, /alarmActions must be a JSON list of ARNs/],
  ])('rejects %j with a clear message', (plain, message) => {
    // Prepare / Act / Assess
    expect(() => parseStackConfig(plain)).toThrow(ConfigError);
    expect(() => parseStackConfig(plain)).toThrow(message);
  });

  it('rejects a credential that does not fit the auth type', () => {
    // Prepare
    const secret = pulumi.secret('value');

    // Act / Assess
    expect(() => parseStackConfig({ carrierAuthType: 'BASIC' }, { carrierApiKey: secret })).toThrow(
      /carrierApiKey is set but carrierAuthType is BASIC/,
    );
    expect(() => parseStackConfig({}, { carrierPassword: secret })).toThrow(
      /carrierPassword is set but carrierAuthType is API_KEY/,
    );
  });

  it('passes secrets through as the same outputs', () => {
    // Prepare
    const token = pulumi.secret('token');
    const key = pulumi.secret('key');

    // Act
    const config = parseStackConfig({}, { callbackToken: token, carrierApiKey: key });

    // Assess
    expect(config.callbackToken).toBe(token);
    expect(config.carrierApiKey).toBe(key);
    expect(config.chatWebhookUrl).toBeUndefined();
  });

  it('checks the (secret) chat webhook URL with the same https rule once it resolves', () => {
    // Prepare / Act / Assess
    expect(httpsUrl('chatWebhookUrl', 'https://hooks.slack.com/services/T/B/x')).toBe(
      'https://hooks.slack.com/services/T/B/x',
    );
    expect(() => httpsUrl('chatWebhookUrl', 'http://hooks.example.com/x')).toThrow(
      'order-event-gateway:chatWebhookUrl must be an https URL (API destinations only call HTTPS), got "http://hooks.example.com/x"',
    );
  });
});
