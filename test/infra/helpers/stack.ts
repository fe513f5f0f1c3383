/**
 * Runs the Pulumi program (index.ts) once under the shared recording mocks and hands the tests what it declared.
 * Mocks and config are installed before the program is required, inside `jest.isolateModules`, so each load gets
 * its own copy of the program and of @pulumi/pulumi sees the mocks from the first line.
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

/** Load the program under mocks with this config (keys without namespace belong to the project). */
export async function loadStack(opts: StackMocksOptions = {}): Promise<LoadedStack> {
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
  const resources = [...mocks.resources];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return {
    mocks,
    resources,
    outputs,
    exports: exportsOf,
    mocksModule,
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
