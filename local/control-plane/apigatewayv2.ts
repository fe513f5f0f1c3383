/**
 * API Gateway v2's read-only control plane (REST JSON under `/v2/apis…`; members are camelCase on the wire),
 * answered from the graph: APIs, routes, integrations, stages and authorizers.
 * Shapes: https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html
 */
import { ControlPlaneError, MUTATING_VERBS } from './errors';
import { paginate } from './pagination';
import { Input, Output, ServiceDefinition } from './service';
import { compact, ControlPlaneStack, GraphResource, num, physicalName, str } from './stack';

const API = 'aws:apigatewayv2/api:Api';
const ROUTE = 'aws:apigatewayv2/route:Route';
const INTEGRATION = 'aws:apigatewayv2/integration:Integration';
const STAGE = 'aws:apigatewayv2/stage:Stage';
const AUTHORIZER = 'aws:apigatewayv2/authorizer:Authorizer';

/** Page size: `maxResults` is a string in the query; without it, everything (the CLI pages on its own anyway). */
function page<T>(all: T[], input: Input, operation: string) {
  return paginate(all, {
    token: input.NextToken,
    limit: input.MaxResults,
    operation,
    defaultLimit: 500,
    maxLimit: 500,
    limitMember: 'maxResults',
    invalidToken: () => new ControlPlaneError('BadRequestException', 'Invalid next token specified'),
  });
}

function list<T>(all: T[], input: Input, operation: string, render: (item: T) => Output): Output {
  const { items, next } = page(all, input, operation);
  return compact({ items: items.map(render), nextToken: next });
}

/**
 * As AWS words it (404): "Invalid API identifier specified 123456789012:abc" for an API, "Invalid Route identifier
 * specified xyz" (no account) for an API's parts.
 */
function invalid(stack: ControlPlaneStack, what: string, id: unknown): ControlPlaneError {
  const shown = what === 'API' ? `${stack.accountId}:${String(id ?? '')}` : String(id ?? '');
  return new ControlPlaneError('NotFoundException', `Invalid ${what} identifier specified ${shown}`, 404);
}

function findApi(stack: ControlPlaneStack, input: Input): GraphResource {
  const api = stack.graph.ofType(API).find((a) => a.id === input.ApiId);
  if (!api) throw invalid(stack, 'API', input.ApiId);
  return api;
}

function partsOf(stack: ControlPlaneStack, api: GraphResource, type: string): GraphResource[] {
  return stack.graph
    .ofType(type)
    .filter((r) => r.state.apiId === api.id)
    .sort((a, b) => a.id.localeCompare(b.id));
}

function findPart(
  stack: ControlPlaneStack,
  input: Input,
  type: string,
  member: string,
  what: string,
  key: (r: GraphResource) => string = (r) => r.id,
): GraphResource {
  const api = findApi(stack, input);
  const part = partsOf(stack, api, type).find((r) => key(r) === input[member]);
  if (!part) throw invalid(stack, what, input[member]);
  return part;
}

function apiOutput(stack: ControlPlaneStack, api: GraphResource): Output {
  const s = api.state;
  const http = String(s.protocolType ?? 'HTTP') === 'HTTP';
  return compact({
    apiId: api.id,
    name: physicalName(api),
    protocolType: String(s.protocolType ?? 'HTTP'),
    // Defaults as CreateApi applies them (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html).
    routeSelectionExpression: str(s.routeSelectionExpression) ?? (http ? '$request.method $request.path' : undefined),
    apiKeySelectionExpression: str(s.apiKeySelectionExpression) ?? '$request.header.x-api-key',
    apiEndpoint: String(s.apiEndpoint),
    apiGatewayManaged: false,
    corsConfiguration: s.corsConfiguration ? compact({ ...s.corsConfiguration }) : undefined,
    createdDate: stack.startedAt.toISOString(),
    description: str(s.description),
    disableExecuteApiEndpoint: s.disableExecuteApiEndpoint === true,
    disableSchemaValidation: s.disableSchemaValidation === true ? true : undefined,
    ipAddressType: str(s.ipAddressType) ?? 'ipv4',
    tags: s.tags ?? {},
    version: str(s.version),
  });
}

function routeOutput(route: GraphResource): Output {
  const s = route.state;
  // Pulumi lists request parameters; the API maps each key to its constraints.
  const parameters = Array.isArray(s.requestParameters)
    ? Object.fromEntries(
        (s.requestParameters as { requestParameterKey: string; required?: boolean }[]).map((p) => [
          p.requestParameterKey,
          { required: p.required === true },
        ]),
      )
    : undefined;
  return compact({
    routeId: route.id,
    routeKey: String(s.routeKey),
    apiGatewayManaged: false,
    apiKeyRequired: s.apiKeyRequired === true,
    authorizationScopes: s.authorizationScopes ?? undefined,
    authorizationType: str(s.authorizationType) ?? 'NONE',
    authorizerId: str(s.authorizerId),
    modelSelectionExpression: str(s.modelSelectionExpression),
    operationName: str(s.operationName),
    requestModels: s.requestModels ?? undefined,
    requestParameters: parameters,
    routeResponseSelectionExpression: str(s.routeResponseSelectionExpression),
    target: str(s.target),
  });
}

function integrationOutput(integration: GraphResource): Output {
  const s = integration.state;
  const responseParameters = Array.isArray(s.responseParameters)
    ? Object.fromEntries(
        (s.responseParameters as { statusCode: string; mappings: Record<string, string> }[]).map((p) => [
          p.statusCode,
          p.mappings,
        ]),
      )
    : undefined;
  return compact({
    integrationId: integration.id,
    apiGatewayManaged: false,
    connectionId: str(s.connectionId),
    connectionType: str(s.connectionType) ?? 'INTERNET',
    contentHandlingStrategy: str(s.contentHandlingStrategy),
    credentialsArn: str(s.credentialsArn),
    description: str(s.description),
    integrationMethod: str(s.integrationMethod),
    integrationResponseSelectionExpression: str(s.integrationResponseSelectionExpression),
    integrationSubtype: str(s.integrationSubtype),
    integrationType: String(s.integrationType),
    integrationUri: str(s.integrationUri),
    passthroughBehavior: str(s.passthroughBehavior),
    payloadFormatVersion: str(s.payloadFormatVersion) ?? '1.0',
    requestParameters: s.requestParameters ?? undefined,
    requestTemplates: s.requestTemplates ?? undefined,
    responseParameters,
    templateSelectionExpression: str(s.templateSelectionExpression),
    // HTTP APIs time integrations out after 30 s unless told otherwise.
    timeoutInMillis: num(s.timeoutMilliseconds) ?? 30000,
    tlsConfig: str(s.tlsConfig?.serverNameToVerify)
      ? { serverNameToVerify: s.tlsConfig.serverNameToVerify }
      : undefined,
  });
}

function routeSettings(settings: Record<string, unknown> | undefined): Output | undefined {
  if (!settings) return undefined;
  return compact({
    dataTraceEnabled: settings.dataTraceEnabled as boolean | undefined,
    detailedMetricsEnabled: settings.detailedMetricsEnabled as boolean | undefined,
    loggingLevel: str(settings.loggingLevel),
    throttlingBurstLimit: num(settings.throttlingBurstLimit),
    throttlingRateLimit: num(settings.throttlingRateLimit),
  });
}

function stageOutput(stack: ControlPlaneStack, stage: GraphResource): Output {
  const s = stage.state;
  const perRoute = Array.isArray(s.routeSettings)
    ? Object.fromEntries(
        (s.routeSettings as { routeKey: string }[]).map((r) => [
          r.routeKey,
          routeSettings(r as unknown as Record<string, unknown>),
        ]),
      )
    : undefined;
  return compact({
    stageName: String(s.name ?? stage.id),
    accessLogSettings: s.accessLogSettings
      ? compact({ destinationArn: str(s.accessLogSettings.destinationArn), format: str(s.accessLogSettings.format) })
      : undefined,
    apiGatewayManaged: false,
    autoDeploy: s.autoDeploy === true,
    clientCertificateId: str(s.clientCertificateId),
    createdDate: stack.startedAt.toISOString(),
    defaultRouteSettings: routeSettings(s.defaultRouteSettings),
    deploymentId: str(s.deploymentId),
    description: str(s.description),
    lastUpdatedDate: stack.startedAt.toISOString(),
    routeSettings: perRoute,
    stageVariables: s.stageVariables ?? undefined,
    tags: s.tags ?? {},
  });
}

function authorizerOutput(authorizer: GraphResource): Output {
  const s = authorizer.state;
  const jwt = s.jwtConfiguration;
  return compact({
    authorizerId: authorizer.id,
    name: physicalName(authorizer),
    authorizerCredentialsArn: str(s.authorizerCredentialsArn),
    authorizerPayloadFormatVersion: str(s.authorizerPayloadFormatVersion),
    authorizerResultTtlInSeconds: num(s.authorizerResultTtlInSeconds),
    authorizerType: String(s.authorizerType),
    authorizerUri: str(s.authorizerUri),
    enableSimpleResponses: typeof s.enableSimpleResponses === 'boolean' ? s.enableSimpleResponses : undefined,
    identitySource: s.identitySources ?? undefined,
    identityValidationExpression: str(s.identityValidationExpression),
    jwtConfiguration: jwt ? compact({ audience: jwt.audiences ?? undefined, issuer: str(jwt.issuer) }) : undefined,
  });
}

export const APIGATEWAYV2: ServiceDefinition = {
  name: 'apigateway',
  refuses: (operation) => MUTATING_VERBS.test(operation),
  refusalCode: 'AccessDeniedException',
  operations: {
    GetApis(stack, input) {
      const apis = stack.graph.ofType(API).sort((a, b) => physicalName(a).localeCompare(physicalName(b)));
      return list(apis, input, 'GetApis', (a) => apiOutput(stack, a));
    },
    GetApi(stack, input) {
      return apiOutput(stack, findApi(stack, input));
    },
    GetRoutes(stack, input) {
      return list(partsOf(stack, findApi(stack, input), ROUTE), input, 'GetRoutes', routeOutput);
    },
    GetRoute(stack, input) {
      return routeOutput(findPart(stack, input, ROUTE, 'RouteId', 'Route'));
    },
    GetIntegrations(stack, input) {
      return list(partsOf(stack, findApi(stack, input), INTEGRATION), input, 'GetIntegrations', integrationOutput);
    },
    GetIntegration(stack, input) {
      return integrationOutput(findPart(stack, input, INTEGRATION, 'IntegrationId', 'Integration'));
    },
    GetStages(stack, input) {
      return list(partsOf(stack, findApi(stack, input), STAGE), input, 'GetStages', (s) => stageOutput(stack, s));
    },
    GetStage(stack, input) {
      return stageOutput(
        stack,
        findPart(stack, input, STAGE, 'StageName', 'Stage', (s) => String(s.state.name ?? s.id)),
      );
    },
    GetAuthorizers(stack, input) {
      return list(partsOf(stack, findApi(stack, input), AUTHORIZER), input, 'GetAuthorizers', authorizerOutput);
    },
    GetAuthorizer(stack, input) {
      return authorizerOutput(findPart(stack, input, AUTHORIZER, 'AuthorizerId', 'Authorizer'));
    },
  },
};

/** Path segment → the singular the operation names use (`routes` → Route). */
const NOUNS: Readonly<Record<string, string>> = {
  apis: 'Api',
  routes: 'Route',
  integrations: 'Integration',
  stages: 'Stage',
  authorizers: 'Authorizer',
  deployments: 'Deployment',
  models: 'Model',
  routeresponses: 'RouteResponse',
  integrationresponses: 'IntegrationResponse',
  domainnames: 'DomainName',
  vpclinks: 'VpcLink',
  apimappings: 'ApiMapping',
  tags: 'Tag',
};

/** The REST routes: `GET /v2/apis/{ApiId}/routes/{RouteId}` → GetRoute with its path members. */
export function apiGatewayRoute(
  method: string,
  path: string,
): { operation: string; params: Record<string, string> } | undefined {
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  if (segments[0] !== 'v2' || segments.length < 2) return undefined;
  const params: Record<string, string> = {};
  const idMembers: Record<string, string> = {
    apis: 'ApiId',
    routes: 'RouteId',
    integrations: 'IntegrationId',
    stages: 'StageName',
    authorizers: 'AuthorizerId',
  };
  let noun = '';
  let single = false;
  for (let i = 1; i < segments.length; i += 2) {
    noun = segments[i];
    single = i + 1 < segments.length;
    if (single) params[idMembers[noun] ?? `${noun}Id`] = segments[i + 1];
  }
  const name = NOUNS[noun.toLowerCase()] ?? noun.charAt(0).toUpperCase() + noun.slice(1).replace(/s$/, '');
  const verbs: Record<string, string> = {
    GET: 'Get',
    POST: 'Create',
    PATCH: 'Update',
    DELETE: 'Delete',
    PUT: 'Reimport',
  };
  const verb = verbs[method] ?? method;
  const operation = method === 'GET' && !single ? `Get${name}s` : `${verb}${name}`;
  return { operation, params };
}
