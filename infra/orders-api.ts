/**
 * The HTTP API: a `$default` stage that auto-deploys (so the API URL is the base URL), default route throttling,
 * JSON access logs, and two kinds of routes:
 * - ingest routes: AWS_PROXY integrations of subtype EventBridge-PutEvents (no Lambda in front of the bus) with a
 *   role that may only put events on the one bus; optionally guarded by the Lambda authorizer;
 * - Lambda routes: Lambda proxy integrations, payload format 2.0.
 * Customer routes (either kind) are guarded by a JWT authorizer (no Lambda); an ingest customer route's event
 * carries the verified token's subject, mapped by API Gateway itself (templates.ts, customerPutEventsRequestParameters).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { HandlerFunction } from './handler-function';
import { policyDocument, putEventsStatement, serviceTrustPolicy } from './policies';
import { customerPutEventsRequestParameters, putEventsRequestParameters } from './templates';

export interface IngestRoute {
  /** e.g. `POST /uploads` */
  routeKey: string;
  source: string;
  detailType: string;
  /** Guard the route with the API's Lambda authorizer. */
  authorized?: boolean;
  /** A customer route: the JWT authorizer guards it and the event carries the token's subject. */
  customer?: boolean;
}

export interface LambdaRoute {
  /** e.g. `GET /orders/{id}` */
  routeKey: string;
  handler: HandlerFunction;
  /** A customer route: the JWT authorizer guards it (the function reads the claims from the request context). */
  customer?: boolean;
}

/** The customers' token issuer: a JWT authorizer's configuration. */
export interface CustomerAuthorizerArgs {
  /** Exactly the tokens' `iss`. */
  issuer: pulumi.Input<string>;
  /** Accepted `aud` (or, for tokens without `aud`, `client_id`) values. */
  audience: pulumi.Input<string>[];
  /** Authorization scopes of the customer routes: a token must carry at least one. None → not checked. */
  scopes?: string[];
}

export interface OrdersApiArgs {
  busName: pulumi.Input<string>;
  busArn: pulumi.Input<string>;
  ingestRoutes: IngestRoute[];
  lambdaRoutes?: LambdaRoute[];
  /** REQUEST authorizer (payload 2.0, simple responses) reading the Authorization header. */
  authorizer?: HandlerFunction;
  /** JWT authorizer of the customer routes. */
  customerAuthorizer?: CustomerAuthorizerArgs;
  throttlingBurstLimit: number;
  throttlingRateLimit: number;
  logRetentionDays: number;
}

/** The JSON access log line: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
});

const ROUTE_KEY = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/[A-Za-z0-9._~{}+\-/]*)$/;

/** `POST /confirm-shipment` → `post-confirm-shipment`: a child-name suffix. */
export function routeSlug(routeKey: string): string {
  return routeKey
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The path part of an execute-api source ARN for a route: each `{param}` or `{proxy+}` segment becomes `*`. */
export function routeSourcePath(routePath: string): string {
  return routePath.replace(/\{[A-Za-z0-9._-]+\+?\}/g, '*');
}

export class OrdersApi extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly accessLogGroup: aws.cloudwatch.LogGroup;
  readonly putEventsRole: aws.iam.Role;
  readonly putEventsRolePolicy: aws.iam.RolePolicy;
  readonly authorizer?: aws.apigatewayv2.Authorizer;
  /** The Lambda permission that lets API Gateway call the authorizer. */
  readonly authorizerPermission?: aws.lambda.Permission;
  /** Route key → the Lambda permission the route's integration needs. */
  readonly routePermissions: Record<string, aws.lambda.Permission> = {};
  readonly customerAuthorizer?: aws.apigatewayv2.Authorizer;
  private customerScopes: string[] = [];
  readonly routes: Record<string, aws.apigatewayv2.Route> = {};
  readonly integrations: Record<string, aws.apigatewayv2.Integration> = {};
  /** The base URL, ending in `/` (the `$default` stage is served at the root). */
  readonly url: pulumi.Output<string>;
  readonly executionArn: pulumi.Output<string>;

  constructor(name: string, args: OrdersApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:OrdersApi', name, {}, opts);
    OrdersApi.validate(name, args);
    this.api = this.createApi(name);
    this.executionArn = this.api.executionArn;
    this.accessLogGroup = this.createAccessLogGroup(name, args.logRetentionDays);
    this.stage = this.createStage(name, args);
    this.url = this.stage.invokeUrl;
    this.putEventsRole = this.createPutEventsRole(name);
    this.putEventsRolePolicy = this.createPutEventsRolePolicy(name, args.busArn);
    if (args.authorizer) [this.authorizer, this.authorizerPermission] = this.createAuthorizer(name, args.authorizer);
    if (args.customerAuthorizer) this.customerAuthorizer = this.createCustomerAuthorizer(name, args.customerAuthorizer);
    for (const route of args.ingestRoutes) this.createIngestRoute(name, route, args.busName);
    for (const route of args.lambdaRoutes ?? []) this.createLambdaRoute(name, route);
    this.registerOutputs({ url: this.url, executionArn: this.executionArn });
  }

  private static validate(name: string, args: OrdersApiArgs): void {
    const keys = [...args.ingestRoutes.map((r) => r.routeKey), ...(args.lambdaRoutes ?? []).map((r) => r.routeKey)];
    for (const key of keys)
      if (!ROUTE_KEY.test(key)) throw new Error(`OrdersApi ${name}: "${key}" is not a route key like "POST /uploads"`);
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate) throw new Error(`OrdersApi ${name}: route ${duplicate} is declared twice`);
    const guarded = args.ingestRoutes.filter((r) => r.authorized).map((r) => r.routeKey);
    if (guarded.length > 0 && !args.authorizer)
      throw new Error(`OrdersApi ${name}: ${guarded.join(', ')} must be authorized but no authorizer was given`);
    if (args.authorizer && guarded.length === 0)
      throw new Error(`OrdersApi ${name}: an authorizer was given but no route uses it`);
    const customers = [...args.ingestRoutes, ...(args.lambdaRoutes ?? [])]
      .filter((r) => r.customer)
      .map((r) => r.routeKey);
    if (customers.length > 0 && !args.customerAuthorizer)
      throw new Error(
        `OrdersApi ${name}: ${customers.join(', ')} are customer routes but no customerAuthorizer was given`,
      );
    if (args.customerAuthorizer && customers.length === 0)
      throw new Error(`OrdersApi ${name}: a customerAuthorizer was given but no route is a customer route`);
    const both = args.ingestRoutes.filter((r) => r.customer && r.authorized).map((r) => r.routeKey);
    if (both.length > 0)
      throw new Error(
        `OrdersApi ${name}: ${both.join(', ')} cannot be both a customer route and authorized by the Lambda authorizer`,
      );
    if (args.throttlingBurstLimit < 0 || args.throttlingRateLimit < 0)
      throw new Error(`OrdersApi ${name}: throttling limits must not be negative`);
  }

  private createApi(name: string): aws.apigatewayv2.Api {
    return new aws.apigatewayv2.Api(
      name,
      { protocolType: 'HTTP', description: 'Order intake, cancellations, carrier callbacks and order lookup' },
      { parent: this },
    );
  }

  private createAccessLogGroup(name: string, retentionInDays: number): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { name: `/aws/apigateway/${name}-${pulumi.getStack()}/access`, retentionInDays },
      { parent: this },
    );
  }

  private createStage(name: string, args: OrdersApiArgs): aws.apigatewayv2.Stage {
    return new aws.apigatewayv2.Stage(
      `${name}-default-stage`,
      {
        apiId: this.api.id,
        name: '$default',
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingBurstLimit: args.throttlingBurstLimit,
          throttlingRateLimit: args.throttlingRateLimit,
        },
        accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
      },
      { parent: this },
    );
  }

  /**
   * The role API Gateway assumes for the PutEvents integrations. Its trust has no aws:SourceAccount condition: API
   * Gateway does not provide that key when it assumes an integration's credentials role, so the condition would
   * turn every PutEvents route into a 500 (docs/trust-policies.md). The role may only put events on the one bus.
   */
  private createPutEventsRole(name: string): aws.iam.Role {
    const assumeRolePolicy = JSON.stringify(serviceTrustPolicy('apigateway.amazonaws.com'));
    return new aws.iam.Role(
      `${name}-put-events-role`,
      { assumeRolePolicy, description: 'HTTP API putting events on the orders bus' },
      { parent: this },
    );
  }

  private createPutEventsRolePolicy(name: string, busArn: pulumi.Input<string>): aws.iam.RolePolicy {
    const policy = pulumi.output(busArn).apply((arn) => JSON.stringify(policyDocument(putEventsStatement(arn))));
    return new aws.iam.RolePolicy(
      `${name}-put-events-policy`,
      { role: this.putEventsRole.id, policy },
      { parent: this },
    );
  }

  /**
   * REQUEST authorizer with simple responses. The result TTL is 0: with simple responses a cached verdict would apply
   * to every route sharing the authorizer, and the carrier calls rarely enough that caching buys nothing.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
   */
  private createAuthorizer(
    name: string,
    handler: HandlerFunction,
  ): [aws.apigatewayv2.Authorizer, aws.lambda.Permission] {
    const authorizer = new aws.apigatewayv2.Authorizer(
      `${name}-authorizer`,
      {
        apiId: this.api.id,
        name: `${name}-authorizer`,
        authorizerType: 'REQUEST',
        authorizerUri: handler.invokeArn,
        authorizerPayloadFormatVersion: '2.0',
        enableSimpleResponses: true,
        identitySources: ['$request.header.Authorization'],
        authorizerResultTtlInSeconds: 0,
      },
      { parent: this },
    );
    const permission = new aws.lambda.Permission(
      `${name}-authorizer-invoke`,
      {
        action: 'lambda:InvokeFunction',
        function: handler.name,
        principal: 'apigateway.amazonaws.com',
        sourceArn: pulumi.interpolate`${this.api.executionArn}/authorizers/${authorizer.id}`,
      },
      { parent: this },
    );
    return [authorizer, permission];
  }

  /**
   * JWT authorizer (no Lambda): API Gateway validates the token of `Authorization` (with or without `Bearer `)
   * against the issuer's JWKS, `iss`, `aud`/`client_id`, `exp`, `nbf`, `iat` and the route's scopes, and answers
   * 401 itself (403 when a route's scopes are missing). https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
   */
  private createCustomerAuthorizer(name: string, args: CustomerAuthorizerArgs): aws.apigatewayv2.Authorizer {
    this.customerScopes = args.scopes ?? [];
    return new aws.apigatewayv2.Authorizer(
      `${name}-customer-authorizer`,
      {
        apiId: this.api.id,
        name: `${name}-customer-authorizer`,
        authorizerType: 'JWT',
        identitySources: ['$request.header.Authorization'],
        jwtConfiguration: { issuer: args.issuer, audiences: args.audience },
      },
      { parent: this },
    );
  }

  /** The route's authorization: the customer JWT authorizer, the Lambda authorizer, or none. */
  private routeAuthorization(route: { customer?: boolean; authorized?: boolean }): Partial<aws.apigatewayv2.RouteArgs> {
    if (route.customer && this.customerAuthorizer) {
      return {
        authorizationType: 'JWT',
        authorizerId: this.customerAuthorizer.id,
        ...(this.customerScopes.length > 0 ? { authorizationScopes: this.customerScopes } : {}),
      };
    }
    if (route.authorized && this.authorizer) return { authorizationType: 'CUSTOM', authorizerId: this.authorizer.id };
    return { authorizationType: 'NONE' };
  }

  private createIngestRoute(name: string, route: IngestRoute, busName: pulumi.Input<string>): void {
    const slug = routeSlug(route.routeKey);
    const parameters = route.customer ? customerPutEventsRequestParameters : putEventsRequestParameters;
    const requestParameters = pulumi.output(busName).apply((bus) => parameters(bus, route.source, route.detailType));
    const integration = new aws.apigatewayv2.Integration(
      `${name}-${slug}`,
      {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationSubtype: 'EventBridge-PutEvents',
        payloadFormatVersion: '1.0',
        credentialsArn: this.putEventsRole.arn,
        requestParameters,
        description: `${route.routeKey} → ${route.detailType}`,
      },
      { parent: this, dependsOn: [this.putEventsRolePolicy] },
    );
    this.integrations[route.routeKey] = integration;
    this.routes[route.routeKey] = new aws.apigatewayv2.Route(
      `${name}-${slug}`,
      {
        apiId: this.api.id,
        routeKey: route.routeKey,
        target: pulumi.interpolate`integrations/${integration.id}`,
        ...this.routeAuthorization(route),
      },
      // The `$default` stage auto-deploys, so a route is live as soon as it exists: it waits for the permission that
      // lets API Gateway call its authorizer, else the first requests get 500s.
      { parent: this, dependsOn: route.authorized && this.authorizerPermission ? [this.authorizerPermission] : [] },
    );
  }

  private createLambdaRoute(name: string, route: LambdaRoute): void {
    const slug = routeSlug(route.routeKey);
    const [method, path] = route.routeKey.split(' ');
    const integration = new aws.apigatewayv2.Integration(
      `${name}-${slug}`,
      {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: route.handler.arn,
        integrationMethod: 'POST',
        payloadFormatVersion: '2.0',
      },
      { parent: this },
    );
    this.integrations[route.routeKey] = integration;
    // Only this route (any stage) may invoke the function. The ARN API Gateway presents carries the request's actual
    // path, so path parameters become wildcards: GET /orders/{id} → .../*/GET/orders/*.
    const permission = new aws.lambda.Permission(
      `${name}-${slug}-invoke`,
      {
        action: 'lambda:InvokeFunction',
        function: route.handler.name,
        principal: 'apigateway.amazonaws.com',
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/${method}${routeSourcePath(path)}`,
      },
      { parent: this },
    );
    this.routePermissions[route.routeKey] = permission;
    // The stage auto-deploys: the route goes live when it is created, so it waits for the permission its
    // integration needs (otherwise the first requests of a fresh deploy get 500s).
    this.routes[route.routeKey] = new aws.apigatewayv2.Route(
      `${name}-${slug}`,
      {
        apiId: this.api.id,
        routeKey: route.routeKey,
        target: pulumi.interpolate`integrations/${integration.id}`,
        ...this.routeAuthorization(route),
      },
      { parent: this, dependsOn: [permission] },
    );
  }
}
