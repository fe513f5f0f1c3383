import { ConfigurationError } from './errors';

/**
 * Every environment variable the handlers read is read here, once, at module load of the entry point that needs
 * it. A missing variable throws a ConfigurationError naming all the missing names at once, so a misconfigured
 * function fails its init phase instead of failing (or worse, half-working) on its first event.
 *
 * The infra sets exactly these variables; Powertools' own (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) are read
 * by the logger itself.
 */

type Env = Readonly<Record<string, string | undefined>>;

function readRequired<K extends string>(env: Env, names: readonly K[], who: string): Record<K, string> {
  const missing = names.filter((name) => env[name] === undefined || env[name] === '');
  if (missing.length > 0) {
    throw new ConfigurationError(
      `${who} cannot start: missing required environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  }
  const values = {} as Record<K, string>;
  for (const name of names) values[name] = env[name] as string;
  return values;
}

/** capture-order, cancel-order, confirm-shipment, get-order. */
export interface TableConfig {
  ordersTableName: string;
}

export function loadTableConfig(env: Env = process.env): TableConfig {
  const values = readRequired(env, ['ORDERS_TABLE_NAME'] as const, 'orders table handler');
  return { ordersTableName: values.ORDERS_TABLE_NAME };
}

/** authorize-carrier: the carrier's callback credential. */
export interface AuthorizerConfig {
  callbackToken: string;
}

export function loadAuthorizerConfig(env: Env = process.env): AuthorizerConfig {
  const values = readRequired(env, ['CALLBACK_TOKEN'] as const, 'carrier authorizer');
  return { callbackToken: values.CALLBACK_TOKEN };
}

/** carrier-mock: the credential it expects from the EventBridge connection, and how it calls us back. */
export interface CarrierMockConfig {
  callbackUrl: string;
  callbackToken: string;
  /** Lower-cased: HTTP API 2.0 and Function URL events carry header names in lower case. */
  authHeaderName: string;
  authHeaderValue: string;
}

export function loadCarrierMockConfig(env: Env = process.env): CarrierMockConfig {
  const values = readRequired(
    env,
    ['CALLBACK_URL', 'CALLBACK_TOKEN', 'CARRIER_AUTH_HEADER_NAME', 'CARRIER_AUTH_HEADER_VALUE'] as const,
    'carrier mock',
  );
  let callbackUrl: URL;
  try {
    callbackUrl = new URL(values.CALLBACK_URL);
  } catch {
    throw new ConfigurationError(`carrier mock cannot start: CALLBACK_URL is not an absolute URL`);
  }
  if (callbackUrl.protocol !== 'https:' && callbackUrl.protocol !== 'http:') {
    throw new ConfigurationError(`carrier mock cannot start: CALLBACK_URL must be an http(s) URL`);
  }
  return {
    callbackUrl: callbackUrl.toString(),
    callbackToken: values.CALLBACK_TOKEN,
    authHeaderName: values.CARRIER_AUTH_HEADER_NAME.trim().toLowerCase(),
    authHeaderValue: values.CARRIER_AUTH_HEADER_VALUE,
  };
}
