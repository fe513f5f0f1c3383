/**
 * Which resource types the local cloud runs, and which it does not. Every resource of the graph lands in exactly
 * one group, so nothing is ignored silently: the start-up prints the not-emulated ones by type.
 */
import { GraphResource, ResourceGraph } from './graph';

/** Types the local cloud emulates, with the service that runs them. */
export const EMULATED_TYPES: Readonly<Record<string, string>> = {
  'aws:apigatewayv2/api:Api': 'HTTP API',
  'aws:apigatewayv2/stage:Stage': 'HTTP API',
  'aws:apigatewayv2/route:Route': 'HTTP API',
  'aws:apigatewayv2/integration:Integration': 'HTTP API',
  'aws:apigatewayv2/authorizer:Authorizer': 'HTTP API',
  'aws:lambda/function:Function': 'Lambda',
  'aws:lambda/functionUrl:FunctionUrl': 'Lambda',
  'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig': 'Lambda',
  'aws:dynamodb/table:Table': 'DynamoDB',
  'aws:sqs/queue:Queue': 'SQS',
  'aws:cloudwatch/eventBus:EventBus': 'EventBridge',
  'aws:cloudwatch/eventRule:EventRule': 'EventBridge',
  'aws:cloudwatch/eventTarget:EventTarget': 'EventBridge',
  'aws:cloudwatch/eventArchive:EventArchive': 'EventBridge',
  'aws:cloudwatch/eventConnection:EventConnection': 'EventBridge',
  'aws:cloudwatch/eventApiDestination:EventApiDestination': 'EventBridge',
  'aws:cloudwatch/logGroup:LogGroup': 'CloudWatch Logs',
  'aws:pipes/pipe:Pipe': 'EventBridge Pipes',
  // A user pool's issuer documents and keys (not its users or sign-in): tokens come from `npm run token`.
  'aws:cognito/userPool:UserPool': 'Cognito token issuer',
  'aws:cognito/userPoolClient:UserPoolClient': 'Cognito token issuer',
  // Random values are produced while the program runs under the mocks; the resources that use them get them.
  'random:index/randomPassword:RandomPassword': 'model',
  'random:index/randomString:RandomString': 'model',
  // A wait between creations on AWS (time provider Sleep); the local cloud builds the whole graph before serving, so
  // there is nothing to wait for.
  'time:index/sleep:Sleep': 'model',
};

/**
 * Policies and permissions the local cloud's IAM evaluation reads on every hop it checks (docs/iam.md): enforced
 * while IAM enforcement is on, inert with `--iam off`.
 */
export const IAM_ENFORCED_TYPES: Readonly<Record<string, string>> = {
  'aws:iam/role:Role': 'IAM, enforced',
  'aws:iam/rolePolicy:RolePolicy': 'IAM, enforced',
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment': 'IAM, enforced',
  'aws:iam/policy:Policy': 'IAM, enforced',
  'aws:lambda/permission:Permission': 'IAM, enforced',
  'aws:sqs/queuePolicy:QueuePolicy': 'IAM, enforced',
  'aws:cloudwatch/logResourcePolicy:LogResourcePolicy': 'IAM, enforced',
  'aws:cloudwatch/eventBusPolicy:EventBusPolicy': 'IAM, enforced',
};

/** What runs a type locally, or undefined when nothing does. */
export function emulatingService(type: string, options: { iamEnforced: boolean }): string | undefined {
  return EMULATED_TYPES[type] ?? (options.iamEnforced ? IAM_ENFORCED_TYPES[type] : undefined);
}

export interface ResourceClassification {
  /** Type → resources the local cloud runs. */
  emulated: Map<string, GraphResource[]>;
  /** Type → AWS resources it does not run (IAM, alarms, permissions, policies...). */
  notEmulated: Map<string, GraphResource[]>;
  /** Component resources: groupings of the program, nothing to run. */
  components: GraphResource[];
}

function add(map: Map<string, GraphResource[]>, resource: GraphResource): void {
  const list = map.get(resource.type);
  if (list) list.push(resource);
  else map.set(resource.type, [resource]);
}

/** A component resource is one the mocks did not give a physical id (custom: false), or a pulumi-internal type. */
function isComponent(resource: GraphResource): boolean {
  const custom = (resource as GraphResource & { custom?: boolean }).custom;
  return custom === false || resource.type.startsWith('pulumi:');
}

export function classifyResources(
  graph: ResourceGraph,
  options: { iamEnforced: boolean } = { iamEnforced: false },
): ResourceClassification {
  const result: ResourceClassification = { emulated: new Map(), notEmulated: new Map(), components: [] };
  for (const resource of graph.resources) {
    if (isComponent(resource)) result.components.push(resource);
    else if (emulatingService(resource.type, options) !== undefined) add(result.emulated, resource);
    else add(result.notEmulated, resource);
  }
  return result;
}
