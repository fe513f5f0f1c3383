/**
 * Reads HTTP APIs (aws:apigatewayv2 Api, Stage, Route, Integration, Authorizer) out of the resource graph into
 * the plain definition the server runs. Pure: no I/O.
 */
import { GraphResource, physicalName, ResourceGraph } from '../../model/graph';
import { AuthorizerConfig } from './authorizer';
import { JwtAuthorizerConfig } from './jwt-authorizer';
import { ThrottleSettings } from './throttle';

export const HTTP_API_TYPES = {
  api: 'aws:apigatewayv2/api:Api',
  stage: 'aws:apigatewayv2/stage:Stage',
  route: 'aws:apigatewayv2/route:Route',
  integration: 'aws:apigatewayv2/integration:Integration',
  authorizer: 'aws:apigatewayv2/authorizer:Authorizer',
} as const;

/** The HTTP API quota on the integration timeout (and its default). */
export const MAX_INTEGRATION_TIMEOUT_MS = 30_000;

export type IntegrationDefinition =
  | { kind: 'eventbridge-put-events'; id: string; requestParameters: Record<string, string>; timeoutMs: number }
  | { kind: 'lambda'; id: string; functionArn: string; payloadFormatVersion: string; timeoutMs: number }
  | { kind: 'unsupported'; id: string; description: string };

export interface RouteDefinition {
  routeKey: string;
  integration?: IntegrationDefinition;
  authorizer?: AuthorizerConfig;
  /** The route's JWT authorizer (authorizationType JWT) and the scopes a token needs (one of them; none = any). */
  jwtAuthorizer?: JwtAuthorizerConfig;
  authorizationScopes?: string[];
  authorizationType: string;
}

export interface StageDefinition {
  name: string;
  stageVariables: Record<string, string>;
  defaultThrottle: ThrottleSettings;
  routeThrottle: Record<string, ThrottleSettings>;
  /** Access logging: each request rendered with `format` into the log group. */
  accessLog?: { logGroupName: string; format: string };
}

export interface ApiDefinition {
  id: string;
  name: string;
  /** The endpoint AWS would give the API (from the graph), e.g. `https://<id>.execute-api.<region>.amazonaws.com`. */
  apiEndpoint?: string;
  protocolType: string;
  stages: StageDefinition[];
  routes: RouteDefinition[];
}

/** Extracts a function ARN from a Lambda integration/authorizer URI: an invoke ARN or the function ARN itself. */
export function functionArnFromUri(uri: string): string {
  const invoke = /\/functions\/(arn:[^/]+)\/invocations$/.exec(uri);
  return invoke ? invoke[1] : uri;
}

function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function throttleOf(settings: unknown): ThrottleSettings {
  const s = (typeof settings === 'object' && settings !== null ? settings : {}) as Record<string, unknown>;
  return { burstLimit: num(s.throttlingBurstLimit), rateLimit: num(s.throttlingRateLimit) };
}

function belongsTo(resource: GraphResource, api: GraphResource): boolean {
  return resource.state.apiId === api.id;
}

function readIntegration(resource: GraphResource): IntegrationDefinition {
  const s = resource.state;
  const timeoutMs = Math.min(num(s.timeoutMilliseconds) ?? MAX_INTEGRATION_TIMEOUT_MS, MAX_INTEGRATION_TIMEOUT_MS);
  const type = String(s.integrationType ?? '');
  const subtype = typeof s.integrationSubtype === 'string' ? s.integrationSubtype : undefined;
  if (type === 'AWS_PROXY' && subtype === 'EventBridge-PutEvents') {
    return {
      kind: 'eventbridge-put-events',
      id: resource.id,
      requestParameters: stringRecord(s.requestParameters),
      timeoutMs,
    };
  }
  if (type === 'AWS_PROXY' && subtype === undefined && typeof s.integrationUri === 'string') {
    return {
      kind: 'lambda',
      id: resource.id,
      functionArn: functionArnFromUri(s.integrationUri),
      payloadFormatVersion: String(s.payloadFormatVersion ?? '2.0'),
      timeoutMs,
    };
  }
  return { kind: 'unsupported', id: resource.id, description: `${type}${subtype ? ` (${subtype})` : ''}` };
}

function readAuthorizer(resource: GraphResource): AuthorizerConfig {
  const s = resource.state;
  const identitySources = Array.isArray(s.identitySources) ? s.identitySources.map(String) : [];
  return {
    id: resource.id,
    functionArn: functionArnFromUri(String(s.authorizerUri ?? '')),
    identitySources,
    enableSimpleResponses: s.enableSimpleResponses === true,
    payloadFormatVersion: String(s.authorizerPayloadFormatVersion ?? '2.0'),
    // The provider's default TTL is 300 s when none is declared (caching needs an identity source).
    resultTtlSeconds: identitySources.length === 0 ? 0 : (num(s.authorizerResultTtlInSeconds) ?? 300),
  };
}

function readJwtAuthorizer(resource: GraphResource): JwtAuthorizerConfig {
  const s = resource.state;
  const jwt = (s.jwtConfiguration ?? {}) as { issuer?: unknown; audiences?: unknown };
  return {
    id: resource.id,
    identitySources: Array.isArray(s.identitySources) ? s.identitySources.map(String) : [],
    issuer: String(jwt.issuer ?? ''),
    audiences: Array.isArray(jwt.audiences) ? jwt.audiences.map(String) : [],
  };
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>[:*]` → `<name>`. */
export function logGroupNameOf(arn: string): string | undefined {
  const match = /:log-group:(.+?)(:\*)?$/.exec(arn);
  return match ? match[1] : undefined;
}

/** Every HTTP API in the graph, with its stages, routes, integrations and authorizers. */
export function readHttpApis(graph: ResourceGraph): ApiDefinition[] {
  return graph
    .ofType(HTTP_API_TYPES.api)
    .filter((api) => String(api.state.protocolType ?? 'HTTP') === 'HTTP')
    .map((api) => {
      const integrations = new Map(
        graph
          .ofType(HTTP_API_TYPES.integration)
          .filter((r) => belongsTo(r, api))
          .map((r) => [r.id, readIntegration(r)]),
      );
      const declared = graph.ofType(HTTP_API_TYPES.authorizer).filter((r) => belongsTo(r, api));
      const authorizers = new Map(
        declared.filter((r) => r.state.authorizerType !== 'JWT').map((r) => [r.id, readAuthorizer(r)]),
      );
      const jwtAuthorizers = new Map(
        declared.filter((r) => r.state.authorizerType === 'JWT').map((r) => [r.id, readJwtAuthorizer(r)]),
      );
      const routes = graph
        .ofType(HTTP_API_TYPES.route)
        .filter((r) => belongsTo(r, api))
        .map((r): RouteDefinition => {
          const target = typeof r.state.target === 'string' ? r.state.target : '';
          const integrationId = target.startsWith('integrations/') ? target.slice('integrations/'.length) : undefined;
          const authorizationType = String(r.state.authorizationType ?? 'NONE');
          return {
            routeKey: String(r.state.routeKey),
            integration: integrationId === undefined ? undefined : integrations.get(integrationId),
            authorizer:
              authorizationType === 'CUSTOM' && typeof r.state.authorizerId === 'string'
                ? authorizers.get(r.state.authorizerId)
                : undefined,
            jwtAuthorizer:
              authorizationType === 'JWT' && typeof r.state.authorizerId === 'string'
                ? jwtAuthorizers.get(r.state.authorizerId)
                : undefined,
            authorizationScopes: Array.isArray(r.state.authorizationScopes)
              ? r.state.authorizationScopes.map(String)
              : [],
            authorizationType,
          };
        });
      const stages = graph
        .ofType(HTTP_API_TYPES.stage)
        .filter((r) => belongsTo(r, api))
        .map((r): StageDefinition => {
          const routeThrottle: Record<string, ThrottleSettings> = {};
          for (const setting of Array.isArray(r.state.routeSettings) ? r.state.routeSettings : []) {
            if (setting && typeof setting.routeKey === 'string') routeThrottle[setting.routeKey] = throttleOf(setting);
          }
          const access = r.state.accessLogSettings;
          const logGroupName =
            typeof access?.destinationArn === 'string' ? logGroupNameOf(access.destinationArn) : undefined;
          return {
            accessLog:
              logGroupName && typeof access.format === 'string' ? { logGroupName, format: access.format } : undefined,
            name: String(r.state.name ?? r.name),
            stageVariables: stringRecord(r.state.stageVariables),
            defaultThrottle: throttleOf(r.state.defaultRouteSettings),
            routeThrottle,
          };
        });
      return {
        id: api.id,
        name: String(api.state.name ?? api.name),
        apiEndpoint: typeof api.state.apiEndpoint === 'string' ? api.state.apiEndpoint : undefined,
        protocolType: String(api.state.protocolType ?? 'HTTP'),
        stages,
        routes,
      };
    });
}

/** What of the graph's APIs is not emulated (non-HTTP APIs, unsupported integrations), as warnings. Pure. */
export function unemulatedHttpApiParts(graph: ResourceGraph, apis: ApiDefinition[]): string[] {
  const warnings = graph
    .ofType(HTTP_API_TYPES.api)
    .filter((api) => String(api.state.protocolType ?? 'HTTP') !== 'HTTP')
    .map(
      (api) => `API ${physicalName(api)}: protocol ${String(api.state.protocolType)} is not emulated (HTTP APIs only)`,
    );
  for (const api of apis) {
    for (const route of api.routes) {
      if (route.integration?.kind === 'unsupported')
        warnings.push(
          `route ${route.routeKey} of ${api.name}: integration ${route.integration.description} is not emulated (answers 500)`,
        );
    }
  }
  return warnings;
}
