/**
 * EventBridge Pipes' read-only control plane (REST JSON: `GET /v1/pipes`, `GET /v1/pipes/{Name}`), answered from
 * the graph. The Pulumi inputs (camelCase) are the API's members (PascalCase) with a few spellings of their own.
 * Shapes: https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_DescribePipe.html
 */
import { ControlPlaneError, MUTATING_VERBS, WRITE_METHOD } from './errors';
import { paginate } from './pagination';
import { Output, ServiceDefinition } from './service';
import { compact, ControlPlaneStack, epochSeconds, GraphResource, physicalName, sortedOfType, str } from './stack';

const PIPE = 'aws:pipes/pipe:Pipe';

/** Pulumi member names whose API spelling is not just the capitalized name. */
const SPELLINGS: Readonly<Record<string, string>> = {
  dynamodbStreamParameters: 'DynamoDBStreamParameters',
  activemqBrokerParameters: 'ActiveMQBrokerParameters',
  rabbitmqBrokerParameters: 'RabbitMQBrokerParameters',
  eventbridgeEventBusParameters: 'EventBridgeEventBusParameters',
  cloudwatchLogsParameters: 'CloudWatchLogsParameters',
  sagemakerPipelineParameters: 'SageMakerPipelineParameters',
  pipelineParameters: 'PipelineParameterList',
  consumerGroupId: 'ConsumerGroupID',
};

/** Members whose value is a map of user keys (kept as they are). */
const MAPS = new Set(['headerParameters', 'queryStringParameters', 'parameters', 'tags']);

/** Pulumi's nested pipe parameters → the API's, recursively. */
export function toPipesMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPipesMembers);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    if (member === undefined || member === null) continue;
    const name = SPELLINGS[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
    out[name] = MAPS.has(key) ? member : toPipesMembers(member);
  }
  return out;
}

function state(pipe: GraphResource): string {
  return str(pipe.state.desiredState) ?? 'RUNNING';
}

function pipeSummary(stack: ControlPlaneStack, pipe: GraphResource): Output {
  const s = pipe.state;
  const time = epochSeconds(stack.startedAt);
  return compact({
    Name: physicalName(pipe),
    Arn: String(s.arn),
    DesiredState: state(pipe),
    CurrentState: state(pipe),
    CreationTime: time,
    LastModifiedTime: time,
    Source: String(s.source),
    Target: String(s.target),
    Enrichment: str(s.enrichment),
  });
}

export const PIPES: ServiceDefinition = {
  name: 'pipes',
  refuses: (operation) => MUTATING_VERBS.test(operation) || WRITE_METHOD.test(operation),
  refusalCode: 'AccessDeniedException',
  operations: {
    ListPipes(stack, input) {
      const filters: [string, (p: GraphResource) => string][] = [
        ['NamePrefix', physicalName],
        ['SourcePrefix', (p) => String(p.state.source)],
        ['TargetPrefix', (p) => String(p.state.target)],
      ];
      const all = sortedOfType(stack.graph, PIPE).filter(
        (p) =>
          filters.every(([member, value]) => !str(input[member]) || value(p).startsWith(String(input[member]))) &&
          (!str(input.DesiredState) || input.DesiredState === state(p)) &&
          (!str(input.CurrentState) || input.CurrentState === state(p)),
      );
      // https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_ListPipes.html: Limit 1..100.
      const { items, next } = paginate(all, {
        token: input.NextToken,
        limit: input.Limit,
        operation: 'ListPipes',
        defaultLimit: 100,
        maxLimit: 100,
        limitMember: 'limit',
      });
      return compact({ Pipes: items.map((p) => pipeSummary(stack, p)), NextToken: next });
    },
    DescribePipe(stack, input) {
      const name = String(input.Name ?? '');
      const pipe = stack.graph.ofType(PIPE).find((p) => physicalName(p) === name);
      if (!pipe) throw new ControlPlaneError('NotFoundException', `Pipe ${name} does not exist.`, 404);
      const s = pipe.state;
      return compact({
        ...pipeSummary(stack, pipe),
        Description: str(s.description),
        SourceParameters: s.sourceParameters ? toPipesMembers(s.sourceParameters) : undefined,
        EnrichmentParameters: s.enrichmentParameters ? toPipesMembers(s.enrichmentParameters) : undefined,
        TargetParameters: s.targetParameters ? toPipesMembers(s.targetParameters) : undefined,
        RoleArn: String(s.roleArn),
        Tags: s.tags ?? undefined,
        LogConfiguration: s.logConfiguration ? toPipesMembers(s.logConfiguration) : undefined,
        KmsKeyIdentifier: str(s.kmsKeyIdentifier),
      });
    },
  },
};
