/**
 * Who the customers are: an Amazon Cognito user pool and one public app client, created when the stack is not
 * given an issuer of its own (config `customerJwtIssuer` / `customerJwtAudience`). The HTTP API's JWT authorizer
 * trusts the pool's issuer, `https://cognito-idp.<region>.amazonaws.com/<pool id>`, and accepts the app client's id
 * as audience: Cognito ID tokens carry it as `aud`, access tokens as `client_id`, and API Gateway checks
 * `client_id` when a token has no `aud`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 *
 * Accounts are created by an operator (`aws cognito-idp admin-create-user`, see the README); the client allows
 * USER_PASSWORD_AUTH (the AWS CLI's `initiate-auth`) and SRP, and has no secret (it is a public client).
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface CustomerIdentityArgs {
  /** Lifetime of access and ID tokens, in minutes (Cognito: 5 to 1440). Default 60. */
  tokenValidityMinutes?: number;
}

/** What the JWT authorizer needs, whoever issues the tokens. */
export interface CustomerTokenIssuer {
  issuer: pulumi.Input<string>;
  audience: pulumi.Input<string>[];
}

export class CustomerIdentity extends pulumi.ComponentResource implements CustomerTokenIssuer {
  readonly userPool: aws.cognito.UserPool;
  readonly client: aws.cognito.UserPoolClient;
  /** The tokens' `iss`: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: pulumi.Output<string>;
  readonly audience: pulumi.Output<string>[];

  constructor(name: string, args: CustomerIdentityArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:CustomerIdentity', name, {}, opts);
    const minutes = args.tokenValidityMinutes ?? 60;
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440) {
      throw new Error(
        `CustomerIdentity ${name}: tokenValidityMinutes must be a whole number from 5 to 1440, got ${minutes}`,
      );
    }
    this.userPool = this.createUserPool(name);
    this.client = this.createClient(name, minutes);
    // The pool's `endpoint` is `cognito-idp.<region>.amazonaws.com/<pool id>`, the issuer without its scheme.
    this.issuer = pulumi.interpolate`https://${this.userPool.endpoint}`;
    this.audience = [this.client.id];
    this.registerOutputs({ issuer: this.issuer, userPoolId: this.userPool.id, clientId: this.client.id });
  }

  private createUserPool(name: string): aws.cognito.UserPool {
    return new aws.cognito.UserPool(
      `${name}-pool`,
      {
        // Sign-in by e-mail address; the customer id the orders record is the token's `sub`, never the e-mail.
        usernameAttributes: ['email'],
        autoVerifiedAttributes: ['email'],
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        passwordPolicy: {
          minimumLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: false,
          temporaryPasswordValidityDays: 3,
        },
        accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
      },
      { parent: this },
    );
  }

  private createClient(name: string, minutes: number): aws.cognito.UserPoolClient {
    return new aws.cognito.UserPoolClient(
      `${name}-client`,
      {
        userPoolId: this.userPool.id,
        generateSecret: false,
        explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        // "User does not exist" and "wrong password" give the same answer.
        preventUserExistenceErrors: 'ENABLED',
        enableTokenRevocation: true,
        accessTokenValidity: minutes,
        idTokenValidity: minutes,
        refreshTokenValidity: 30,
        tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' },
      },
      { parent: this },
    );
  }
}
