/**
 * The phases of one local-cloud start-up (local/cloud.ts sequences them): each reads its service's part of the
 * graph with that service's pure reader, starts the service, registers how to stop it, and maps the AWS URLs it
 * plays to local ones. Also what every phase shares: the log sink, warnings, the URL map, the request gate.
 */
import * as path from 'node:path';
import { rmSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ControlPlane } from './control-plane';
import { ConsoleService } from './services/console';
import { evaluateParameterMapping } from './engine';
import type { StackGraph } from './model/load';
import { UrlMap } from './model/url-map';
import { IssuerRecord, LocalIssuerService, readUserPools } from './services/cognito-issuer';
import { DependencyState, superviseDynamoDbLocal, SupervisedDynamoDbLocal } from './services/dynamodb-local/supervisor';
import { readTables, TableDefinition, tableOfStream } from './services/dynamodb-local/definition';
import { createTables, latestStreamArn } from './services/dynamodb-local/tables';
import { EdgeHandle, startEdge, toEdgeQueueUrl } from './services/edge';
import { EventBridgeJournalRecord, EventBridgeService } from './services/eventbridge';
import { FunctionUrlService, readFunctionUrls } from './services/function-urls';
import { HttpApiService, readHttpApis, unemulatedHttpApiParts } from './services/http-api';
import { LambdaJournalRecord, LambdaService, LocalFunction } from './services/lambda';
import { writeBundle } from './services/lambda/bundles';
import { readFunctions } from './services/lambda/definition';
import { destinationRouter } from './services/lambda/destinations';
import { LogSink } from './services/logs';
import { FileLogStore, logGroupsFromGraph } from './services/logs/store';
import { PipesService, readPipes } from './services/pipes';
import { errorMessage } from './services/kernel/errors';
import { Journal } from './services/kernel/journal';
import type { LambdaInvoker } from './services/kernel/ports';
import { SqsJournalRecord, SqsService } from './services/sqs';
import { allowAll, IamEnforcer, IamGate } from './services/iam';
import { formatIamReport, iamReport, IamReport } from './iam';
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
  private dynamo: SupervisedDynamoDbLocal | undefined;
  private tables: { client: DynamoDBClient; tables: TableDefinition[] } | undefined;
  /** What the journals held at start-up, resumed by `resumeUnfinished` once everything is wired. */
  private readonly journaled: { eventBridge: EventBridgeJournalRecord[]; lambda: LambdaJournalRecord[] } = {
    eventBridge: [],
    lambda: [],
  };

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

  /** The first HTTP API's port (`PORT`, default 3000) and the edge's (`AWS_EDGE_PORT`, default 4566). */
  private get apiPort(): number {
    return this.options.port ?? 3000;
  }

  private get edgePort(): number {
    return this.options.edgePort ?? 4566;
  }

  /** Lets the servers' held requests through: everything is wired. */
  ready(): void {
    this.gate.open();
  }

  /**
   * DynamoDB Local under a supervisor (services/dynamodb-local/supervisor.ts): restarted on its port with its data
   * when it dies; the tables are then checked again (an in-memory run re-creates them, empty). `spawned` settles
   * once the JVM runs (or the start failed): its boot then overlaps whatever comes next.
   */
  startDynamoDb(): { spawned: Promise<void>; ready: Promise<SupervisedDynamoDbLocal> } {
    const inMemory = this.options.inMemory === true;
    let onSpawned = (): void => undefined;
    const spawned = new Promise<void>((resolve) => (onSpawned = resolve));
    const ready = superviseDynamoDbLocal({
      inMemory,
      // Given free by the user or a test, but bound only once DynamoDB Local is up: not to be handed to it meanwhile.
      avoidPorts: [this.apiPort, this.edgePort, this.options.consolePort ?? 0],
      dataDir: inMemory ? undefined : path.join(this.dataDir, 'dynamodb'),
      onProgress: this.progress,
      onSpawned,
      // Its death and return are failures worth a line on the quiet console (a warning), not only in the files.
      report: (message) => this.warn(message),
      afterRestart: async () => {
        if (this.tables) await createTables(this.tables.client, this.tables.tables, () => undefined);
      },
    });
    ready.then((dynamo) => (this.dynamo = dynamo)).catch(() => undefined); // awaited later; not unhandled meanwhile
    return {
      spawned: Promise.race([
        spawned,
        ready.then(
          () => undefined,
          () => undefined,
        ),
      ]),
      ready,
    };
  }

  /**
   * IAM (docs/iam.md#enforcement): the report of every hop's check, printed before the first request, and the gate
   * every service asks; with `iam: false` a gate that allows everything.
   */
  async startIam(graph: StackGraph): Promise<{ gate: IamGate; report?: IamReport }> {
    if (this.options.iam === false) {
      this.progress('IAM enforcement: off (--iam off): every call is allowed');
      return { gate: allowAll };
    }
    const report = await iamReport(graph);
    for (const line of formatIamReport(report).split('\n')) this.report(line);
    this.progress(
      `IAM enforcement: on (--iam off turns it off); ${report.checks.length} permission checks, ${report.denials.length} would be denied on AWS`,
    );
    return { gate: new IamEnforcer(graph, graph.accountId, graph.region, this.report), report };
  }

  writeBundles(graph: StackGraph): LocalFunction[] {
    const buildDir = path.join(this.projectDir, '.local', 'build');
    const functions = readFunctions(graph).map((fn) => writeBundle(fn, buildDir, this.projectDir));
    this.progress(`wrote ${functions.length} function bundle(s) under ${path.relative(this.projectDir, buildDir)}`);
    return functions;
  }

  /**
   * The journal of one service (services/kernel/journal.ts) under `<dataDir>/state/journal/`, and the records it
   * holds; closed last-but-one (after its service stops). With `--in-memory`, a journal that keeps nothing.
   */
  openJournal<R>(service: string): { journal: Journal<R>; records: R[] } {
    if (this.options.inMemory === true) return { journal: Journal.inMemory<R>(), records: [] };
    const file = path.join(this.dataDir, 'state', 'journal', `${service}.jsonl`);
    const { journal, records, skipped } = Journal.open<R>(file);
    if (skipped > 0) this.report(`${service} journal: ignored ${skipped} torn line(s) at its end (a crash mid-write)`);
    this.stoppers.add(`${service} journal`, journal, (j) => j.close());
    return { journal, records };
  }

  /** Queues from the graph, then their messages as the journal left them. */
  async startSqs(graph: StackGraph): Promise<SqsService> {
    const { journal, records } = this.openJournal<SqsJournalRecord>('sqs');
    const sqs = this.stoppers.add('SQS', new SqsService({ journal }), (s) => s.close());
    for (const queue of readQueues(graph)) sqs.createQueue(queue);
    const restored = await sqs.restore(records);
    if (restored > 0) this.progress(`SQS: ${restored} message(s) restored from the journal`);
    return sqs;
  }

  startEventBridge(graph: StackGraph, sqs: SqsService, lambda: LazyLambda, iam: IamGate): EventBridgeService {
    const { accountId: account, region } = graph;
    const resolveUrl = (url: string): string => this.urlMap.rewrite(url);
    const archiveDir = path.join(this.dataDir, 'archives');
    const { journal, records } = this.openJournal<EventBridgeJournalRecord>('eventbridge');
    this.journaled.eventBridge = records;
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
        iam,
        journal,
        // Replay records outlive a restart, as on AWS; `--in-memory` keeps them only for the run.
        replayFile:
          this.options.inMemory === true ? undefined : path.join(this.dataDir, 'state', 'eventbridge-replays.json'),
      }),
    );
  }

  /** CloudWatch Logs' view of the files the log sink writes, grouped by the graph's log groups. */
  logStore(graph: StackGraph): FileLogStore {
    const { region, accountId } = graph;
    return new FileLogStore(
      this.logs.dir,
      logGroupsFromGraph(graph.resources, { region, accountId, creationTime: Date.now() }),
    );
  }

  /** The edge serves the graph's queue URLs under the same path (/<account>/<name>). */
  async startEdge(
    graph: StackGraph,
    dynamoDbEndpoint: string,
    sqs: SqsService,
    eventBridge: EventBridgeService,
    lambda: LazyLambda,
    logs: FileLogStore,
    iam: IamGate,
  ): Promise<EdgeHandle> {
    // Besides the data plane: the read-only control plane from the graph, and CloudWatch Logs' read API.
    const controlPlane = new ControlPlane(graph);
    const edge = this.stoppers.add(
      'edge',
      await startEdge({
        port: this.edgePort,
        dynamoDbEndpoint,
        sqs,
        eventBridge,
        lambda,
        logs,
        controlPlane,
        iam: { gate: iam, scope: { account: graph.accountId, region: graph.region } },
        dependencies: (): Record<string, DependencyState> => (this.dynamo ? { dynamodb: this.dynamo.state() } : {}),
      }),
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
    iam: IamGate,
  ): LambdaService {
    const destinations = destinationRouter({ sqs, eventBridge, lambda, warn: this.warn });
    const { journal, records } = this.openJournal<LambdaJournalRecord>('lambda');
    this.journaled.lambda = records;
    return this.stoppers.add(
      'Lambda',
      new LambdaService({ region: graph.region, endpointUrl, logSink: this.logs, sqs, destinations, iam, journal }),
    );
  }

  /**
   * After a crash: resumes the EventBridge deliveries and Lambda async invocations the journals hold unfinished
   * (every function, rule and target is wired by now; requests are still held).
   */
  async resumeUnfinished(eventBridge: EventBridgeService, lambda: LambdaService): Promise<void> {
    const deliveries = await eventBridge.recover(this.journaled.eventBridge);
    const invocations = await lambda.recover(this.journaled.lambda);
    this.journaled.eventBridge = [];
    this.journaled.lambda = [];
    if (deliveries + invocations > 0) {
      this.report(
        `resumed from the journals: ${deliveries} EventBridge delivery(ies), ${invocations} Lambda async invocation(s)`,
      );
    }
  }

  /** The console on 127.0.0.1 (`consolePort`, default any free port): reads through the edge and the log store. */
  async startConsole(
    graph: StackGraph,
    edgeUrl: string,
    logs: FileLogStore,
    eventBridge: EventBridgeService,
  ): Promise<string> {
    const readArchive = (name: string): unknown[] => eventBridge.readArchive(name);
    const service = this.stoppers.add('console', new ConsoleService({ graph, edgeUrl, logs, readArchive }));
    return service.start(this.options.consolePort ?? 0);
  }

  /** The first API on `port`, any other on a free port. */
  async startHttpApis(
    graph: StackGraph,
    lambda: LambdaService,
    eventBridge: EventBridgeService,
    iam: IamGate,
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
        iam,
      };
      const service = this.stoppers.add(`HTTP API ${api.name}`, new HttpApiService(options));
      const local = await service.start(apis.length === 0 ? this.apiPort : 0);
      apis.push({ name: api.name, id: api.id, aws: api.apiEndpoint, local });
      this.urlMap.add(api.apiEndpoint, local);
    }
    return apis;
  }

  /** One server per Function URL (see services/function-urls for why). */
  async startFunctionUrls(graph: StackGraph, lambda: LambdaService, iam: IamGate): Promise<CloudUrls['functionUrls']> {
    const urls: CloudUrls['functionUrls'] = [];
    for (const definition of readFunctionUrls(graph, graph.accountId, graph.region)) {
      const options = {
        definition,
        accountId: graph.accountId,
        region: graph.region,
        lambda,
        ready: this.gate.opened,
        log: this.report,
        iam,
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
    const service = this.stoppers.add(
      'token issuers',
      new LocalIssuerService({ pools, keyDir, dataDir: this.dataDir }),
    );
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
    this.tables = { client, tables };
    return { client, tables };
  }

  /** Pipe checkpoints live beside the tables: kept with persistent data, thrown away with an in-memory run. */
  startPipes(
    graph: StackGraph,
    endpoint: string,
    dynamo: { client: DynamoDBClient; tables: TableDefinition[] },
    targets: { eventBridge: EventBridgeService; lambda: LambdaService; sqs: SqsService },
    iam: IamGate,
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
      iam,
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
