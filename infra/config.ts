/**
 * The stack's typed configuration (keys under the project's namespace, `order-event-gateway:<key>`).
 *
 * `parseStackConfig` is pure: it validates plain strings and passes secrets through untouched, so it is tested
 * alone. `loadStackConfig` reads them from `pulumi.Config`: secrets only through `getSecret`, so they stay Pulumi
 * secrets from the config file to the resource that holds them.
 */
import * as pulumi from '@pulumi/pulumi';

export const CarrierAuthTypes = ['API_KEY', 'BASIC'] as const;
export type CarrierAuthType = (typeof CarrierAuthTypes)[number];

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LogRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Plain (non-secret) keys and their defaults. */
export const ConfigDefaults = {
  carrierRateLimitPerSecond: 20,
  carrierAuthType: 'API_KEY' as CarrierAuthType,
  carrierApiKeyName: 'x-api-key',
  carrierUsername: 'order-event-gateway',
  throttlingBurstLimit: 50,
  throttlingRateLimit: 25,
  logRetentionDays: 14,
  archiveRetentionDays: 30,
  shipmentAlarmHours: 6,
} as const;

export const PlainConfigKeys = [
  'carrierEndpoint',
  'carrierRateLimitPerSecond',
  'carrierAuthType',
  'carrierApiKeyName',
  'carrierUsername',
  'throttlingBurstLimit',
  'throttlingRateLimit',
  'logRetentionDays',
  'archiveRetentionDays',
  'alarmActions',
  'alarmEmail',
  'shipmentAlarmHours',
  'customerJwtIssuer',
  'customerJwtAudience',
  'customerJwtScopes',
] as const;
export type PlainConfigKey = (typeof PlainConfigKeys)[number];

export const SecretConfigKeys = ['carrierApiKey', 'carrierPassword', 'callbackToken', 'chatWebhookUrl'] as const;
export type SecretConfigKey = (typeof SecretConfigKeys)[number];

export interface StackConfig {
  /** The carrier's HTTPS endpoint (or a loopback http one, for the local cloud); absent → the stack deploys the carrier mock and calls it instead. */
  carrierEndpoint?: string;
  carrierRateLimitPerSecond: number;
  carrierAuthType: CarrierAuthType;
  /** The header that carries the API key (API_KEY auth). */
  carrierApiKeyName: string;
  /** The user name (BASIC auth). */
  carrierUsername: string;
  /** API_KEY secret; absent → generated. */
  carrierApiKey?: pulumi.Output<string>;
  /** BASIC secret; absent → generated. */
  carrierPassword?: pulumi.Output<string>;
  /** The carrier's credential for POST /confirm-shipment; absent → generated. */
  callbackToken?: pulumi.Output<string>;
  /** Slack incoming-webhook URL (a secret: it is a bearer credential); absent → no chat notifier. */
  chatWebhookUrl?: pulumi.Output<string>;
  throttlingBurstLimit: number;
  throttlingRateLimit: number;
  logRetentionDays: number;
  archiveRetentionDays: number;
  /** ARNs notified when an alarm fires (e.g. an SNS topic); empty → the stack's own alert topic. */
  alarmActions: string[];
  /** Subscribed by e-mail to the stack's own alert topic (only when no alarmActions are set). */
  alarmEmail?: string;
  /** Orders captured with none shipped for this many hours in a row raise an alarm. */
  shipmentAlarmHours: number;
  /**
   * The customers' token issuer (an OpenID Connect issuer URL, exactly as its tokens' `iss`) and the audiences the
   * JWT authorizer accepts; absent → the stack creates a Cognito user pool and app client and uses those.
   */
  customerJwt?: { issuer: string; audience: string[] };
  /** Scopes a customer token must carry one of (the routes' authorization scopes); empty → none required. */
  customerJwtScopes: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(key: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`order-event-gateway:${key} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function parseUrl(key: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(`order-event-gateway:${key} must be an https URL, got "${raw}"`);
  }
}

/** Checks a URL config value (also used on secret values once they resolve). */
export function httpsUrl(key: string, raw: string): string {
  if (parseUrl(key, raw).protocol !== 'https:') {
    throw new ConfigError(
      `order-event-gateway:${key} must be an https URL (API destinations only call HTTPS), got "${raw}"`,
    );
  }
  return raw;
}

const LoopbackHosts = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The carrier endpoint: https, as API destinations require; or plain http on a loopback host, which only a local
 * cloud can reach (`npm start -- --config carrierEndpoint=http://127.0.0.1:9000/orders` points the destination at
 * a server on this machine). AWS itself refuses such an endpoint at `pulumi up`, with its own error.
 */
export function carrierEndpointUrl(raw: string): string {
  const url = parseUrl('carrierEndpoint', raw);
  if (url.protocol === 'http:' && LoopbackHosts.test(url.hostname)) return raw;
  return httpsUrl('carrierEndpoint', raw);
}

function alarmActionsOf(raw: string | undefined): string[] {
  if (raw === undefined || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`order-event-gateway:alarmActions must be a JSON list of ARNs, got "${raw}"`);
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string' && a.startsWith('arn:'))) {
    throw new ConfigError(`order-event-gateway:alarmActions must be a JSON list of ARNs, got "${raw}"`);
  }
  return parsed as string[];
}

/** A list given as JSON (`["a","b"]`) or comma-separated (`a,b`). */
function stringList(key: string, raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  if (raw.trim().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(
        `order-event-gateway:${key} must be a JSON list of strings or a comma-separated list, got "${raw}"`,
      );
    }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string' && v.trim() !== '')) {
      throw new ConfigError(`order-event-gateway:${key} must be a JSON list of non-empty strings, got "${raw}"`);
    }
    return parsed.map((v: string) => v.trim());
  }
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The customer JWT authorizer's issuer and audience: both or neither. API Gateway fetches
 * `<issuer>/.well-known/openid-configuration`, so the issuer is an https URL.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
function customerJwtOf(plain: Partial<Record<PlainConfigKey, string>>): StackConfig['customerJwt'] {
  const issuer = plain.customerJwtIssuer?.trim() ?? '';
  const audience = stringList('customerJwtAudience', plain.customerJwtAudience);
  if (issuer === '' && audience.length === 0) return undefined;
  if (issuer === '')
    throw new ConfigError(
      'order-event-gateway:customerJwtAudience is set but customerJwtIssuer is not; set both, or neither (a Cognito user pool is created)',
    );
  if (audience.length === 0)
    throw new ConfigError(
      'order-event-gateway:customerJwtIssuer is set but customerJwtAudience is not; set the client ids or audiences its tokens carry',
    );
  return { issuer: httpsUrl('customerJwtIssuer', issuer), audience };
}

/** Validate plain config values, apply defaults, and reject combinations that contradict each other. */
export function parseStackConfig(
  plain: Partial<Record<PlainConfigKey, string>>,
  secrets: Partial<Record<SecretConfigKey, pulumi.Output<string>>> = {},
): StackConfig {
  const authType = (plain.carrierAuthType ?? ConfigDefaults.carrierAuthType) as CarrierAuthType;
  if (!CarrierAuthTypes.includes(authType)) {
    throw new ConfigError(
      `order-event-gateway:carrierAuthType must be one of ${CarrierAuthTypes.join(', ')}, got "${plain.carrierAuthType}"`,
    );
  }
  if (authType === 'API_KEY' && secrets.carrierPassword !== undefined) {
    throw new ConfigError(
      'order-event-gateway:carrierPassword is set but carrierAuthType is API_KEY; set carrierApiKey instead, or carrierAuthType BASIC',
    );
  }
  if (authType === 'BASIC' && secrets.carrierApiKey !== undefined) {
    throw new ConfigError(
      'order-event-gateway:carrierApiKey is set but carrierAuthType is BASIC; set carrierPassword instead, or carrierAuthType API_KEY',
    );
  }
  const apiKeyName = plain.carrierApiKeyName ?? ConfigDefaults.carrierApiKeyName;
  // The key name is sent as an HTTP header name (RFC 9110 token characters).
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/.test(apiKeyName)) {
    throw new ConfigError(`order-event-gateway:carrierApiKeyName must be an HTTP header name, got "${apiKeyName}"`);
  }
  const username = plain.carrierUsername ?? ConfigDefaults.carrierUsername;
  if (username === '' || username.includes(':'))
    throw new ConfigError('order-event-gateway:carrierUsername must be non-empty and contain no ":" (Basic auth)');
  const logRetentionDays = integer(
    'logRetentionDays',
    plain.logRetentionDays,
    ConfigDefaults.logRetentionDays,
    1,
    3653,
  );
  if (!(LogRetentionDays as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigError(
      `order-event-gateway:logRetentionDays must be one of ${LogRetentionDays.join(', ')}, got ${logRetentionDays}`,
    );
  }
  const config: StackConfig = {
    carrierRateLimitPerSecond: integer(
      'carrierRateLimitPerSecond',
      plain.carrierRateLimitPerSecond,
      ConfigDefaults.carrierRateLimitPerSecond,
      1,
      300,
    ),
    carrierAuthType: authType,
    carrierApiKeyName: apiKeyName,
    carrierUsername: username,
    throttlingBurstLimit: integer(
      'throttlingBurstLimit',
      plain.throttlingBurstLimit,
      ConfigDefaults.throttlingBurstLimit,
      0,
      5000,
    ),
    throttlingRateLimit: integer(
      'throttlingRateLimit',
      plain.throttlingRateLimit,
      ConfigDefaults.throttlingRateLimit,
      0,
      10000,
    ),
    logRetentionDays,
    // 0 keeps archived events indefinitely.
    archiveRetentionDays: integer(
      'archiveRetentionDays',
      plain.archiveRetentionDays,
      ConfigDefaults.archiveRetentionDays,
      0,
      36500,
    ),
    alarmActions: alarmActionsOf(plain.alarmActions),
    shipmentAlarmHours: integer(
      'shipmentAlarmHours',
      plain.shipmentAlarmHours,
      ConfigDefaults.shipmentAlarmHours,
      1,
      24,
    ),
    customerJwtScopes: stringList('customerJwtScopes', plain.customerJwtScopes),
  };
  const customerJwt = customerJwtOf(plain);
  if (customerJwt) config.customerJwt = customerJwt;
  if (plain.alarmEmail !== undefined && plain.alarmEmail !== '') {
    if (config.alarmActions.length > 0) {
      throw new ConfigError(
        'order-event-gateway:alarmEmail is set but so is alarmActions; subscribe the address to your own topic instead, or drop alarmActions',
      );
    }
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(plain.alarmEmail))
      throw new ConfigError(`order-event-gateway:alarmEmail must be an e-mail address, got "${plain.alarmEmail}"`);
    config.alarmEmail = plain.alarmEmail;
  }
  if (plain.carrierEndpoint !== undefined && plain.carrierEndpoint !== '')
    config.carrierEndpoint = carrierEndpointUrl(plain.carrierEndpoint);
  for (const key of SecretConfigKeys) {
    const value = secrets[key];
    if (value !== undefined) config[key] = value;
  }
  if (config.chatWebhookUrl) {
    // The URL is secret, so it is checked where it is resolved; a bad URL fails the deployment with this message.
    config.chatWebhookUrl = config.chatWebhookUrl.apply((url) => httpsUrl('chatWebhookUrl', url));
  }
  return config;
}

/** Read the stack's config from Pulumi (secrets through getSecret only) and validate it. */
export function loadStackConfig(config: pulumi.Config = new pulumi.Config()): StackConfig {
  const plain: Partial<Record<PlainConfigKey, string>> = {};
  for (const key of PlainConfigKeys) {
    const value = config.get(key);
    if (value !== undefined) plain[key] = value;
  }
  const secrets: Partial<Record<SecretConfigKey, pulumi.Output<string>>> = {};
  for (const key of SecretConfigKeys) {
    const value = config.getSecret(key);
    if (value !== undefined) secrets[key] = value;
  }
  return parseStackConfig(plain, secrets);
}
