/**
 * The local cloud's table of contents: runs the Pulumi program under the mocks, then starts one service per part
 * of AWS the graph uses, each from its own pure `readX(graph)` (beside the service, under services/<service>/),
 * generically, by resource type: nothing here knows what the stack is about. The contract and the layout are in
 * docs/design.md#the-local-cloud.
 *
 * Start order: DynamoDB Local boots (a JVM: the longest phase) while the program runs under mocks and esbuild
 * bundles the handlers, and while the bundles are written → logs, SQS, EventBridge → edge → Lambda →
 * HTTP API and Function URL servers (their local URLs are needed to rewrite URLs) → functions, tables, bus
 * resources, pipes → work the journals hold unfinished (services/kernel/journal.ts). `stop()` undoes it in reverse.
 *
 * URLs: every AWS URL the graph declares (an API's endpoint, a Function URL, a queue URL) and every `urlOverrides`
 * entry maps to the local server that plays it (UrlMap); a function's environment and API destination / OAuth
 * endpoints that are, or start with, such a URL are rewritten.
 */
import * as path from 'node:path';
import { classifyResources, ResourceClassification } from './model/emulation';
import type { StackGraph } from './model/load';
import { LocalSecretStore } from './model/local-secrets';
import { UrlMap } from './model/url-map';
import { EventBridgeService, readEventBridge } from './services/eventbridge';
import { LambdaService } from './services/lambda';
import type { IssuerRecord } from './services/cognito-issuer';
import { LogSink } from './services/logs';
import type { FileLogStore } from './services/logs/store';
import { PipesService } from './services/pipes';
import { SqsService } from './services/sqs';
import type { IamReport } from './iam';
import { started, Wiring } from './wiring';

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
  /** The console's port on 127.0.0.1 (default 0: any free port). */
  consolePort?: number;
  /** Start-up progress lines. */
  onProgress?: (message: string) => void;
  /** Where log lines go besides the files (default console.log); `null` keeps them in the files only. */
  logOut?: ((line: string) => void) | null;
  /** Enforce IAM as AWS does (default true; the CLI's `--iam off` sets false). docs/iam.md#enforcement */
  iam?: boolean;
  /**
   * Tests only: change the loaded graph before any service starts (one IAM mutation of the real stack, say).
   * Pulumi's own transforms do not run under the mocks (test/local/iam/graph-edits.ts says why), so the edit is
   * made where the local cloud reads the stack; the CLI has no way to set it.
   */
  editGraph?: (graph: StackGraph) => StackGraph;
}

export interface CloudUrls {
  /** The local console (services/console). */
  console?: string;
  /** The first HTTP API's base URL (served on `port`). */
  api?: string;
  apis: { name: string; id: string; aws?: string; local: string }[];
  edge: string;
  dynamodb: string;
  functionUrls: { name: string; functionArn: string; aws: string; local: string }[];
  /** Token issuers (Cognito user pools) and where their documents are served. */
  issuers?: IssuerRecord[];
}

export interface CloudHandle {
  graph: StackGraph;
  /** IAM enforcement: on or off, and the start-up report (when on). */
  iam: { enabled: boolean; report?: IamReport };
  classification: ResourceClassification;
  urls: CloudUrls;
  urlMap: UrlMap;
  dataDir: string;
  /** The secrets this cloud made up (kept in the data dir, or in memory with `inMemory`). */
  secrets: LocalSecretStore;
  /** Problems met while wiring (a resource that could not be emulated as declared); also logged. */
  warnings: string[];
  services: {
    sqs: SqsService;
    eventBridge: EventBridgeService;
    lambda: LambdaService;
    pipes: PipesService;
    logs: LogSink;
    /** CloudWatch Logs' view of the logs (what the edge's Logs API serves). */
    logStore: FileLogStore;
  };
  stop(): Promise<void>;
}

export async function startCloud(options: CloudOptions = {}): Promise<CloudHandle> {
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const wiring = new Wiring(options, projectDir, path.resolve(projectDir, options.dataDir ?? '.local'));
  const began = performance.now();
  const since = (start: number): string => `${Math.round(performance.now() - start)} ms`;
  // Needs nothing from the graph: boots (seconds, in its own process) while the program runs and bundles.
  const { spawned, ready: dynamoStarting } = wiring.startDynamoDb();
  let dynamoReadyAfter = '';
  void dynamoStarting.then(
    () => (dynamoReadyAfter = since(began)),
    () => undefined,
  );
  // The program run below blocks this thread for seconds: let the JVM be spawned first (port, process: ms).
  await spawned;
  try {
    wiring.progress('running the Pulumi program under mocks, DynamoDB Local booting meanwhile');
    // Made-up secrets are random per data dir (kept there), or per run with --in-memory (model/local-secrets.ts).
    const secrets = options.inMemory === true ? new LocalSecretStore() : LocalSecretStore.inDataDir(wiring.dataDir);
    // Loaded here, not at the top: @pulumi/pulumi alone takes about 0.7 s to load, which DynamoDB Local's boot,
    // spawned above, now overlaps.
    const { loadStackGraph } = await import('./model/load');
    const loaded = await loadStackGraph({
      stack: options.stack,
      configOverrides: options.configOverrides,
      projectDir,
      secrets,
    });
    const graph = options.editGraph ? options.editGraph(loaded) : loaded;
    wiring.progress(`resource graph: ${graph.resources.length} resources (program run and bundling: ${since(began)})`);
    const iam = await wiring.startIam(graph); // the report is printed before the first request is served
    const writing = performance.now();
    const functions = wiring.writeBundles(graph);
    wiring.progress(`bundles written: ${since(writing)}`);
    const dynamo = wiring.stoppers.add('DynamoDB Local', await dynamoStarting);
    wiring.progress(`DynamoDB Local ready: ${dynamoReadyAfter || since(began)} after start`);
    const wiringStarted = performance.now();
    const sqs = await wiring.startSqs(graph); // messages as the journal left them
    const late: { lambda?: LambdaService } = {}; // EventBridge and the edge reach Lambda, which needs the edge's URL
    const lambdaLater = {
      invoke: (arn: string, payload: unknown) => started(late.lambda).invoke(arn, payload),
      invokeAsync: (arn: string, payload: unknown) => started(late.lambda).invokeAsync(arn, payload),
      find: (arnOrName: string) => late.lambda?.find(arnOrName),
    };
    const eventBridge = wiring.startEventBridge(graph, sqs, lambdaLater, iam.gate);
    const logStore = wiring.logStore(graph); // CloudWatch Logs' read API over the log files
    const edge = await wiring.startEdge(graph, dynamo.endpoint, sqs, eventBridge, lambdaLater, logStore, iam.gate);
    const lambda = (late.lambda = wiring.startLambda(graph, edge.url, sqs, eventBridge, lambdaLater, iam.gate));
    const apis = await wiring.startHttpApis(graph, lambda, eventBridge, iam.gate); // listening, requests held until ready
    const functionUrls = await wiring.startFunctionUrls(graph, lambda, iam.gate);
    // Together: a fresh data dir's issuer keys are generated on libuv's pool while DynamoDB Local creates the tables.
    const [issuers, tables] = await Promise.all([
      wiring.startTokenIssuers(graph), // Cognito user pools as local token issuers
      wiring.createTables(graph, dynamo.endpoint), // kept when they exist
    ]);
    for (const fn of functions) lambda.register({ ...fn, environment: wiring.urlMap.rewriteRecord(fn.environment) });
    eventBridge.addAll(readEventBridge(graph), wiring.warn);
    const pipes = wiring.startPipes(graph, dynamo.endpoint, tables, { eventBridge, lambda, sqs }, iam.gate);
    await wiring.resumeUnfinished(eventBridge, lambda); // what a crash left unfinished (journals)
    const consoleUrl = await wiring.startConsole(graph, edge.url, logStore, eventBridge);
    wiring.ready();
    wiring.progress(`services wired: ${since(wiringStarted)}; started in ${since(began)}`);
    return {
      graph,
      iam: { enabled: iam.gate.enabled, report: iam.report },
      classification: classifyResources(graph, { iamEnforced: iam.gate.enabled }),
      urls: {
        console: consoleUrl,
        api: apis[0]?.local,
        apis,
        edge: edge.url,
        dynamodb: dynamo.endpoint,
        functionUrls,
        issuers,
      },
      urlMap: wiring.urlMap,
      dataDir: wiring.dataDir,
      secrets,
      warnings: wiring.warnings,
      services: { sqs, eventBridge, lambda, pipes, logs: wiring.logs, logStore },
      stop: () => wiring.stoppers.stopAll(),
    };
  } catch (error) {
    // Not registered yet if the program failed first: then the DynamoDB Local booted meanwhile is stopped here.
    const dynamoRegistered = wiring.stoppers.has('DynamoDB Local');
    await wiring.stoppers.stopAll();
    if (!dynamoRegistered)
      await dynamoStarting.then(
        (dynamo) => dynamo.stop(),
        () => undefined,
      );
    throw error;
  }
}
