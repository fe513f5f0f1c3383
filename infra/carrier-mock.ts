/**
 * The carrier's stand-in on stacks without a real carrier: the carrier-mock Lambda behind a public Function URL.
 * It checks the connection's credential itself (the URL's auth type is NONE because EventBridge connections cannot
 * sign with SigV4), and calls POST /confirm-shipment back with the callback token.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { HandlerFunction } from './handler-function';

export interface CarrierMockArgs {
  /** Where the mock confirms shipments: the API's `/confirm-shipment` URL. */
  callbackUrl: pulumi.Input<string>;
  callbackToken: pulumi.Input<string>;
  /** The credential header the EventBridge connection sends, and its value (secret). */
  authHeaderName: pulumi.Input<string>;
  authHeaderValue: pulumi.Input<string>;
  logRetentionDays: number;
}

export class CarrierMock extends pulumi.ComponentResource {
  readonly handler: HandlerFunction;
  readonly functionUrl: aws.lambda.FunctionUrl;
  /** The mock's public HTTPS URL (ends in `/`). */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: CarrierMockArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:CarrierMock', name, {}, opts);
    this.handler = this.createHandler(name, args);
    this.functionUrl = this.createFunctionUrl(name);
    this.createPublicAccess(name);
    this.url = this.functionUrl.functionUrl;
    this.registerOutputs({ url: this.url });
  }

  private createHandler(name: string, args: CarrierMockArgs): HandlerFunction {
    return new HandlerFunction(
      name,
      {
        handler: 'carrier-mock',
        logRetentionDays: args.logRetentionDays,
        // Below the API destination's 5 s timeout, with room for the callback (3 s in the handler).
        timeout: 5,
        environment: {
          CALLBACK_URL: args.callbackUrl,
          CALLBACK_TOKEN: args.callbackToken,
          CARRIER_AUTH_HEADER_NAME: args.authHeaderName,
          CARRIER_AUTH_HEADER_VALUE: args.authHeaderValue,
        },
      },
      { parent: this },
    );
  }

  private createFunctionUrl(name: string): aws.lambda.FunctionUrl {
    return new aws.lambda.FunctionUrl(
      `${name}-url`,
      { functionName: this.handler.name, authorizationType: 'NONE' },
      { parent: this },
    );
  }

  /**
   * A public function URL needs a resource policy allowing anyone to call it; since October 2025 new function URLs
   * need both lambda:InvokeFunctionUrl and lambda:InvokeFunction (the latter limited to calls via the URL).
   * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
   */
  private createPublicAccess(name: string): void {
    new aws.lambda.Permission(
      `${name}-url-public`,
      { action: 'lambda:InvokeFunctionUrl', function: this.handler.name, principal: '*', functionUrlAuthType: 'NONE' },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-url-invoke`,
      { action: 'lambda:InvokeFunction', function: this.handler.name, principal: '*', invokedViaFunctionUrl: true },
      { parent: this },
    );
  }
}
