/**
 * Runs the Pulumi program (index.ts) under the shared recording mocks and hands the tests what it declared.
 * Mocks and config are installed before the program is required, inside `jest.isolateModules`, so each load gets
 * its own copy of the program and of @pulumi/pulumi sees the mocks from the first line.
 *
 * The program is deterministic, so one run per jest worker and configuration is enough: the run is kept in the
 * worker's cache (test/worker-cache-environment.ts) and every later loadStack with the same options, from any test
 * file of that worker, gets a fresh copy of the recorded graph (parsed from JSON into its own realm, so a test that
 * changed its copy changes nobody else's, and `toEqual` sees its own Arrays and Objects).
 */
import type { RecordedResource, RecordingMocks, StackMocksOptions } from '../../../local/model/pulumi-mocks';

type MocksModule = typeof import('../../../local/model/pulumi-mocks');

export interface LoadedStack {
  mocks: RecordingMocks;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** The program's exports (Outputs), for secret checks. */
  exports: Record<string, unknown>;
  ofType(type: string): RecordedResource[];
  /** The one resource of this type and logical name (throws when absent). */
  get(type: string, name: string): RecordedResource;
  /** Resources whose parent chain includes the named component. */
  childrenOf(urn: string): RecordedResource[];
  byUrn(urn: string): RecordedResource | undefined;
  mocksModule: MocksModule;
}

/** One run of the program, as the worker keeps it. The exports and mocks are live objects of the first test file. */
interface ProgramRun {
  /** `{ resources, outputs }` as JSON. */
  recorded: string;
  exports: Record<string, unknown>;
  mocks: RecordingMocks;
  mocksModule: MocksModule;
}

/** The same options give the same key whatever order their keys were written in. */
function optionsKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(optionsKey).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${optionsKey(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function workerCache(): Map<string, ProgramRun> | undefined {
  return (globalThis as { __workerCache?: Map<string, unknown> }).__workerCache as Map<string, ProgramRun> | undefined;
}

/** Load the program under mocks with this config (keys without namespace belong to the project). */
export async function loadStack(opts: StackMocksOptions = {}): Promise<LoadedStack> {
  const cache = workerCache();
  const key = `stack:${optionsKey(opts)}`;
  let run = cache?.get(key);
  if (!run) {
    run = await runProgram(opts);
    cache?.set(key, run);
  }
  return loadedStack(run);
}

async function runProgram(opts: StackMocksOptions): Promise<ProgramRun> {
  let mocksModule: MocksModule | undefined;
  let mocks: RecordingMocks | undefined;
  let exportsOf: Record<string, unknown> = {};
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the mocks must be installed before the program is imported
    mocksModule = require('../../../local/model/pulumi-mocks') as MocksModule;
    mocks = mocksModule.setStackMocks({ stack: 'dev', ...opts });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program runs on import, under the mocks
    exportsOf = require('../../../index') as Record<string, unknown>;
  });
  if (!mocksModule || !mocks) throw new Error('the mocks module did not load');
  const outputs = await mocksModule.resolveOutputs(exportsOf);
  await mocksModule.settle();
  return { recorded: JSON.stringify({ resources: mocks.resources, outputs }), exports: exportsOf, mocks, mocksModule };
}

function loadedStack(run: ProgramRun): LoadedStack {
  const { resources, outputs } = JSON.parse(run.recorded) as {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
  };
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return {
    mocks: run.mocks,
    resources,
    outputs,
    exports: run.exports,
    mocksModule: run.mocksModule,
    ofType: (type) => resources.filter((r) => r.type === type),
    get: (type, name) => {
      const found = resources.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
      return found[0];
    },
    childrenOf: (urn) =>
      resources.filter((r) => {
        for (let p = r.parent; p; p = byUrn.get(p)?.parent) if (p === urn) return true;
        return false;
      }),
    byUrn: (urn) => byUrn.get(urn),
  };
}

/** Types of the AWS resources the tests look at. */
export const T = {
  api: 'aws:apigatewayv2/api:Api',
  stage: 'aws:apigatewayv2/stage:Stage',
  integration: 'aws:apigatewayv2/integration:Integration',
  route: 'aws:apigatewayv2/route:Route',
  authorizer: 'aws:apigatewayv2/authorizer:Authorizer',
  function: 'aws:lambda/function:Function',
  permission: 'aws:lambda/permission:Permission',
  invokeConfig: 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig',
  functionUrl: 'aws:lambda/functionUrl:FunctionUrl',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  logResourcePolicy: 'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  bus: 'aws:cloudwatch/eventBus:EventBus',
  rule: 'aws:cloudwatch/eventRule:EventRule',
  target: 'aws:cloudwatch/eventTarget:EventTarget',
  archive: 'aws:cloudwatch/eventArchive:EventArchive',
  connection: 'aws:cloudwatch/eventConnection:EventConnection',
  apiDestination: 'aws:cloudwatch/eventApiDestination:EventApiDestination',
  queue: 'aws:sqs/queue:Queue',
  queuePolicy: 'aws:sqs/queuePolicy:QueuePolicy',
  topicPolicy: 'aws:sns/topicPolicy:TopicPolicy',
  table: 'aws:dynamodb/table:Table',
  pipe: 'aws:pipes/pipe:Pipe',
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  rolePolicyAttachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  randomPassword: 'random:index/randomPassword:RandomPassword',
} as const;
