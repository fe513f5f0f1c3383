/**
 * The phases of one local-cloud start-up (local/cloud.ts sequences them): each reads its service's part of the
 * graph with that service's pure reader, starts the service, registers how to stop it, and maps the AWS URLs it
 * plays to local ones. Also what every phase shares: the log sink, warnings, the URL map, the request gate.
 */
import * as path from 'node:path';
import { rmSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ControlPlane } from './control-plane';
import { evaluateParameterMapping } from './engine';
import type { StackGraph } from './model/load';
import { UrlMap } from './model/url-map';
import { IssuerRecord, LocalIssuerService, readUserPools } from './services/cognito-issuer';
import { DynamoDbLocalHandle, startDynamoDbLocal } from './services/dynamodb-local';
import { readTables, TableDefinition, tableOfStream } from './services/dynamodb-local/definition';
import { createTables, latestStreamArn } from './services/dynamodb-local/tables';
import { EdgeHandle, startEdge, toEdgeQueueUrl } from './services/edge';
import { EventBridgeService } from './services/eventbridge';
import { FunctionUrlService, readFunctionUrls } from './services/function-urls';
import { HttpApiService, readHttpApis, unemulatedHttpApiParts } from './services/http-api';
import { LambdaService, LocalFunction } from './services/lambda';
import { writeBundle } from './services/lambda/bundles';
import { readFunctions } from './services/lambda/definition';
import { destinationRouter } from './services/lambda/destinations';
import { LogSink } from './services/logs';
import { FileLogStore, logGroupsFromGraph } from './services/logs/store';
import { PipesService, readPipes } from './services/pipes';
import { errorMessage } from './services/shared/errors';
import type { LambdaInvoker } from './services/shared/ports';
import { SqsService } from './services/sqs';
import { readQueues } from './services/sqs/definition';

import type { CloudOptions, CloudUrls } from './cloud';

/** How often batched log lines reach the console and the files (services/logs). */
const LOG_FLUSH_INTERVAL_MS = 50;

export type LazyLambda = LambdaInvoker & Pick<LambdaService, 'find'>;

/** One start-up: what it has started (to stop), the URL map, the log sink, warnings; and each phase of startCloud. */
export class Wiring {
  readonly stoppers = new Stoppers();
  readonly urlMap = new UrlMap();
  readonly warnings: string[] = [];
  readonly logs: LogSink;
  readonly progress: (message: string) => void;
  private readonly gate = new Gate();

  constructor(
    private readonly options: CloudOptions,
    private readonly projectDir: string,
    readonly dataDir: string,
  ) {
    this.progress = options.onProgress ?? (() => undefined);
    this.logs = new LogSink({
      dir: path.join(dataDir, 'logs'),
      quiet: options.logOut === null,
      out: options.logOut ?? undefined,
      // Every function's every line passes through this thread: written in batches, off the request path.
      flushIntervalMs: LOG_FLUSH_INTERVAL_MS,
    });
    this.stoppers.add('log sink', this.logs, (logs) => logs.flush()); // first in, so flushed last
    for (const [external, local] of Object.entries(options.urlOverrides ?? {})) this.urlMap.add(external, local);
    this.stoppers.add('request gate', this.gate, (gate) => gate.open());
  }

  readonly report = (message: string): void => this.logs.write({ time: new Date(), source: 'local-cloud', message });

  readonly warn = (message: string): void => {
    this.warnings.push(message);
    this.report(`WARNING ${message}`);
  };

  /** Lets the servers' held requests through: everything is wired. */
  ready(): void {
    this.gate.open();
  }

  /** `spawned` settles once the JVM runs (or the start failed): its boot then overlaps whatever comes next. */
  startDynamoDb(): { spawned: Promise<void>; ready: Promise<DynamoDbLocalHandle> } {
    const inMemory = this.options.inMemory === true;
    let onSpawned = (): void => undefined;
    const spawned = new Promise<void>((resolve) => (onSpawned = resolve));
    const ready = startDynamoDbLocal({
      inMemory,
      dataDir: inMemory ? undefined : path.join(this.dataDir, 'dynamodb'),
      onProgress: this.progress,
      onSpawned,
    });
    ready.catch(() => undefined); // awaited later; a failure must not be reported as unhandled meanwhile
    return { spawned: Promise.race([spawned, ready.then(() => undefined, () => undefined)]), ready };
  }

  writeBundles(graph: StackGraph): LocalFunction[] {
    const buildDir = path.join(this.projectDir, '.local', 'build');
    const functions = readFunctions(graph).map((fn) => writeBundle(fn, buildDir, this.projectDir));
    this.progress(`wrote ${functions.length} function bundle(s) under ${path.relative(this.projectDir, buildDir)}`);
    return functions;
  }

  startSqs(graph: StackGraph): SqsService {
    const sqs = this.stoppers.add('SQS', new SqsService(), (s) => s.close());
    for (const queue of readQueues(graph)) sqs.createQueue(queue);
    return sqs;
  }

  startEventBridge(graph: StackGraph, sqs: SqsService, lambda: LazyLambda): EventBridgeService {
    const { accountId: account, region } = graph;
    const resolveUrl = (url: string): string => this.urlMap.rewrite(url);
    const archiveDir = path.join(this.dataDir, 'archives');
    return this.stoppers.add(
      'EventBridge',
      new EventBridgeService({
        account,
        region,
        lambda,
        sqs,
        logs: this.logs,
        resolveUrl,
        archiveDir,
        log: this.report,
      }),
    );
  }

  /** CloudWatch Logs' view of the files the log sink writes, grouped by the graph's log groups. */
  logStore(graph: StackGraph): FileLogStore {
    const { region, accountId } = graph;
    return new FileLogStore(this.logs.dir, logGroupsFromGraph(graph.resources, { region, accountId, creationTime: Date.now() }));
  }

  /** The edge serves the graph's queue URLs under the same path (/<account>/<name>). */
  async startEdge(
    graph: StackGraph,
    dynamoDbEndpoint: string,
    sqs: SqsService,
    eventBridge: EventBridgeService,
    lambda: LazyLambda,
    logs: FileLogStore,
  ): Promise<EdgeHandle> {
    // Besides the data plane: the read-only control plane from the graph, and CloudWatch Logs' read API.
    const controlPlane = new ControlPlane(graph);
    const edge = this.stoppers.add(
      'edge',
      await startEdge({ port: this.options.edgePort ?? 4566, dynamoDbEndpoint, sqs, eventBridge, lambda, logs, controlPlane }),
    );
    for (const queue of readQueues(graph))
      if (queue.url) this.urlMap.add(queue.url, toEdgeQueueUrl(queue.url, edge.url));
    return edge;
  }

  startLambda(
    graph: StackGraph,
    endpointUrl: string,
    sqs: SqsService,
    eventBridge: EventBridgeService,
    lambda: LazyLambda,
  ): LambdaService {
    const destinations = destinationRouter({ sqs, eventBridge, lambda, warn: this.warn });
    return this.stoppers.add(
      'Lambda',
      new LambdaService({ region: graph.region, endpointUrl, logSink: this.logs, sqs, destinations }),
    );
  }

  /** The first API on `port`, any other on a free port. */
  async startHttpApis(
    graph: StackGraph,
    lambda: LambdaService,
    eventBridge: EventBridgeService,
  ): Promise<CloudUrls['apis']> {
    const apis: CloudUrls['apis'] = [];
    const definitions = readHttpApis(graph);
    unemulatedHttpApiParts(graph, definitions).forEach(this.warn);
    const writeLog = (source: string, message: string): void => this.logs.write({ time: new Date(), source, message });
    for (const api of definitions) {
      const options = {
        api,
        accountId: graph.accountId,
        region: graph.region,
        lambda,
        eventBridge,
        mapParameters: evaluateParameterMapping,
        ready: this.gate.opened,
        log: this.report,
        writeLog,
        resolveUrl: (url: string) => this.urlMap.rewrite(url),
      };
      const service = this.stoppers.add(`HTTP API ${api.name}`, new HttpApiService(options));
      const local = await service.start(apis.length === 0 ? (this.options.port ?? 3000) : 0);
      apis.push({ name: api.name, id: api.id, aws: api.apiEndpoint, local });
      this.urlMap.add(api.apiEndpoint, local);
    }
    return apis;
  }

  /** One server per Function URL (see services/function-urls for why). */
  async startFunctionUrls(graph: StackGraph, lambda: LambdaService): Promise<CloudUrls['functionUrls']> {
    const urls: CloudUrls['functionUrls'] = [];
    for (const definition of readFunctionUrls(graph, graph.accountId, graph.region)) {
      const options = {
        definition,
        accountId: graph.accountId,
        region: graph.region,
        lambda,
        ready: this.gate.opened,
        log: this.report,
      };
      const service = this.stoppers.add(`Function URL ${definition.name}`, new FunctionUrlService(options));
      const local = await service.start(0);
      urls.push({ name: definition.name, functionArn: definition.functionArn, aws: definition.functionUrl, local });
      this.urlMap.add(definition.functionUrl, local);
    }
    return urls;
  }

  /** Cognito user pools as token issuers (services/cognito-issuer.ts): keys beside the other state. */
  async startTokenIssuers(graph: StackGraph): Promise<IssuerRecord[]> {
    const pools = readUserPools(graph);
    if (pools.length === 0) return [];
    const inMemory = this.options.inMemory === true;
    const keyDir = path.join(this.dataDir, inMemory ? 'in-memory-state' : 'state', 'cognito');
    if (inMemory) rmSync(keyDir, { recursive: true, force: true });
    const service = this.stoppers.add('token issuers', new LocalIssuerService({ pools, keyDir, dataDir: this.dataDir }));
    const issuers = await service.start(0);
    for (const issuer of issuers) this.urlMap.add(issuer.issuer, issuer.local);
    return issuers;
  }

  /** Tables that already exist are kept (persistent state). Returns a client the pipes use to find streams. */
  async createTables(
    graph: StackGraph,
    endpoint: string,
  ): Promise<{ client: DynamoDBClient; tables: TableDefinition[] }> {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const client = this.stoppers.add(
      'DynamoDB client',
      new DynamoDBClient({ endpoint, region: graph.region, credentials }),
      (c) => c.destroy(),
    );
    const tables = readTables(graph);
    await createTables(client, tables, this.progress);
    return { client, tables };
  }

  /** Pipe checkpoints live beside the tables: kept with persistent data, thrown away with an in-memory run. */
  startPipes(
    graph: StackGraph,
    endpoint: string,
    dynamo: { client: DynamoDBClient; tables: TableDefinition[] },
    targets: { eventBridge: EventBridgeService; lambda: LambdaService; sqs: SqsService },
  ): PipesService {
    const inMemory = this.options.inMemory === true;
    const stateDir = path.join(this.dataDir, inMemory ? 'in-memory-state' : 'state', 'pipes');
    if (inMemory) rmSync(stateDir, { recursive: true, force: true });
    const resolveStreamArn = async (source: string): Promise<string> => {
      const table = tableOfStream(dynamo.tables, source);
      return table ? latestStreamArn(dynamo.client, table.name) : source;
    };
    const options = {
      endpoint,
      account: graph.accountId,
      region: graph.region,
      resolveStreamArn,
      ...targets,
      logs: this.logs,
      stateDir,
      log: this.report,
    };
    const pipes = this.stoppers.add('Pipes', new PipesService(options));
    pipes.addAll(readPipes(graph), this.warn);
    pipes.start();
    return pipes;
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

  has(name: string): boolean {
    return this.entries.some((entry) => entry.name === name);
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

export function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the Lambda service is not started yet');
  return value;
}
