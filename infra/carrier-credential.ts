/**
 * The credential the orders bus presents to the carrier: an API key header or HTTP Basic auth, from secret config or
 * generated. It is its own component so both the EventBridge connection (which sends it) and the carrier mock
 * (which checks it) can be given the same header name and value without depending on each other.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
 */
import type * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { CarrierAuthType } from './config';
import { secretOrGenerated } from './secrets';

export interface CarrierCredentialArgs {
  authType: CarrierAuthType;
  /** API_KEY: the header name that carries the key. */
  apiKeyName?: string;
  /** API_KEY: the key (secret); generated when absent. */
  apiKey?: pulumi.Input<string>;
  /** BASIC: the user name. */
  username?: string;
  /** BASIC: the password (secret); generated when absent. */
  password?: pulumi.Input<string>;
}

/** The header a BASIC connection sends: `Authorization: Basic base64(user:pass)`. */
export function basicAuthorizationValue(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export class CarrierCredential extends pulumi.ComponentResource {
  readonly authType: CarrierAuthType;
  /** The header the connection sends the credential in. */
  readonly headerName: pulumi.Output<string>;
  /** The exact header value (secret). */
  readonly headerValue: pulumi.Output<string>;
  /** `authParameters` of an aws.cloudwatch.EventConnection (secret). */
  readonly authParameters: pulumi.Output<aws.types.input.cloudwatch.EventConnectionAuthParameters>;

  constructor(name: string, args: CarrierCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:CarrierCredential', name, {}, opts);
    CarrierCredential.validate(name, args);
    this.authType = args.authType;
    if (args.authType === 'API_KEY') {
      const keyName = args.apiKeyName ?? 'x-api-key';
      const key = secretOrGenerated(`${name}-api-key`, args.apiKey, { parent: this });
      this.headerName = pulumi.output(keyName);
      this.headerValue = key;
      this.authParameters = pulumi.secret(key.apply((value) => ({ apiKey: { key: keyName, value } })));
    } else {
      const username = args.username ?? 'order-event-gateway';
      const password = secretOrGenerated(`${name}-password`, args.password, { parent: this });
      this.headerName = pulumi.output('Authorization');
      this.headerValue = pulumi.secret(password.apply((p) => basicAuthorizationValue(username, p)));
      this.authParameters = pulumi.secret(password.apply((p) => ({ basic: { username, password: p } })));
    }
    this.registerOutputs({ headerName: this.headerName });
  }

  private static validate(name: string, args: CarrierCredentialArgs): void {
    if (args.authType === 'API_KEY' && (args.username !== undefined || args.password !== undefined)) {
      throw new Error(`CarrierCredential ${name}: username/password are for BASIC auth, but authType is API_KEY`);
    }
    if (args.authType === 'BASIC' && (args.apiKeyName !== undefined || args.apiKey !== undefined)) {
      throw new Error(`CarrierCredential ${name}: apiKeyName/apiKey are for API_KEY auth, but authType is BASIC`);
    }
    if (args.authType !== 'API_KEY' && args.authType !== 'BASIC')
      throw new Error(`CarrierCredential ${name}: authType must be API_KEY or BASIC`);
  }
}
