/**
 * The local cloud's wiring: runs the Pulumi program under the mocks, then builds every service from the resource
 * graph, generically, by resource type. Nothing here knows what the stack is about: a table is created because
 * the graph declares an aws:dynamodb/table:Table, a route is served because it declares an
 * aws:apigatewayv2/route:Route.
 *
 * Start order: graph → DynamoDB Local (bundles written meanwhile) → log sink, SQS queues, EventBridge → edge →
 * Lambda service → HTTP API and Function URL servers (their local URLs are needed to rewrite URLs) → functions,
 * tables, bus resources, pipes. `stop()` undoes it in reverse, DynamoDB Local included.
 *
 * URLs: every AWS URL the graph declares is mapped to the local server that plays it (UrlMap), and any string in a
 * function's environment, or an API destination / OAuth endpoint, that is or starts with such a URL is rewritten:
 * - an HTTP API's `apiEndpoint` → its local base URL (the first API on PORT);
 * - a Function URL's `functionUrl` → its own local server (see function-urls.ts);
 * - a queue's `url` (`https://sqs.<region>.amazonaws.com/<account>/<name>`) → the edge's `<edge>/<account>/<name>`,
 *   the form the edge itself hands out;
 * - `urlOverrides` (cli `--map-url`): external URLs played by local servers for a run.
 * Where this differs from AWS on purpose: bundles live under the project's `.local/build` (see writeBundles).
  */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { evaluateParameterMapping } from './engine';
import { archiveFiles } from './model/assets';
import { classifyResources, ResourceClassification } from './model/emulation';
import { GraphResource, physicalName } from './model/graph';
import { loadStackGraph, StackGraph } from './model/load';
import { createTableInput, TABLE_TYPE, timeToLiveInput } from './model/tables';
import { UrlMap } from './model/url-map';
import { startDynamoDbLocal, DynamoDbLocalHandle } from './services/dynamodb-local';
import { EdgeHandle, startEdge, toEdgeQueueUrl } from './services/edge';
import { EventBridgeService } from './services/eventbridge';
import { FunctionUrlService, readFunctionUrls } from './services/function-urls';
import { HttpApiService, readHttpApis } from './services/http-api';
import { DestinationSender, eventBridgeDestinationEntry, InvocationRecord, LambdaService, LocalFunction } from './services/lambda';
import { LogSink } from './services/logs';
import { PipeDefinition, PipesService } from './services/pipes';
import { SqsService } from './services/sqs';
import { errorMessage } from './services/shared/errors';

export interface CloudOptions {
  /** Stack whose Pulumi.<stack>.yaml is read (default `dev`). */
  stack?: string;
  /** `--config key=value` overrides. */
  configOverrides?: Record<string, string>;
  /** Where Pulumi.yaml lives (default: the current directory). */
  projectDir?: string;
  /** Where state, bundles and logs go (default `.local` under the project). */
  dataDir?: string;
  /** Keep DynamoDB data in memory only (a throwaway run). */
  inMemory?: boolean;
  /** The HTTP API's port (default 3000; 0 = a free port). */
  port?: number;
  /** The AWS edge's port (default 4566; 0 = a free port). */
  edgePort?: number;
  /**
   * External URLs served by local servers for this run (external URL prefix → local URL), e.g. an HTTPS endpoint
   * a stack calls out to, played by a server on 127.0.0.1. Applied like the graph's own URLs: function
   * environments, API destination and OAuth endpoints.
   */
  urlOverrides?: Record<string, string>;
  /** Start-up progress lines. */
  onProgress?: (message: string) => void;
  /** Where log lines go besides the files (default console.log); `null` keeps them in the files only. */
  logOut?: ((line: string) => void) | null;
}

export interface CloudUrls {
  /** The first HTTP API's base URL (served on `port`). */
  api?: string;
  apis: { name: string; id: string; aws?: string; local: string }[];
  edge: string;
  dynamodb: string;
  functionUrls: { name: string; functionArn: string; aws: string; local: string }[];
}

export interface CloudHandle {
  graph: StackGraph;
  classification: ResourceClassification;
  urls: CloudUrls;
  urlMap: UrlMap;
  dataDir: string;
  /** Problems met while wiring (a resource that could not be emulated as declared); also logged. */
  warnings: string[];
  services: {
    sqs: SqsService;
    eventBridge: EventBridgeService;
    lambda: LambdaService;
    pipes: PipesService;
    logs: LogSink;
  };
  stop(): Promise<void>;
}

/** The source name of the local cloud's own log lines. */
const CLOUD_LOG_SOURCE = 'local-cloud';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** SQS attributes from aws:sqs/queue:Queue inputs (Pulumi names → SetQueueAttributes names). */
function queueAttributes(queue: GraphResource): Record<string, string> {
  const s = queue.state;
  const pairs: [string, unknown][] = [
    ['VisibilityTimeout', s.visibilityTimeoutSeconds],
    ['MessageRetentionPeriod', s.messageRetentionSeconds],
    ['DelaySeconds', s.delaySeconds],
    ['MaximumMessageSize', s.maxMessageSize],
    ['ReceiveMessageWaitTimeSeconds', s.receiveWaitTimeSeconds],
    ['RedrivePolicy', s.redrivePolicy],
    ['Policy', s.policy],
  ];
  return Object.fromEntries(pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** Resolves a function given by name or ARN (as other resources reference it) to its graph resource. */
function functionByRef(graph: StackGraph, ref: string): GraphResource | undefined {
  const functions = graph.ofType('aws:lambda/function:Function');
  // `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`
  const bare = ref.startsWith('arn:') ? ref.split(':').slice(0, 7).join(':') : ref;
  return functions.find((f) => f.state.arn === ref || f.state.arn === bare || physicalName(f) === ref || f.name === ref);
}

export async function startCloud(options: CloudOptions = {}): Promise<CloudHandle> {
  const progress = options.onProgress ?? (() => undefined);
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const dataDir = path.resolve(projectDir, options.dataDir ?? '.local');
  const stoppers: { name: string; stop: () => Promise<void> | void }[] = [];
  const warnings: string[] = [];

  const stopAll = async (): Promise<void> => {
    for (const { name, stop } of stoppers.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`stopping ${name} failed: ${errorMessage(error)}`);
      }
    }
  };

  try {
    progress('running the Pulumi program under mocks');
    const graph = await loadStackGraph({ stack: options.stack, configOverrides: options.configOverrides, projectDir });
    const classification = classifyResources(graph);
    const { accountId, region } = graph;
    progress(`resource graph: ${graph.resources.length} resources`);

    // DynamoDB Local boots (seconds) while the bundles are written.
    const dynamoStart = startDynamoDbLocal({
      inMemory: options.inMemory === true,
      dataDir: options.inMemory === true ? undefined : path.join(dataDir, 'dynamodb'),
      onProgress: progress,
    });
    dynamoStart.catch(() => undefined);
    // Bundles are build output, not state: always under the project's .local/build, because a bundle leaves
    // `@aws-sdk/*` to the Lambda runtime, and locally the runtime's SDK is the project's node_modules, which Node
    // resolves from there.
    const buildDir = path.join(projectDir, '.local', 'build');
    const bundles = writeBundles(graph, buildDir, projectDir);
    progress(`wrote ${bundles.size} function bundle(s) under ${path.relative(projectDir, buildDir)}`);
    const dynamo: DynamoDbLocalHandle = await dynamoStart;
    stoppers.push({ name: 'DynamoDB Local', stop: () => dynamo.stop() });

    const logs = new LogSink({ dir: path.join(dataDir, 'logs'), quiet: options.logOut === null, out: options.logOut ?? undefined });
    const report = (message: string): void => logs.write({ time: new Date(), source: CLOUD_LOG_SOURCE, message });
    const warn = (message: string): void => {
      warnings.push(message);
      report(`WARNING ${message}`);
    };

    // SQS: every queue of the graph, with its declared name, ARN and URL.
    const sqs = new SqsService();
    stoppers.push({ name: 'SQS', stop: () => sqs.close() });
    for (const queue of graph.ofType('aws:sqs/queue:Queue')) {
      sqs.createQueue({ name: physicalName(queue), arn: String(queue.state.arn), url: String(queue.state.url), attributes: queueAttributes(queue) });
    }

    const urlMap = new UrlMap();
    for (const [external, local] of Object.entries(options.urlOverrides ?? {})) urlMap.add(external, local);
    // EventBridge, the edge and Lambda need one another; Lambda (which needs the edge's URL) is reached lazily.
    const late: { lambda?: LambdaService } = {};
    const lazyLambda = {
      invoke: (arn: string, payload: unknown) => requireStarted(late.lambda).invoke(arn, payload),
      invokeAsync: (arn: string, payload: unknown) => requireStarted(late.lambda).invokeAsync(arn, payload),
      find: (arnOrName: string) => late.lambda?.find(arnOrName),
    };
    const eventBridge = new EventBridgeService({
      account: accountId,
      region,
      lambda: lazyLambda,
      sqs,
      logs,
      resolveUrl: (url) => urlMap.rewrite(url),
      archiveDir: path.join(dataDir, 'archives'),
      log: report,
    });
    stoppers.push({ name: 'EventBridge', stop: () => eventBridge.stop() });

    // The edge: AWS wire protocols for the SDKs and the CLI (Lambda Invoke included), and the handlers' AWS_ENDPOINT_URL.
    const edge: EdgeHandle = await startEdge({ port: options.edgePort ?? 4566, dynamoDbEndpoint: dynamo.endpoint, sqs, eventBridge, lambda: lazyLambda });
    stoppers.push({ name: 'edge', stop: () => edge.stop() });
    // Queue URLs the graph declares are served by the edge under the same path (/<account>/<name>).
    for (const queue of graph.ofType('aws:sqs/queue:Queue')) {
      const url = str(queue.state.url);
      if (url) urlMap.add(url, toEdgeQueueUrl(url, edge.url));
    }

    const lambda = new LambdaService({
      region,
      endpointUrl: edge.url,
      logSink: logs,
      sqs,
      destinations: destinationSender({ sqs, eventBridge, lambda: lazyLambda, warn }),
    });
    late.lambda = lambda;
    stoppers.push({ name: 'Lambda', stop: () => lambda.stop() });

    // The servers listen now (their URLs are needed below) but hold requests until everything is wired.
    const gate: { open?: () => void } = {};
    const ready = new Promise<void>((resolve) => (gate.open = resolve));
    stoppers.push({ name: 'request gate', stop: () => gate.open?.() });
    // HTTP APIs: the first on `port`, any other on a free port.
    const apis: CloudUrls['apis'] = [];
    let first = true;
    for (const api of graph.ofType('aws:apigatewayv2/api:Api').filter((a) => String(a.state.protocolType ?? 'HTTP') !== 'HTTP')) {
      warn(`API ${physicalName(api)}: protocol ${String(api.state.protocolType)} is not emulated (HTTP APIs only)`);
    }
    for (const api of readHttpApis(graph)) {
      for (const route of api.routes) {
        if (route.integration?.kind === 'unsupported') warn(`route ${route.routeKey} of ${api.name}: integration ${route.integration.description} is not emulated (answers 500)`);
      }
      const service = new HttpApiService({ api, accountId, region, lambda, eventBridge, mapParameters: evaluateParameterMapping, ready, log: report, writeLog: (source, message) => logs.write({ time: new Date(), source, message }) });
      const local = await service.start(first ? (options.port ?? 3000) : 0);
      first = false;
      stoppers.push({ name: `HTTP API ${api.name}`, stop: () => service.stop() });
      apis.push({ name: api.name, id: api.id, aws: api.apiEndpoint, local });
      urlMap.add(api.apiEndpoint, local);
    }
    // Function URLs: one server each (see function-urls.ts for why).
    const functionUrls: CloudUrls['functionUrls'] = [];
    for (const definition of readFunctionUrls(graph, accountId, region)) {
      const service = new FunctionUrlService({ definition, accountId, region, lambda, ready, log: report });
      const local = await service.start(0);
      stoppers.push({ name: `Function URL ${definition.name}`, stop: () => service.stop() });
      functionUrls.push({ name: definition.name, functionArn: definition.functionArn, aws: definition.functionUrl, local });
      urlMap.add(definition.functionUrl, local);
    }

    // Lambda functions.
    for (const fn of graph.ofType('aws:lambda/function:Function')) {
      const bundlePath = bundles.get(fn.urn);
      if (!bundlePath) continue;
      lambda.register(localFunction(graph, fn, bundlePath, urlMap));
    }

    // DynamoDB tables (kept when they already exist: persistent state).
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    stoppers.push({ name: 'DynamoDB client', stop: () => dynamoClient.destroy() });
    for (const table of graph.ofType(TABLE_TYPE)) await createTable(dynamoClient, table, progress);

    // EventBridge: buses, connections, API destinations, rules, targets, archives.
    wireEventBridge(graph, eventBridge, warn);

    // Pipes, with their stream sources resolved to DynamoDB Local's stream ARNs. Checkpoints live beside the
    // tables: kept with persistent data, thrown away with an in-memory run.
    const pipesState = path.join(dataDir, options.inMemory === true ? 'in-memory-state' : 'state', 'pipes');
    if (options.inMemory === true) rmSync(pipesState, { recursive: true, force: true });
    const pipes = new PipesService({
      endpoint: dynamo.endpoint,
      account: accountId,
      region,
      resolveStreamArn: (source) => resolvePipeSource(graph, dynamoClient, source),
      eventBridge,
      lambda,
      sqs,
      logs,
      stateDir: pipesState,
      log: report,
    });
    stoppers.push({ name: 'Pipes', stop: () => pipes.stop() });
    for (const pipe of graph.ofType('aws:pipes/pipe:Pipe')) {
      try {
        pipes.addPipe({ ...(pipe.state as PipeDefinition), name: physicalName(pipe), arn: str(pipe.state.arn), source: String(pipe.state.source ?? '') });
      } catch (error) {
        warn(`pipe ${physicalName(pipe)} not emulated: ${errorMessage(error)}`);
      }
    }
    pipes.start();

    gate.open?.();

    const urls: CloudUrls = { api: apis[0]?.local, apis, edge: edge.url, dynamodb: dynamo.endpoint, functionUrls };
    let stopped = false;
    return {
      graph,
      classification,
      urls,
      urlMap,
      dataDir,
      warnings,
      services: { sqs, eventBridge, lambda, pipes, logs },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function requireStarted<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the Lambda service is not started yet');
  return value;
}

/**
 * Where Lambda sends asynchronous invocation records and dead letters, by the destination ARN's service:
 * SQS (the record as the body; DLQ attributes as message attributes), an EventBridge bus (the record as the
 * detail of a `lambda` event), another function (asynchronously). Others (SNS) are reported, not delivered.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
function destinationSender(deps: {
  sqs: SqsService;
  eventBridge: EventBridgeService;
  lambda: { invokeAsync(arn: string, payload: unknown): Promise<unknown> };
  warn: (message: string) => void;
}): DestinationSender {
  return {
    async send(arn, message, attributes) {
      const service = arn.split(':')[2];
      if (service === 'sqs') {
        deps.sqs.sendMessage(arn, JSON.stringify(message), attributes);
      } else if (service === 'events') {
        await deps.eventBridge.putEvents({ Entries: [eventBridgeDestinationEntry(message as InvocationRecord, arn)] });
      } else if (service === 'lambda') {
        await deps.lambda.invokeAsync(arn, message);
      } else {
        deps.warn(`Lambda destination ${arn}: this service is not emulated; the record was dropped`);
      }
    },
  };
}

/** The brief's name for it. */
export const start = startCloud;

/** Writes each function's bundle to <buildDir>/<function name>/ and returns urn → path of the handler's file. */
function writeBundles(graph: StackGraph, buildDir: string, projectDir: string): Map<string, string> {
  const written = new Map<string, string>();
  for (const fn of graph.ofType('aws:lambda/function:Function')) {
    const name = physicalName(fn);
    const files = archiveFiles(fn.state.code, projectDir);
    const dir = path.join(buildDir, name);
    for (const [file, text] of Object.entries(files)) {
      const target = path.join(dir, file);
      mkdirSync(path.dirname(target), { recursive: true });
      // Write-then-rename: another local cloud of the same project may be loading this very file.
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, target);
    }
    // `index.handler` → index.js (the module part of the handler setting).
    const handler = String(fn.state.handler ?? 'index.handler');
    const moduleName = handler.slice(0, handler.lastIndexOf('.'));
    const candidates = [`${moduleName}.js`, `${moduleName}.cjs`, `${moduleName}.mjs`];
    const entry = candidates.find((c) => c in files) ?? candidates[0];
    written.set(fn.urn, path.join(dir, entry));
  }
  return written;
}

function localFunction(graph: StackGraph, fn: GraphResource, bundlePath: string, urlMap: UrlMap): LocalFunction {
  const s = fn.state;
  const declared: Record<string, string> = {};
  for (const [k, v] of Object.entries((s.environment?.variables ?? {}) as Record<string, unknown>)) declared[k] = String(v);
  const name = physicalName(fn);
  const invokeConfig = graph
    .ofType('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig')
    .find((c) => functionByRef(graph, String(c.state.functionName ?? '')) === fn);
  const handler = String(s.handler ?? 'index.handler');
  return {
    name,
    arn: String(s.arn),
    bundlePath,
    handler: `${path.basename(bundlePath).replace(/\.(c|m)?js$/, '')}${handler.slice(handler.lastIndexOf('.'))}`,
    // Declared variables with the AWS URLs the graph knows rewritten to local ones (the Lambda service adds the
    // reserved variables and AWS_ENDPOINT_URL, the edge).
    environment: urlMap.rewriteRecord(declared),
    timeoutSeconds: num(s.timeout) ?? 3,
    memoryMb: num(s.memorySize) ?? 128,
    runtime: String(s.runtime ?? 'nodejs20.x'),
    asyncConfig: invokeConfig
      ? {
          maximumRetryAttempts: num(invokeConfig.state.maximumRetryAttempts) ?? 2,
          maximumEventAgeInSeconds: num(invokeConfig.state.maximumEventAgeInSeconds) ?? 21600,
          onFailureArn: str(invokeConfig.state.destinationConfig?.onFailure?.destination),
          onSuccessArn: str(invokeConfig.state.destinationConfig?.onSuccess?.destination),
        }
      : undefined,
    deadLetterTargetArn: str(s.deadLetterConfig?.targetArn),
  };
}

async function createTable(client: DynamoDBClient, table: GraphResource, progress: (m: string) => void): Promise<void> {
  const input = createTableInput(table);
  try {
    await client.send(new CreateTableCommand(input));
    progress(`created table ${input.TableName}`);
    const ttl = timeToLiveInput(table);
    if (ttl) await client.send(new UpdateTimeToLiveCommand(ttl));
  } catch (error) {
    if (error instanceof ResourceInUseException) {
      progress(`table ${input.TableName} exists (kept)`);
      return;
    }
    throw error;
  }
}

/** A pipe's source as declared (the graph's stream ARN) → the stream ARN DynamoDB Local actually serves. */
async function resolvePipeSource(graph: StackGraph, client: DynamoDBClient, source: string): Promise<string> {
  const table = graph.ofType(TABLE_TYPE).find((t) => t.state.streamArn === source || (source.startsWith(`${t.state.arn}/stream/`) && t.state.arn));
  if (!table) return source;
  const described = await client.send(new DescribeTableCommand({ TableName: physicalName(table) }));
  const latest = described.Table?.LatestStreamArn;
  if (!latest) throw new Error(`table ${physicalName(table)} has no stream in DynamoDB Local`);
  return latest;
}

function wireEventBridge(graph: StackGraph, eventBridge: EventBridgeService, warn: (m: string) => void): void {
  const attempt = (what: string, action: () => void): void => {
    try {
      action();
    } catch (error) {
      warn(`${what} not emulated: ${errorMessage(error)}`);
    }
  };
  for (const bus of graph.ofType('aws:cloudwatch/eventBus:EventBus')) {
    attempt(`event bus ${physicalName(bus)}`, () => eventBridge.addBus({ ...bus.state, name: physicalName(bus), arn: str(bus.state.arn) }));
  }
  for (const connection of graph.ofType('aws:cloudwatch/eventConnection:EventConnection')) {
    attempt(`connection ${physicalName(connection)}`, () =>
      eventBridge.addConnection({ ...(connection.state as Parameters<EventBridgeService['addConnection']>[0]), name: physicalName(connection) }),
    );
  }
  for (const destination of graph.ofType('aws:cloudwatch/eventApiDestination:EventApiDestination')) {
    attempt(`API destination ${physicalName(destination)}`, () =>
      eventBridge.addApiDestination({ ...(destination.state as Parameters<EventBridgeService['addApiDestination']>[0]), name: physicalName(destination) }),
    );
  }
  for (const rule of graph.ofType('aws:cloudwatch/eventRule:EventRule')) {
    attempt(`rule ${physicalName(rule)}`, () => eventBridge.addRule({ ...rule.state, name: physicalName(rule) }));
  }
  for (const target of graph.ofType('aws:cloudwatch/eventTarget:EventTarget')) {
    attempt(`target ${target.name}`, () => eventBridge.addTarget(target.state as Parameters<EventBridgeService['addTarget']>[0]));
  }
  for (const archive of graph.ofType('aws:cloudwatch/eventArchive:EventArchive')) {
    attempt(`archive ${physicalName(archive)}`, () =>
      eventBridge.addArchive({ ...(archive.state as Parameters<EventBridgeService['addArchive']>[0]), name: physicalName(archive) }),
    );
  }
}
