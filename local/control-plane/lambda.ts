/**
 * Lambda's read-only control plane (REST JSON under `/2015-03-31/functions…`, `/2019-09-25/…`, `/2021-10-31/…`),
 * answered from the graph: function configuration (environment without the program's secrets), resource policy
 * from the declared permissions, Function URL and asynchronous invocation configs. Only `$LATEST` exists locally
 * (the program publishes no versions or aliases).
 * Shapes: https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html
 */
import { createHash } from 'node:crypto';
import { ControlPlaneError, MUTATING_VERBS, WRITE_METHOD } from './errors';
import { paginate } from './pagination';
import { Input, Output, ServiceDefinition } from './service';
import {
  compact,
  ControlPlaneStack,
  epochSeconds,
  GraphResource,
  num,
  physicalName,
  revealsSecret,
  sortedOfType,
  str,
} from './stack';

const FUNCTION = 'aws:lambda/function:Function';
const PERMISSION = 'aws:lambda/permission:Permission';
const FUNCTION_URL = 'aws:lambda/functionUrl:FunctionUrl';
const INVOKE_CONFIG = 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig';

/** https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html: MaxItems 1..10000, 50 per page by default. */
function page<T>(all: T[], input: Input, operation: string) {
  return paginate(all, {
    token: input.Marker,
    limit: input.MaxItems,
    operation,
    defaultLimit: 50,
    maxLimit: 10000,
    limitMember: 'maxItems',
    invalidToken: () => new ControlPlaneError('InvalidParameterValueException', 'Invalid marker.'),
  });
}

/** Name, ARN or partial ARN (`123456789012:function:name`), each with an optional `:qualifier`. */
function parseFunctionRef(ref: string): { name: string; qualifier?: string } {
  const parts = ref.split(':');
  if (ref.startsWith('arn:')) return { name: parts[6] ?? '', qualifier: parts[7] };
  if (parts.length >= 3 && parts[1] === 'function') return { name: parts[2], qualifier: parts[3] };
  return { name: parts[0], qualifier: parts[1] };
}

function notFound(stack: ControlPlaneStack, name: string, qualifier?: string): ControlPlaneError {
  // e.g. "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope" (404), as AWS answers it.
  const arn = `arn:aws:lambda:${stack.region}:${stack.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  return new ControlPlaneError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
}

function findFunction(stack: ControlPlaneStack, input: Input): GraphResource {
  const ref = str(input.FunctionName) ?? '';
  const { name, qualifier: inRef } = parseFunctionRef(ref);
  const qualifier = str(input.Qualifier) ?? inRef;
  const fn = stack.graph.ofType(FUNCTION).find((f) => physicalName(f) === name);
  if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) throw notFound(stack, name, qualifier);
  return fn;
}

/** The functions another resource refers to by `function` / `functionName` (a name or an ARN). */
function refersTo(fn: GraphResource, ref: unknown): boolean {
  return typeof ref === 'string' && ref !== '' && parseFunctionRef(ref).name === physicalName(fn);
}

/** A function's code, for CodeSize and CodeSha256: the bundle's files as the program declared them. */
function codeFiles(fn: GraphResource): [string, string][] {
  const assets = fn.state.code?.assets;
  if (!assets || typeof assets !== 'object') return [];
  return Object.entries(assets as Record<string, { text?: unknown }>)
    .filter(([, a]) => typeof a?.text === 'string')
    .map(([file, a]) => [file, a.text as string] as [string, string])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Lambda's `LastModified` format: `2024-01-01T00:00:00.000+0000`. */
function lambdaTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** The declared environment minus every variable holding a secret of the program. */
function environment(stack: ControlPlaneStack, fn: GraphResource): Output | undefined {
  const variables = fn.state.environment?.variables as Record<string, unknown> | undefined;
  if (!variables) return undefined;
  const shown = Object.fromEntries(
    Object.entries(variables)
      .filter(([, value]) => !revealsSecret(stack, value))
      .map(([k, v]) => [k, String(v)]),
  );
  return { Variables: shown };
}

export function functionConfiguration(stack: ControlPlaneStack, fn: GraphResource): Output {
  const s = fn.state;
  const files = codeFiles(fn);
  const hash = createHash('sha256');
  for (const [file, text] of files) hash.update(file).update('\0').update(text).update('\0');
  const name = physicalName(fn);
  const logging = s.loggingConfig;
  return compact({
    FunctionName: name,
    FunctionArn: String(s.arn),
    Runtime: str(s.runtime),
    Role: String(s.role),
    Handler: str(s.handler),
    CodeSize: files.reduce((n, [, text]) => n + Buffer.byteLength(text), 0),
    Description: str(s.description) ?? '',
    // Defaults as CreateFunction applies them (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
    Timeout: num(s.timeout) ?? 3,
    MemorySize: num(s.memorySize) ?? 128,
    LastModified: lambdaTime(stack.startedAt),
    CodeSha256: hash.digest('base64'),
    Version: '$LATEST',
    Environment: environment(stack, fn),
    DeadLetterConfig: str(s.deadLetterConfig?.targetArn) ? { TargetArn: s.deadLetterConfig.targetArn } : undefined,
    KMSKeyArn: str(s.kmsKeyArn),
    TracingConfig: { Mode: str(s.tracingConfig?.mode) ?? 'PassThrough' },
    RevisionId: createHash('sha256')
      .update(`${String(s.arn)}@${stack.startedAt.toISOString()}`)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: str(s.packageType) ?? 'Zip',
    Architectures: Array.isArray(s.architectures) && s.architectures.length > 0 ? s.architectures : ['x86_64'],
    EphemeralStorage: { Size: num(s.ephemeralStorage?.size) ?? 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: {
      LogFormat: str(logging?.logFormat) ?? 'Text',
      ApplicationLogLevel: str(logging?.applicationLogLevel),
      SystemLogLevel: str(logging?.systemLogLevel),
      LogGroup: str(logging?.logGroup) ?? `/aws/lambda/${name}`,
    },
  });
}

/** The resource-based policy AddPermission builds (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html). */
function policyStatement(fn: GraphResource, permission: GraphResource): Output {
  const s = permission.state;
  const principal = String(s.principal);
  const condition: Record<string, Record<string, string>> = {};
  if (str(s.sourceArn)) condition.ArnLike = { 'AWS:SourceArn': s.sourceArn };
  if (str(s.sourceAccount)) condition.StringEquals = { 'AWS:SourceAccount': s.sourceAccount };
  if (str(s.principalOrgId))
    condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': s.principalOrgId };
  if (str(s.functionUrlAuthType))
    condition.StringEquals = { ...condition.StringEquals, 'lambda:FunctionUrlAuthType': s.functionUrlAuthType };
  return compact({
    Sid: String(s.statementId ?? permission.id),
    Effect: 'Allow',
    Principal: principal.endsWith('.amazonaws.com')
      ? { Service: principal }
      : principal === '*'
        ? '*'
        : { AWS: principal },
    Action: String(s.action),
    Resource: String(fn.state.arn),
    Condition: Object.keys(condition).length > 0 ? condition : undefined,
  });
}

function invokeConfigOutput(stack: ControlPlaneStack, fn: GraphResource, config: GraphResource): Output {
  const s = config.state;
  const destination = (which: 'onSuccess' | 'onFailure') => {
    const arn = str(s.destinationConfig?.[which]?.destination);
    return arn ? { Destination: arn } : {};
  };
  return compact({
    LastModified: epochSeconds(stack.startedAt),
    FunctionArn: `${String(fn.state.arn)}:$LATEST`,
    // Defaults as AWS applies them (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html).
    MaximumRetryAttempts: num(s.maximumRetryAttempts) ?? 2,
    MaximumEventAgeInSeconds: num(s.maximumEventAgeInSeconds) ?? 21600,
    DestinationConfig: { OnSuccess: destination('onSuccess'), OnFailure: destination('onFailure') },
  });
}

function urlConfigOutput(stack: ControlPlaneStack, fn: GraphResource, url: GraphResource): Output {
  const s = url.state;
  const cors = s.cors;
  return compact({
    FunctionUrl: String(s.functionUrl),
    FunctionArn: String(fn.state.arn),
    AuthType: String(s.authorizationType),
    Cors: cors
      ? compact({
          AllowCredentials: cors.allowCredentials ?? undefined,
          AllowHeaders: cors.allowHeaders ?? undefined,
          AllowMethods: cors.allowMethods ?? undefined,
          AllowOrigins: cors.allowOrigins ?? undefined,
          ExposeHeaders: cors.exposeHeaders ?? undefined,
          MaxAge: num(cors.maxAge),
        })
      : undefined,
    CreationTime: stack.startedAt.toISOString(),
    LastModifiedTime: stack.startedAt.toISOString(),
    InvokeMode: str(s.invokeMode) ?? 'BUFFERED',
  });
}

/** AWS's answer when a function exists but the asked-for sub-resource does not. */
function noSuchResource(): ControlPlaneError {
  return new ControlPlaneError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
}

export const LAMBDA: ServiceDefinition = {
  name: 'lambda',
  refuses: (operation) => (MUTATING_VERBS.test(operation) && operation !== 'Invoke') || WRITE_METHOD.test(operation),
  operations: {
    ListFunctions(stack, input) {
      const { items, next } = page(sortedOfType(stack.graph, FUNCTION), input, 'ListFunctions');
      return compact({ Functions: items.map((f) => functionConfiguration(stack, f)), NextMarker: next });
    },
    GetFunction(stack, input) {
      const fn = findFunction(stack, input);
      const tags = fn.state.tags as Record<string, string> | undefined;
      // No Code.Location: the local cloud does not serve the deployment package for download.
      return compact({
        Configuration: functionConfiguration(stack, fn),
        Code: { RepositoryType: 'S3' },
        Tags: tags && Object.keys(tags).length > 0 ? tags : undefined,
      });
    },
    GetFunctionConfiguration(stack, input) {
      return functionConfiguration(stack, findFunction(stack, input));
    },
    ListVersionsByFunction(stack, input) {
      // Only $LATEST: the program publishes no versions locally.
      const { items, next } = page([findFunction(stack, input)], input, 'ListVersionsByFunction');
      return compact({ Versions: items.map((f) => functionConfiguration(stack, f)), NextMarker: next });
    },
    GetPolicy(stack, input) {
      const fn = findFunction(stack, input);
      const permissions = stack.graph.ofType(PERMISSION).filter((p) => refersTo(fn, p.state.function));
      if (permissions.length === 0) throw noSuchResource();
      const policy = {
        Version: '2012-10-17',
        Id: 'default',
        Statement: permissions.map((p) => policyStatement(fn, p)),
      };
      return { Policy: JSON.stringify(policy), RevisionId: String(functionConfiguration(stack, fn).RevisionId) };
    },
    GetFunctionUrlConfig(stack, input) {
      const fn = findFunction(stack, input);
      const url = stack.graph.ofType(FUNCTION_URL).find((u) => refersTo(fn, u.state.functionName));
      if (!url) throw noSuchResource();
      return urlConfigOutput(stack, fn, url);
    },
    ListFunctionUrlConfigs(stack, input) {
      const fn = findFunction(stack, input);
      const urls = stack.graph.ofType(FUNCTION_URL).filter((u) => refersTo(fn, u.state.functionName));
      const { items, next } = page(urls, input, 'ListFunctionUrlConfigs');
      return compact({ FunctionUrlConfigs: items.map((u) => urlConfigOutput(stack, fn, u)), NextMarker: next });
    },
    ListTags(stack, input) {
      const fn = findFunction(stack, { FunctionName: input.Resource });
      return { Tags: (fn.state.tags ?? {}) as Record<string, string> };
    },
    ListEventSourceMappings(_stack, input) {
      // The local cloud polls no event sources for Lambda (pipes do their own polling): the list is empty.
      const { items, next } = page([] as Output[], input, 'ListEventSourceMappings');
      return compact({ EventSourceMappings: items, NextMarker: next });
    },
    GetFunctionEventInvokeConfig(stack, input) {
      const fn = findFunction(stack, input);
      const config = stack.graph.ofType(INVOKE_CONFIG).find((c) => refersTo(fn, c.state.functionName));
      if (!config)
        throw new ControlPlaneError(
          'ResourceNotFoundException',
          `The function ${String(fn.state.arn)}:$LATEST doesn't have an EventInvokeConfig`,
          404,
        );
      return invokeConfigOutput(stack, fn, config);
    },
    ListFunctionEventInvokeConfigs(stack, input) {
      const fn = findFunction(stack, input);
      const configs = stack.graph.ofType(INVOKE_CONFIG).filter((c) => refersTo(fn, c.state.functionName));
      const { items, next } = page(configs, input, 'ListFunctionEventInvokeConfigs');
      return compact({
        FunctionEventInvokeConfigs: items.map((c) => invokeConfigOutput(stack, fn, c)),
        NextMarker: next,
      });
    },
  },
};

/** REST routes: read-only ones are served, the others are named so that the refusal names the operation. */
export const LAMBDA_ROUTES: readonly { method: string; path: string; operation: string }[] = [
  { method: 'GET', path: '/2015-03-31/functions', operation: 'ListFunctions' },
  { method: 'POST', path: '/2015-03-31/functions', operation: 'CreateFunction' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}', operation: 'GetFunction' },
  { method: 'DELETE', path: '/2015-03-31/functions/{FunctionName}', operation: 'DeleteFunction' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration', operation: 'GetFunctionConfiguration' },
  {
    method: 'PUT',
    path: '/2015-03-31/functions/{FunctionName}/configuration',
    operation: 'UpdateFunctionConfiguration',
  },
  { method: 'PUT', path: '/2015-03-31/functions/{FunctionName}/code', operation: 'UpdateFunctionCode' },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/policy', operation: 'GetPolicy' },
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/policy', operation: 'AddPermission' },
  {
    method: 'DELETE',
    path: '/2015-03-31/functions/{FunctionName}/policy/{StatementId}',
    operation: 'RemovePermission',
  },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/versions', operation: 'ListVersionsByFunction' },
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/versions', operation: 'PublishVersion' },
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/aliases', operation: 'CreateAlias' },
  { method: 'GET', path: '/2015-03-31/event-source-mappings', operation: 'ListEventSourceMappings' },
  { method: 'POST', path: '/2015-03-31/event-source-mappings', operation: 'CreateEventSourceMapping' },
  { method: 'GET', path: '/2021-10-31/functions/{FunctionName}/url', operation: 'GetFunctionUrlConfig' },
  { method: 'POST', path: '/2021-10-31/functions/{FunctionName}/url', operation: 'CreateFunctionUrlConfig' },
  { method: 'PUT', path: '/2021-10-31/functions/{FunctionName}/url', operation: 'UpdateFunctionUrlConfig' },
  { method: 'DELETE', path: '/2021-10-31/functions/{FunctionName}/url', operation: 'DeleteFunctionUrlConfig' },
  { method: 'GET', path: '/2021-10-31/functions/{FunctionName}/urls', operation: 'ListFunctionUrlConfigs' },
  {
    method: 'GET',
    path: '/2019-09-25/functions/{FunctionName}/event-invoke-config',
    operation: 'GetFunctionEventInvokeConfig',
  },
  {
    method: 'PUT',
    path: '/2019-09-25/functions/{FunctionName}/event-invoke-config',
    operation: 'PutFunctionEventInvokeConfig',
  },
  {
    method: 'POST',
    path: '/2019-09-25/functions/{FunctionName}/event-invoke-config',
    operation: 'UpdateFunctionEventInvokeConfig',
  },
  {
    method: 'DELETE',
    path: '/2019-09-25/functions/{FunctionName}/event-invoke-config',
    operation: 'DeleteFunctionEventInvokeConfig',
  },
  {
    method: 'GET',
    path: '/2019-09-25/functions/{FunctionName}/event-invoke-config/list',
    operation: 'ListFunctionEventInvokeConfigs',
  },
  { method: 'PUT', path: '/2017-10-31/functions/{FunctionName}/concurrency', operation: 'PutFunctionConcurrency' },
  { method: 'GET', path: '/2017-03-31/tags/{Resource}', operation: 'ListTags' },
  { method: 'POST', path: '/2017-03-31/tags/{Resource}', operation: 'TagResource' },
  { method: 'DELETE', path: '/2017-03-31/tags/{Resource}', operation: 'UntagResource' },
];
