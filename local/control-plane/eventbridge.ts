/**
 * EventBridge's read-only control plane (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Op>`), answered from the graph:
 * event buses (the account's `default` bus included, as on AWS), rules, targets, archives, connections and API
 * destinations. Shapes: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html
 * Connection secrets are never returned, as AWS keeps them in Secrets Manager
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeConnection.html).
 */
import { ControlPlaneError, missingMember, MUTATING_VERBS } from './errors';
import { paginate } from './pagination';
import { Input, Output, ServiceDefinition } from './service';
import {
  compact,
  ControlPlaneStack,
  epochSeconds,
  GraphResource,
  nameFromRef,
  num,
  physicalName,
  sortedOfType,
  str,
} from './stack';

const BUS = 'aws:cloudwatch/eventBus:EventBus';
const BUS_POLICY = 'aws:cloudwatch/eventBusPolicy:EventBusPolicy';
const RULE = 'aws:cloudwatch/eventRule:EventRule';
const TARGET = 'aws:cloudwatch/eventTarget:EventTarget';
const ARCHIVE = 'aws:cloudwatch/eventArchive:EventArchive';
const CONNECTION = 'aws:cloudwatch/eventConnection:EventConnection';
const API_DESTINATION = 'aws:cloudwatch/eventApiDestination:EventApiDestination';

/** Operations the edge's EventBridge data plane serves (local/services/edge): not the control plane's. */
export const EVENTBRIDGE_DATA_PLANE = [
  'PutEvents',
  'TestEventPattern',
  'StartReplay',
  'DescribeReplay',
  'ListReplays',
  'CancelReplay',
];

/** List APIs: `Limit` 1..100 (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html). */
function page<T>(all: T[], input: Input, operation: string) {
  return paginate(all, {
    token: input.NextToken,
    limit: input.Limit,
    operation,
    defaultLimit: 100,
    maxLimit: 100,
    limitMember: 'limit',
  });
}

function busName(ref: unknown): string {
  return nameFromRef(str(ref) ?? 'default', ':event-bus/');
}

interface Bus {
  name: string;
  arn: string;
  resource?: GraphResource;
}

function buses(stack: ControlPlaneStack): Bus[] {
  const declared = sortedOfType(stack.graph, BUS).map((r) => ({
    name: physicalName(r),
    arn: String(r.state.arn),
    resource: r,
  }));
  // Every account has the default bus (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus.html).
  const all = declared.some((b) => b.name === 'default')
    ? declared
    : [{ name: 'default', arn: `arn:aws:events:${stack.region}:${stack.accountId}:event-bus/default` }, ...declared];
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

function findBus(stack: ControlPlaneStack, ref: unknown): Bus {
  const name = busName(ref);
  const bus = buses(stack).find((b) => b.name === name);
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html#API_DescribeEventBus_Errors
  if (!bus) throw new ControlPlaneError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
  return bus;
}

function busPolicy(stack: ControlPlaneStack, bus: Bus): string | undefined {
  const policy = stack.graph.ofType(BUS_POLICY).find((p) => busName(p.state.eventBusName) === bus.name);
  return policy ? str(policy.state.policy) : undefined;
}

function busOutput(stack: ControlPlaneStack, bus: Bus, detailed: boolean): Output {
  const s = bus.resource?.state ?? {};
  const times = { CreationTime: epochSeconds(stack.startedAt), LastModifiedTime: epochSeconds(stack.startedAt) };
  return compact({
    Name: bus.name,
    Arn: bus.arn,
    Description: str(s.description),
    KmsKeyIdentifier: detailed ? str(s.kmsKeyIdentifier) : undefined,
    DeadLetterConfig: detailed && str(s.deadLetterConfig?.arn) ? { Arn: s.deadLetterConfig.arn } : undefined,
    Policy: busPolicy(stack, bus),
    LogConfig:
      detailed && s.logConfig
        ? compact({ IncludeDetail: str(s.logConfig.includeDetail), Level: str(s.logConfig.level) })
        : undefined,
    ...times,
  });
}

function rulesOn(stack: ControlPlaneStack, bus: Bus): GraphResource[] {
  return sortedOfType(stack.graph, RULE).filter((r) => busName(r.state.eventBusName) === bus.name);
}

function findRule(stack: ControlPlaneStack, input: Input, member: 'Name' | 'Rule'): { rule: GraphResource; bus: Bus } {
  const name = str(input[member]);
  if (!name) throw missingMember(member === 'Name' ? 'name' : 'rule');
  const bus = findBus(stack, input.EventBusName);
  const rule = rulesOn(stack, bus).find((r) => physicalName(r) === name);
  // Wording as AWS answers it, e.g. "Rule my-rule does not exist on EventBus default."
  if (!rule)
    throw new ControlPlaneError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
  return { rule, bus };
}

function ruleOutput(stack: ControlPlaneStack, rule: GraphResource, bus: Bus, detailed: boolean): Output {
  const s = rule.state;
  // Pulumi's `state` is ENABLED | DISABLED | ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS; the older isEnabled flag maps onto it.
  const state = str(s.state) ?? (s.isEnabled === false ? 'DISABLED' : 'ENABLED');
  return compact({
    Name: physicalName(rule),
    Arn: String(s.arn),
    EventPattern: str(s.eventPattern),
    ScheduleExpression: str(s.scheduleExpression),
    State: state,
    Description: str(s.description),
    RoleArn: str(s.roleArn),
    EventBusName: bus.name,
    CreatedBy: detailed ? stack.accountId : undefined,
  });
}

function targetsOf(stack: ControlPlaneStack, rule: GraphResource, bus: Bus): GraphResource[] {
  const name = physicalName(rule);
  return stack.graph
    .ofType(TARGET)
    .filter((t) => str(t.state.rule) === name && busName(t.state.eventBusName) === bus.name)
    .sort((a, b) => String(a.state.targetId).localeCompare(String(b.state.targetId)));
}

/** A Pulumi aws.cloudwatch.EventTarget as PutTargets' Target (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html). */
export function targetOutput(target: GraphResource): Output {
  const s = target.state;
  const transformer = s.inputTransformer;
  const http = s.httpTarget;
  return compact({
    Id: String(s.targetId),
    Arn: String(s.arn),
    RoleArn: str(s.roleArn),
    Input: str(s.input),
    InputPath: str(s.inputPath),
    InputTransformer: transformer
      ? compact({
          InputPathsMap: transformer.inputPaths ?? undefined,
          InputTemplate: String(transformer.inputTemplate ?? ''),
        })
      : undefined,
    HttpParameters: http
      ? compact({
          PathParameterValues: http.pathParameterValues ?? undefined,
          HeaderParameters: http.headerParameters ?? undefined,
          QueryStringParameters: http.queryStringParameters ?? undefined,
        })
      : undefined,
    SqsParameters: str(s.sqsTarget?.messageGroupId) ? { MessageGroupId: s.sqsTarget.messageGroupId } : undefined,
    KinesisParameters: str(s.kinesisTarget?.partitionKeyPath)
      ? { PartitionKeyPath: s.kinesisTarget.partitionKeyPath }
      : undefined,
    AppSyncParameters: str(s.appsyncTarget?.graphqlOperation)
      ? { GraphQLOperation: s.appsyncTarget.graphqlOperation }
      : undefined,
    DeadLetterConfig: str(s.deadLetterConfig?.arn) ? { Arn: s.deadLetterConfig.arn } : undefined,
    RetryPolicy: s.retryPolicy
      ? compact({
          MaximumRetryAttempts: num(s.retryPolicy.maximumRetryAttempts),
          MaximumEventAgeInSeconds: num(s.retryPolicy.maximumEventAgeInSeconds),
        })
      : undefined,
  });
}

function byName(stack: ControlPlaneStack, type: string, name: string | undefined): GraphResource | undefined {
  return name === undefined ? undefined : stack.graph.ofType(type).find((r) => physicalName(r) === name);
}

function withPrefix(resources: GraphResource[], prefix: unknown): GraphResource[] {
  const p = str(prefix);
  return p ? resources.filter((r) => physicalName(r).startsWith(p)) : resources;
}

function archiveOutput(stack: ControlPlaneStack, archive: GraphResource, detailed: boolean): Output {
  const s = archive.state;
  return compact({
    ArchiveArn: detailed ? String(s.arn) : undefined,
    ArchiveName: physicalName(archive),
    EventSourceArn: String(s.eventSourceArn),
    Description: detailed ? str(s.description) : undefined,
    EventPattern: detailed ? str(s.eventPattern) : undefined,
    State: 'ENABLED',
    // Retention 0 (or unset) means "keep forever" (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html).
    RetentionDays: num(s.retentionDays) ?? 0,
    // The graph does not know what the running archive holds; AWS, too, updates these counts only periodically.
    SizeBytes: 0,
    EventCount: 0,
    CreationTime: epochSeconds(stack.startedAt),
  });
}

function connectionOutput(stack: ControlPlaneStack, connection: GraphResource, detailed: boolean): Output {
  const s = connection.state;
  const time = epochSeconds(stack.startedAt);
  const summary = {
    ConnectionArn: String(s.arn),
    Name: physicalName(connection),
    Description: detailed ? str(s.description) : undefined,
    ConnectionState: 'AUTHORIZED',
    AuthorizationType: String(s.authorizationType),
    SecretArn: detailed ? str(s.secretArn) : undefined,
    AuthParameters: detailed ? connectionAuthOutput(s.authParameters ?? {}) : undefined,
    CreationTime: time,
    LastModifiedTime: time,
    LastAuthorizedTime: time,
  };
  return compact(summary);
}

/** ConnectionHttpParameters: a parameter marked secret keeps its key, never its value (as AWS). */
function httpParametersOutput(params: Record<string, unknown[] | undefined> | undefined): Output | undefined {
  if (!params) return undefined;
  const list = (entries: unknown[] | undefined) =>
    (entries ?? []).map((e) => {
      const p = e as { key?: string; value?: string; isValueSecret?: boolean };
      return compact({
        Key: p.key,
        Value: p.isValueSecret === true ? undefined : p.value,
        IsValueSecret: p.isValueSecret === true,
      });
    });
  return compact({
    HeaderParameters: params.headers ? list(params.headers) : undefined,
    QueryStringParameters: params.queryStrings ? list(params.queryStrings) : undefined,
    BodyParameters: params.bodies ? list(params.bodies) : undefined,
  });
}

/** ConnectionAuthResponseParameters: names and endpoints only; API key values, passwords and client secrets stay out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Pulumi's authParameters, free-form JSON
function connectionAuthOutput(auth: Record<string, any>): Output {
  const oauth = auth.oauth;
  return compact({
    ApiKeyAuthParameters: auth.apiKey ? { ApiKeyName: auth.apiKey.key } : undefined,
    BasicAuthParameters: auth.basic ? { Username: auth.basic.username } : undefined,
    OAuthParameters: oauth
      ? compact({
          ClientParameters: oauth.clientParameters ? { ClientID: oauth.clientParameters.clientId } : undefined,
          AuthorizationEndpoint: oauth.authorizationEndpoint,
          HttpMethod: oauth.httpMethod,
          OAuthHttpParameters: httpParametersOutput(oauth.oauthHttpParameters),
        })
      : undefined,
    InvocationHttpParameters: httpParametersOutput(auth.invocationHttpParameters),
  });
}

function apiDestinationOutput(stack: ControlPlaneStack, destination: GraphResource, detailed: boolean): Output {
  const s = destination.state;
  const time = epochSeconds(stack.startedAt);
  return compact({
    ApiDestinationArn: String(s.arn),
    Name: physicalName(destination),
    Description: detailed ? str(s.description) : undefined,
    ApiDestinationState: 'ACTIVE',
    ConnectionArn: String(s.connectionArn),
    InvocationEndpoint: String(s.invocationEndpoint),
    HttpMethod: String(s.httpMethod),
    // AWS's default rate is 300 per second (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html).
    InvocationRateLimitPerSecond: num(s.invocationRateLimitPerSecond) ?? 300,
    CreationTime: time,
    LastModifiedTime: time,
  });
}

function required(input: Input, member: string, wire: string): string {
  const value = str(input[member]);
  if (!value) throw missingMember(wire);
  return value;
}

export const EVENTBRIDGE: ServiceDefinition = {
  name: 'events',
  refuses: (operation) =>
    MUTATING_VERBS.test(operation) &&
    !EVENTBRIDGE_DATA_PLANE.includes(operation) &&
    !operation.endsWith('Replay') &&
    operation !== 'PutPartnerEvents',
  operations: {
    ListEventBuses(stack, input) {
      const prefix = str(input.NamePrefix);
      const all = buses(stack).filter((b) => !prefix || b.name.startsWith(prefix));
      const { items, next } = page(all, input, 'ListEventBuses');
      return compact({ EventBuses: items.map((b) => busOutput(stack, b, false)), NextToken: next });
    },
    DescribeEventBus(stack, input) {
      return busOutput(stack, findBus(stack, input.Name), true);
    },
    ListRules(stack, input) {
      const bus = findBus(stack, input.EventBusName);
      const { items, next } = page(withPrefix(rulesOn(stack, bus), input.NamePrefix), input, 'ListRules');
      return compact({ Rules: items.map((r) => ruleOutput(stack, r, bus, false)), NextToken: next });
    },
    DescribeRule(stack, input) {
      const { rule, bus } = findRule(stack, input, 'Name');
      return ruleOutput(stack, rule, bus, true);
    },
    ListTargetsByRule(stack, input) {
      const { rule, bus } = findRule(stack, input, 'Rule');
      const { items, next } = page(targetsOf(stack, rule, bus), input, 'ListTargetsByRule');
      return compact({ Targets: items.map(targetOutput), NextToken: next });
    },
    ListRuleNamesByTarget(stack, input) {
      const arn = required(input, 'TargetArn', 'targetArn');
      const bus = findBus(stack, input.EventBusName);
      const names = rulesOn(stack, bus)
        .filter((r) => targetsOf(stack, r, bus).some((t) => t.state.arn === arn))
        .map(physicalName);
      const { items, next } = page(names, input, 'ListRuleNamesByTarget');
      return compact({ RuleNames: items, NextToken: next });
    },
    ListArchives(stack, input) {
      const source = str(input.EventSourceArn);
      const state = str(input.State);
      const all = withPrefix(sortedOfType(stack.graph, ARCHIVE), input.NamePrefix).filter(
        (a) => (!source || a.state.eventSourceArn === source) && (!state || state === 'ENABLED'),
      );
      const { items, next } = page(all, input, 'ListArchives');
      return compact({ Archives: items.map((a) => archiveOutput(stack, a, false)), NextToken: next });
    },
    DescribeArchive(stack, input) {
      const name = required(input, 'ArchiveName', 'archiveName');
      const archive = byName(stack, ARCHIVE, name);
      if (!archive) throw new ControlPlaneError('ResourceNotFoundException', `Archive ${name} does not exist.`);
      return archiveOutput(stack, archive, true);
    },
    ListConnections(stack, input) {
      const state = str(input.ConnectionState);
      const all = withPrefix(sortedOfType(stack.graph, CONNECTION), input.NamePrefix).filter(
        () => !state || state === 'AUTHORIZED',
      );
      const { items, next } = page(all, input, 'ListConnections');
      return compact({ Connections: items.map((c) => connectionOutput(stack, c, false)), NextToken: next });
    },
    DescribeConnection(stack, input) {
      const name = required(input, 'Name', 'name');
      const connection = byName(stack, CONNECTION, name);
      if (!connection)
        throw new ControlPlaneError(
          'ResourceNotFoundException',
          `Failed to describe the connection(s). Connection '${name}' does not exist.`,
        );
      return connectionOutput(stack, connection, true);
    },
    ListApiDestinations(stack, input) {
      const connection = str(input.ConnectionArn);
      const all = withPrefix(sortedOfType(stack.graph, API_DESTINATION), input.NamePrefix).filter(
        (d) => !connection || d.state.connectionArn === connection,
      );
      const { items, next } = page(all, input, 'ListApiDestinations');
      return compact({ ApiDestinations: items.map((d) => apiDestinationOutput(stack, d, false)), NextToken: next });
    },
    DescribeApiDestination(stack, input) {
      const name = required(input, 'Name', 'name');
      const destination = byName(stack, API_DESTINATION, name);
      if (!destination)
        throw new ControlPlaneError(
          'ResourceNotFoundException',
          `Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`,
        );
      return apiDestinationOutput(stack, destination, true);
    },
  },
};
