/**
 * API Gateway v2 HTTP API, served locally. One `HttpApiService` runs one API of the graph: stage selection
 * (`$default` at the root, named stages under `/<stage>`), route selection (./http-api/routing), stage throttling,
 * Lambda REQUEST authorizers, and the integrations the graph declares: AWS_PROXY with subtype
 * EventBridge-PutEvents and AWS_PROXY Lambda (payload format 2.0).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api.html
 */
import { HttpApiErrors } from '../../iam/messages';
import type { IamGate } from '../iam';
import type { HttpRequestContext, PutEventsRequestEntry } from '../../engine';
import type { LambdaInvoker } from '../kernel/ports';
import {
  AuthorizerCache,
  AuthorizerConfig,
  AuthorizerDecision,
  interpretAuthorizerResponse,
  resolveIdentity,
  resolveIdentitySource,
} from './authorizer';
import { ApiDefinition, IntegrationDefinition, RouteDefinition, StageDefinition } from './definition';
import { JwtAuthorization, JwtVerifier, jwtRefusal } from './jwt-authorizer';
import {
  buildV2Event,
  collectHeaders,
  formatRequestTime,
  HttpResponse,
  IncomingHttpRequest,
  interpretLambdaResponse,
  jsonMessage,
  parseQuery,
} from './payload';
import { RouteTable, compileRoute } from './routing';
import { LocalHttpServer } from './server';
import { StageThrottle } from './throttle';
import { errorMessage, LocalCloudError } from '../kernel/errors';

export { readHttpApis, unemulatedHttpApiParts } from './definition';
export type { ApiDefinition } from './definition';

/** The part of the Lambda service the HTTP API needs: a synchronous invoke. */
export type SyncInvoker = Pick<LambdaInvoker, 'invoke'>;

/** The part of the EventBridge service the PutEvents integration needs. */
export interface EventPutter {
  putEvents(request: { Entries: PutEventsRequestEntry[] }): Promise<{ FailedEntryCount: number; Entries: unknown[] }>;
}

export type ParameterMapper = (mapping: Record<string, string>, request: HttpRequestContext) => Record<string, string>;

export interface HttpApiServiceOptions {
  api: ApiDefinition;
  accountId: string;
  region: string;
  lambda: SyncInvoker;
  eventBridge: EventPutter;
  /** The engine's evaluateParameterMapping. */
  mapParameters: ParameterMapper;
  /** Where access-log lines go (stage access logging): source = log group name. */
  writeLog?: (source: string, message: string) => void;
  /** Where internal failures are reported (they answer 500 to the client). */
  log?: (message: string) => void;
  now?: () => number;
  /** AWS: 10 s. Settable for tests only. */
  authorizerTimeoutMs?: number;
  /** Requests that arrive before this settles wait for it (the rest of the cloud is still being wired). */
  ready?: Promise<void>;
  /** AWS URLs → local ones (a JWT authorizer's issuer documents). */
  resolveUrl?: (url: string) => string;
  /** IAM enforcement of integration and authorizer calls (default: allowed). */
  iam?: Pick<IamGate, 'httpIntegration' | 'httpAuthorizer'>;
}

/** AWS gives an authorizer 10 seconds. */
export const AUTHORIZER_TIMEOUT_MS = 10_000;

class IntegrationTimeout extends LocalCloudError {
  constructor() {
    super('Integration timeout', { statusCode: 503 });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface StageRuntime {
  definition: StageDefinition;
  throttle: StageThrottle;
}

/** Everything known about a request once its stage and route are chosen. */
interface RoutedRequest {
  request: IncomingHttpRequest;
  stage: StageDefinition;
  route: RouteDefinition;
  pathParameters: Record<string, string>;
  /** The path without the stage prefix. */
  stagePath: string;
  domainName: string;
  authorizerContext?: Record<string, unknown>;
  jwt?: JwtAuthorization;
}

export class HttpApiService {
  private readonly routes: RouteTable<RouteDefinition>;
  private readonly stages = new Map<string, StageRuntime>();
  private readonly authorizerCache: AuthorizerCache;
  private readonly jwtVerifier: JwtVerifier;
  private readonly now: () => number;
  private server?: LocalHttpServer;
  private baseUrl?: string;

  constructor(private readonly options: HttpApiServiceOptions) {
    this.now = options.now ?? Date.now;
    this.routes = new RouteTable(options.api.routes.map((r) => compileRoute(r.routeKey, r)));
    for (const stage of options.api.stages) {
      this.stages.set(stage.name, {
        definition: stage,
        throttle: new StageThrottle(stage.defaultThrottle, stage.routeThrottle, this.now),
      });
    }
    this.authorizerCache = new AuthorizerCache(this.now);
    this.jwtVerifier = new JwtVerifier({ resolveUrl: options.resolveUrl, now: this.now });
  }

  get api(): ApiDefinition {
    return this.options.api;
  }

  get url(): string | undefined {
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    this.server = new LocalHttpServer(
      (request) => this.handle(request),
      (error) => this.report(`request failed: ${describe(error)}`),
    );
    this.baseUrl = await this.server.start(port);
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /** Serves one request (no sockets involved: the server and the tests call this). */
  async handle(request: IncomingHttpRequest): Promise<HttpResponse> {
    await this.options.ready;
    const trace: AccessTrace = {};
    const response = await this.route(request, trace);
    if (trace.routed?.stage.accessLog && this.options.writeLog) {
      const { logGroupName, format } = trace.routed.stage.accessLog;
      this.options.writeLog(
        logGroupName,
        renderAccessLog(format, {
          ...this.contextVariables(trace.routed),
          ...trace.extra,
          status: response.statusCode,
          responseLength: response.body.length,
        }),
      );
    }
    return response;
  }

  private async route(request: IncomingHttpRequest, trace: AccessTrace): Promise<HttpResponse> {
    const selected = this.selectStage(request.rawPath);
    if (!selected) return jsonMessage(404, 'Not Found');
    const match = this.routes.match(request.method, selected.path);
    if (!match) return jsonMessage(404, 'Not Found');
    const route = match.route.value;
    const { headers } = collectHeaders(request.rawHeaders);
    const routed: RoutedRequest = {
      request,
      stage: selected.stage.definition,
      route,
      pathParameters: match.pathParameters,
      stagePath: selected.path,
      domainName: headers.host ?? new URL(this.options.api.apiEndpoint ?? 'http://localhost').host,
    };
    trace.routed = routed;
    if (!selected.stage.throttle.allow(route.routeKey)) return jsonMessage(429, 'Too Many Requests');
    if (route.authorizationType === 'CUSTOM') {
      if (!route.authorizer) {
        this.report(`route ${route.routeKey} names an authorizer the API does not have`);
        return jsonMessage(500, 'Internal Server Error');
      }
      const decision = await this.authorize(routed, route.authorizer);
      if (decision.outcome === 'missing') return jsonMessage(401, 'Unauthorized');
      if (decision.outcome === 'deny') return jsonMessage(403, 'Forbidden');
      if (decision.outcome === 'error') {
        trace.extra = { authorizer: { error: decision.reason } };
        this.report(`authorizer ${route.authorizer.id} for ${route.routeKey}: ${decision.reason}`);
        return jsonMessage(500, 'Internal Server Error');
      }
      routed.authorizerContext = decision.context;
    }
    if (route.authorizationType === 'JWT') {
      const refused = await this.authorizeJwt(routed);
      if (refused) return refused;
    }
    const integration = route.integration;
    if (!integration) return jsonMessage(404, 'Not Found');
    if (integration.kind === 'unsupported') {
      this.report(
        `integration ${integration.id} for ${route.routeKey}: type ${integration.description} is not emulated`,
      );
      return jsonMessage(500, 'Internal Server Error');
    }
    const denied = this.options.iam?.httpIntegration(this.options.api.id, integration.id, this.routeArn(routed));
    if (denied) {
      // AWS answers 500 and tells only the access log why (HttpApiErrors: the role could not be assumed; or the
      // service refused the call: its AccessDeniedException).
      const reason =
        denied.step === 'assumeRole'
          ? HttpApiErrors.assumeIntegrationRole
          : integration.kind === 'lambda'
            ? HttpApiErrors.invokeIntegration
            : denied.message;
      trace.extra = { ...trace.extra, integrationErrorMessage: reason };
      this.report(`integration ${integration.id} for ${route.routeKey}: ${reason} (${denied.message})`);
      return jsonMessage(500, 'Internal Server Error');
    }
    try {
      return await withTimeout(this.integrate(routed, integration), integration.timeoutMs);
    } catch (error) {
      trace.extra = {
        ...trace.extra,
        integrationErrorMessage: error instanceof IntegrationTimeout ? 'Integration timeout' : describe(error),
      };
      if (error instanceof IntegrationTimeout) return jsonMessage(503, 'Service Unavailable');
      this.report(`integration ${integration.id} for ${route.routeKey}: ${describe(error)}`);
      return jsonMessage(500, 'Internal Server Error');
    }
  }

  /** `$default` is served at the root; a named stage under `/<stage>`. */
  private selectStage(rawPath: string): { stage: StageRuntime; path: string } | undefined {
    const first = rawPath.split('/')[1] ?? '';
    const named = first !== '' && first !== '$default' ? this.stages.get(safeDecode(first)) : undefined;
    if (named) return { stage: named, path: rawPath.slice(first.length + 1) || '/' };
    const fallback = this.stages.get('$default');
    return fallback ? { stage: fallback, path: rawPath } : undefined;
  }

  private v2Options(routed: RoutedRequest) {
    return {
      accountId: this.options.accountId,
      apiId: this.options.api.id,
      domainName: routed.domainName,
      routeKey: routed.route.routeKey,
      stage: routed.stage.name,
      pathParameters: routed.pathParameters,
      stageVariables: routed.stage.stageVariables,
      authorizer: routed.jwt
        ? { jwt: routed.jwt }
        : routed.authorizerContext === undefined
          ? undefined
          : { lambda: routed.authorizerContext },
    };
  }

  private routeArn(routed: RoutedRequest): string {
    const path = routed.request.rawPath.replace(new RegExp(`^/${escapeRegExp(routed.stage.name)}(?=/|$)`), '');
    return `arn:aws:execute-api:${this.options.region}:${this.options.accountId}:${this.options.api.id}/${routed.stage.name}/${routed.request.method}${path || '/'}`;
  }

  private async authorize(
    routed: RoutedRequest,
    authorizer: AuthorizerConfig,
  ): Promise<{ outcome: 'missing' } | AuthorizerDecision> {
    const { headers } = collectHeaders(routed.request.rawHeaders);
    const query = parseQuery(routed.request.rawQueryString);
    const context = this.contextVariables(routed);
    const identity = resolveIdentity(authorizer, {
      header: (name) => headers[name.toLowerCase()],
      query: (name) => query[name]?.join(','),
      context: (name) => {
        const value = lookupPath(context, name);
        return value === undefined || value === null ? undefined : String(value);
      },
      stageVariable: (name) => routed.stage.stageVariables[name],
    });
    if (identity === undefined) return { outcome: 'missing' };
    const cached = this.authorizerCache.get(authorizer.id, identity);
    if (cached) return cached;
    if (authorizer.payloadFormatVersion !== '2.0') {
      return {
        outcome: 'error',
        reason: `authorizer payload format ${authorizer.payloadFormatVersion} is not emulated`,
      };
    }
    const routeArn = this.routeArn(routed);
    const denied = this.options.iam?.httpAuthorizer(this.options.api.id, authorizer.id);
    if (denied)
      return {
        outcome: 'error',
        reason: denied.step === 'assumeRole' ? HttpApiErrors.assumeIntegrationRole : HttpApiErrors.invokeAuthorizer,
      };
    const event = buildV2Event(routed.request, { ...this.v2Options(routed), includeBody: false });
    const { isBase64Encoded: _unused, ...rest } = event;
    const payload = { version: '2.0', type: 'REQUEST', routeArn, identitySource: identity, ...withoutVersion(rest) };
    let decision: AuthorizerDecision;
    try {
      const result = await withTimeout(
        this.options.lambda.invoke(authorizer.functionArn, payload),
        this.options.authorizerTimeoutMs ?? AUTHORIZER_TIMEOUT_MS,
      );
      decision = result.functionError
        ? { outcome: 'error', reason: `function error ${result.errorType ?? ''}: ${result.errorMessage ?? ''}` }
        : interpretAuthorizerResponse(authorizer, result.payload, routeArn);
    } catch (error) {
      decision = { outcome: 'error', reason: error instanceof IntegrationTimeout ? 'timed out' : describe(error) };
    }
    this.authorizerCache.put(authorizer.id, identity, decision, authorizer.resultTtlSeconds);
    return decision;
  }

  /** A JWT authorizer's verdict (./http-api/jwt-authorizer): the refusal to answer, or undefined and the claims kept. */
  private async authorizeJwt(routed: RoutedRequest): Promise<HttpResponse | undefined> {
    const authorizer = routed.route.jwtAuthorizer;
    if (!authorizer) {
      this.report(`route ${routed.route.routeKey} names a JWT authorizer the API does not have`);
      return jsonMessage(500, 'Internal Server Error');
    }
    const { headers } = collectHeaders(routed.request.rawHeaders);
    const query = parseQuery(routed.request.rawQueryString);
    const lookup = {
      header: (name: string) => headers[name.toLowerCase()],
      query: (name: string) => query[name]?.join(','),
      context: (name: string) => lookupPath(this.contextVariables(routed), name) as string | undefined,
      stageVariable: (name: string) => routed.stage.stageVariables[name],
    };
    // The token is the (first) identity source; a missing one is a 401 before any validation.
    const identity =
      authorizer.identitySources.length > 0 ? resolveIdentitySource(authorizer.identitySources[0], lookup) : undefined;
    if (identity === undefined) return jsonMessage(401, 'Unauthorized');
    const decision = await this.jwtVerifier.verify(authorizer, identity, routed.route.authorizationScopes ?? []);
    if (decision.outcome !== 'allow') return jwtRefusal(decision);
    routed.jwt = decision.authorization;
    return undefined;
  }

  /** `$context.*` variables, as nested objects (`$context.identity.sourceIp`). */
  private contextVariables(routed: RoutedRequest): Record<string, unknown> {
    const { headers } = collectHeaders(routed.request.rawHeaders);
    const receivedAt = routed.request.receivedAt;
    return {
      accountId: this.options.accountId,
      apiId: this.options.api.id,
      authorizer: routed.jwt ? { claims: routed.jwt.claims } : (routed.authorizerContext ?? {}),
      domainName: routed.domainName,
      domainPrefix: routed.domainName.split('.')[0],
      httpMethod: routed.request.method,
      identity: { sourceIp: routed.request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      path: routed.request.rawPath,
      protocol: routed.request.protocol,
      requestId: routed.request.requestId,
      requestTime: formatRequestTime(receivedAt),
      requestTimeEpoch: receivedAt.getTime(),
      routeKey: routed.route.routeKey,
      stage: routed.stage.name,
    };
  }

  private async integrate(
    routed: RoutedRequest,
    integration: Exclude<IntegrationDefinition, { kind: 'unsupported' }>,
  ): Promise<HttpResponse> {
    return integration.kind === 'lambda'
      ? this.invokeLambda(routed, integration.functionArn, integration.payloadFormatVersion)
      : this.putEvents(routed, integration.requestParameters);
  }

  /**
   * EventBridge-PutEvents: the request parameters become one PutEvents entry; the client receives PutEvents'
   * JSON with 200 even when the entry failed, as from AWS.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html
   */
  private async putEvents(routed: RoutedRequest, requestParameters: Record<string, string>): Promise<HttpResponse> {
    const multiHeaders: Record<string, string | string[]> = {};
    for (let i = 0; i + 1 < routed.request.rawHeaders.length; i += 2) {
      const name = routed.request.rawHeaders[i].toLowerCase();
      const existing = multiHeaders[name];
      const value = routed.request.rawHeaders[i + 1];
      multiHeaders[name] =
        existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const query = parseQuery(routed.request.rawQueryString);
    const mapped = this.options.mapParameters(requestParameters, {
      // Whole: API Gateway truncates at 100 KB only before a JSON-path selection (`$request.body.x`, done in the
      // engine); `$request.body` passes whole up to the 10 MB payload limit, and PutEvents applies its 256 KB limit.
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services.html
      body: routed.request.body.toString('utf8'),
      headers: multiHeaders,
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
      pathParameters: routed.pathParameters,
      context: this.contextVariables(routed),
      stageVariables: routed.stage.stageVariables,
      path: routed.stagePath,
    });
    const entry: PutEventsRequestEntry = {};
    const text = (key: string): string | undefined =>
      mapped[key] === undefined || mapped[key] === '' ? undefined : mapped[key];
    if (text('Source') !== undefined) entry.Source = text('Source');
    if (text('DetailType') !== undefined) entry.DetailType = text('DetailType');
    if (text('Detail') !== undefined) entry.Detail = text('Detail');
    if (text('EventBusName') !== undefined) entry.EventBusName = text('EventBusName');
    if (text('Time') !== undefined) entry.Time = text('Time');
    if (text('TraceHeader') !== undefined) entry.TraceHeader = text('TraceHeader');
    const resources = text('Resources');
    if (resources !== undefined) entry.Resources = parseList(resources);
    let result: Awaited<ReturnType<typeof this.options.eventBridge.putEvents>>;
    try {
      result = await this.options.eventBridge.putEvents({ Entries: [entry] });
    } catch (error) {
      // A request the service refuses (PutEvents over 256 KB, say) reaches the client with the service's own 4xx
      // status and error body; API Gateway does not turn an AWS service's client error into a 500
      // (github.com/serverless/serverless/issues/11486: an SQS-SendMessage integration answering 400).
      if (!(error instanceof LocalCloudError) || error.statusCode >= 500) throw error;
      const refusal = JSON.stringify({ __type: error.code, message: error.message });
      return {
        statusCode: error.statusCode,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        cookies: [],
        body: Buffer.from(refusal),
      };
    }
    const body = JSON.stringify({ Entries: result.Entries, FailedEntryCount: result.FailedEntryCount });
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body) };
  }

  /** AWS_PROXY Lambda, payload format 2.0 (request mapping and response inference in ./http-api/payload). */
  private async invokeLambda(
    routed: RoutedRequest,
    functionArn: string,
    payloadFormatVersion: string,
  ): Promise<HttpResponse> {
    if (payloadFormatVersion !== '2.0')
      throw new Error(`Lambda payload format ${payloadFormatVersion} is not emulated`);
    const event = buildV2Event(routed.request, this.v2Options(routed));
    const result = await this.options.lambda.invoke(functionArn, event);
    if (result.functionError) throw new Error(`function error ${result.errorType ?? ''}: ${result.errorMessage ?? ''}`);
    return interpretLambdaResponse(result.payload);
  }

  private report(message: string): void {
    this.options.log?.(`[${this.options.api.name}] ${message}`);
  }
}

interface AccessTrace {
  routed?: RoutedRequest;
  extra?: Record<string, unknown>;
}

/**
 * Renders an access-log format: every `$context.<name>` by its value, `-` when it has none, as API Gateway does.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
export function renderAccessLog(format: string, context: Record<string, unknown>): string {
  return format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_whole, name: string) => {
    const value = lookupPath(context, name);
    if (value === undefined || value === null || value === '' || typeof value === 'object') return '-';
    return String(value);
  });
}

function withoutVersion<T extends { version: unknown }>(event: T): Omit<T, 'version'> {
  const { version: _version, ...rest } = event;
  return rest;
}

function parseList(value: string): string[] {
  if (value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON: fall through to a comma-separated list
    }
  }
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function lookupPath(root: Record<string, unknown>, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function describe(error: unknown): string {
  return errorMessage(error);
}
