/**
 * The local cloud's table of contents: runs the Pulumi program under the mocks, then starts one service per part
 * of AWS the graph uses, each from its own pure `readX(graph)` (beside the service, under services/<service>/),
 * generically, by resource type: nothing here knows what the stack is about. The contract and the layout are in
 * docs/design.md#the-local-cloud.
 *
 * Start order: graph → DynamoDB Local (bundles are written meanwhile) → logs, SQS, EventBridge → edge → Lambda →
 * HTTP API and Function URL servers (their local URLs are needed to rewrite URLs) → functions, tables, bus
 * resources, pipes. `stop()` undoes it in reverse.
 *
 * URLs: every AWS URL the graph declares (an API's endpoint, a Function URL, a queue URL) and every `urlOverrides`
 * entry maps to the local server that plays it (UrlMap); a function's environment and API destination / OAuth
 * endpoints that are, or start with, such a URL are rewritten.
 */
import * as path from 'node:path';
import { rmSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { evaluateParameterMapping } from './engine';
import { classifyResources, ResourceClassification } from './model/emulation';
import { loadStackGraph, StackGraph } from './model/load';
import { UrlMap } from './model/url-map';
import { startDynamoDbLocal } from './services/dynamodb-local';
import { readTables, tableOfStream } from './services/dynamodb-local/definition';
import { createTables, latestStreamArn } from './services/dynamodb-local/tables';
import { startEdge, toEdgeQueueUrl } from './services/edge';
import { EventBridgeService, readEventBridge } from './services/eventbridge';
import { FunctionUrlService, readFunctionUrls } from './services/function-urls';
import { HttpApiService, readHttpApis, unemulatedHttpApiParts } from './services/http-api';
import { LambdaService } from './services/lambda';
import { writeBundle } from './services/lambda/bundles';
import { readFunctions } from './services/lambda/definition';
import { destinationRouter } from './services/lambda/destinations';
import { LogSink } from './services/logs';
import { PipesService, readPipes } from './services/pipes';
import { errorMessage } from './services/shared/errors';
import { SqsService } from './services/sqs';
import { readQueues } from './services/sqs/definition';

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
  services: { sqs: SqsService; eventBridge: EventBridgeService; lambda: LambdaService; pipes: PipesService; logs: LogSink };
  stop(): Promise<void>;
}

export async function startCloud(options: CloudOptions = {}): Promise<CloudHandle> {
  const progress = options.onProgress ?? (() => undefined);
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const dataDir = path.resolve(projectDir, options.dataDir ?? '.local');
  const inMemory = options.inMemory === true;
  const stoppers = new Stoppers();
  const warnings: string[] = [];
  try {
    progress('running the Pulumi program under mocks');
    const graph = await loadStackGraph({ stack: options.stack, configOverrides: options.configOverrides, projectDir });
    const { accountId, region } = graph;
    progress(`resource graph: ${graph.resources.length} resources`);

    const dynamoStarting = startDynamoDbLocal({ inMemory, dataDir: inMemory ? undefined : path.join(dataDir, 'dynamodb'), onProgress: progress });
    dynamoStarting.catch(() => undefined);
    const buildDir = path.join(projectDir, '.local', 'build');
    const functions = readFunctions(graph).map((fn) => writeBundle(fn, buildDir, projectDir));
    progress(`wrote ${functions.length} function bundle(s) under ${path.relative(projectDir, buildDir)}`);
    const dynamo = stoppers.add('DynamoDB Local', await dynamoStarting);

    const logs = new LogSink({ dir: path.join(dataDir, 'logs'), quiet: options.logOut === null, out: options.logOut ?? undefined });
    const report = (message: string): void => logs.write({ time: new Date(), source: 'local-cloud', message });
    const warn = (message: string): void => {
      warnings.push(message);
      report(`WARNING ${message}`);
    };
    const sqs = stoppers.add('SQS', new SqsService(), (s) => s.close());
    const queues = readQueues(graph);
    for (const queue of queues) sqs.createQueue(queue);
    const urlMap = new UrlMap();
    for (const [external, local] of Object.entries(options.urlOverrides ?? {})) urlMap.add(external, local);

    // EventBridge, the edge and Lambda need one another: Lambda (which needs the edge's URL) is reached lazily.
    const late: { lambda?: LambdaService } = {};
    const lambdaLater = {
      invoke: (arn: string, payload: unknown) => started(late.lambda).invoke(arn, payload),
      invokeAsync: (arn: string, payload: unknown) => started(late.lambda).invokeAsync(arn, payload),
      find: (arnOrName: string) => late.lambda?.find(arnOrName),
    };
    const eventBridge = stoppers.add(
      'EventBridge',
      new EventBridgeService({ account: accountId, region, lambda: lambdaLater, sqs, logs, resolveUrl: (url) => urlMap.rewrite(url), archiveDir: path.join(dataDir, 'archives'), log: report }),
    );
    const edge = stoppers.add('edge', await startEdge({ port: options.edgePort ?? 4566, dynamoDbEndpoint: dynamo.endpoint, sqs, eventBridge, lambda: lambdaLater }));
    for (const queue of queues) if (queue.url) urlMap.add(queue.url, toEdgeQueueUrl(queue.url, edge.url));
    const lambda = stoppers.add('Lambda', new LambdaService({ region, endpointUrl: edge.url, logSink: logs, sqs, destinations: destinationRouter({ sqs, eventBridge, lambda: lambdaLater, warn }) }));
    late.lambda = lambda;

    // The servers listen now (their URLs are needed below) but hold requests until everything is wired.
    const gate = new Gate();
    stoppers.add('request gate', gate, (g) => g.open());
    const apis: CloudUrls['apis'] = [];
    const httpApis = readHttpApis(graph);
    unemulatedHttpApiParts(graph, httpApis).forEach(warn);
    for (const api of httpApis) {
      const writeLog = (source: string, message: string): void => logs.write({ time: new Date(), source, message });
      const service = stoppers.add(`HTTP API ${api.name}`, new HttpApiService({ api, accountId, region, lambda, eventBridge, mapParameters: evaluateParameterMapping, ready: gate.opened, log: report, writeLog }));
      const local = await service.start(apis.length === 0 ? (options.port ?? 3000) : 0);
      apis.push({ name: api.name, id: api.id, aws: api.apiEndpoint, local });
      urlMap.add(api.apiEndpoint, local);
    }
    const functionUrls: CloudUrls['functionUrls'] = [];
    for (const definition of readFunctionUrls(graph, accountId, region)) {
      const service = stoppers.add(`Function URL ${definition.name}`, new FunctionUrlService({ definition, accountId, region, lambda, ready: gate.opened, log: report }));
      const local = await service.start(0);
      functionUrls.push({ name: definition.name, functionArn: definition.functionArn, aws: definition.functionUrl, local });
      urlMap.add(definition.functionUrl, local);
    }

    for (const fn of functions) lambda.register({ ...fn, environment: urlMap.rewriteRecord(fn.environment) });
    const dynamoClient = stoppers.add('DynamoDB client', new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), (c) => c.destroy());
    const tables = readTables(graph);
    await createTables(dynamoClient, tables, progress);
    eventBridge.addAll(readEventBridge(graph), warn);

    // Pipe checkpoints live beside the tables: kept with persistent data, thrown away with an in-memory run.
    const pipesState = path.join(dataDir, inMemory ? 'in-memory-state' : 'state', 'pipes');
    if (inMemory) rmSync(pipesState, { recursive: true, force: true });
    const resolveStreamArn = async (source: string): Promise<string> => {
      const table = tableOfStream(tables, source);
      return table ? latestStreamArn(dynamoClient, table.name) : source;
    };
    const pipes = stoppers.add('Pipes', new PipesService({ endpoint: dynamo.endpoint, account: accountId, region, resolveStreamArn, eventBridge, lambda, sqs, logs, stateDir: pipesState, log: report }));
    pipes.addAll(readPipes(graph), warn);
    pipes.start();
    gate.open();

    return {
      graph,
      classification: classifyResources(graph),
      urls: { api: apis[0]?.local, apis, edge: edge.url, dynamodb: dynamo.endpoint, functionUrls },
      urlMap,
      dataDir,
      warnings,
      services: { sqs, eventBridge, lambda, pipes, logs },
      stop: () => stoppers.stopAll(),
    };
  } catch (error) {
    await stoppers.stopAll();
    throw error;
  }
}

/** What was started, stopped in reverse order; a failing stop is reported and the others still run. */
class Stoppers {
  private readonly entries: { name: string; stop: () => unknown }[] = [];

  add<T extends { stop(): unknown }>(name: string, service: T): T;
  add<T>(name: string, service: T, stop: (service: T) => unknown): T;
  add<T>(name: string, service: T, stop?: (service: T) => unknown): T {
    this.entries.push({ name, stop: () => (stop ? stop(service) : (service as { stop(): unknown }).stop()) });
    return service;
  }

  async stopAll(): Promise<void> {
    for (const { name, stop } of this.entries.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`stopping ${name} failed: ${errorMessage(error)}`);
      }
    }
  }
}

/** Holds the servers' requests until the whole cloud is wired. */
class Gate {
  open: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the Lambda service is not started yet');
  return value;
}
