/**
 * The carrier as EventBridge sees it: a connection holding the credential (EventBridge stores it in Secrets
 * Manager and adds the auth header to every call) and an API destination with a rate limit.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { CarrierCredential } from './carrier-credential';

export const DEFAULT_CARRIER_RATE_LIMIT = 20;

export interface CarrierDestinationArgs {
  /** The HTTPS endpoint every order change is POSTed to. */
  endpoint: pulumi.Input<string>;
  credential: CarrierCredential;
  /** Calls per second; excess events are queued by EventBridge, not dropped (default 20). */
  invocationRateLimitPerSecond?: number;
}

export class CarrierDestination extends pulumi.ComponentResource {
  readonly connection: aws.cloudwatch.EventConnection;
  readonly destination: aws.cloudwatch.EventApiDestination;
  readonly arn: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: CarrierDestinationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:CarrierDestination', name, {}, opts);
    const rate = args.invocationRateLimitPerSecond ?? DEFAULT_CARRIER_RATE_LIMIT;
    if (!Number.isInteger(rate) || rate < 1 || rate > 300)
      throw new Error(`CarrierDestination ${name}: invocationRateLimitPerSecond must be 1–300`);
    this.connection = this.createConnection(name, args.credential);
    this.destination = this.createDestination(name, args.endpoint, rate);
    this.arn = this.destination.arn;
    this.endpoint = this.destination.invocationEndpoint;
    this.registerOutputs({ arn: this.arn, endpoint: this.endpoint });
  }

  private createConnection(name: string, credential: CarrierCredential): aws.cloudwatch.EventConnection {
    return new aws.cloudwatch.EventConnection(
      `${name}-connection`,
      {
        name: `${name}-${pulumi.getStack()}`,
        description: 'Credential presented to the carrier',
        authorizationType: credential.authType,
        authParameters: credential.authParameters,
      },
      { parent: this },
    );
  }

  private createDestination(
    name: string,
    endpoint: pulumi.Input<string>,
    rate: number,
  ): aws.cloudwatch.EventApiDestination {
    return new aws.cloudwatch.EventApiDestination(
      name,
      {
        name: `${name}-${pulumi.getStack()}`,
        description: 'Order changes to the carrier',
        connectionArn: this.connection.arn,
        invocationEndpoint: endpoint,
        httpMethod: 'POST',
        invocationRateLimitPerSecond: rate,
      },
      { parent: this },
    );
  }
}
