/**
 * Every service-to-service call the local cloud performs for a resource graph, as IAM checks: who calls (a role
 * session or a service principal), which action on which resource, with the request context the service really
 * sends (request-context.ts), and how AWS fails when the check denies. Pure: graph in, checks out.
 */
import type { GraphResource, ResourceGraph } from '../model/graph';
import { Caller, Request } from './evaluate';
import { HttpApiErrors, eventBridgeErrorCode } from './messages';
import { IamModel, IamProblem, findFunction } from './model';
import { contextFromFact, factById } from './request-context';

export interface Check {
  /** What happens, in words (names the resources involved). */
  hop: string;
  /** The row of the request-context table the request was built from, when a service calls. */
  fact?: string;
  request: Request;
  /** How AWS fails when this check denies. */
  failure: string;
  /** The graph resource whose behaviour this is (a target, an integration, a pipe...). */
  urn: string;
}

const T = {
  api: 'aws:apigatewayv2/api:Api',
  stage: 'aws:apigatewayv2/stage:Stage',
  integration: 'aws:apigatewayv2/integration:Integration',
  route: 'aws:apigatewayv2/route:Route',
  authorizer: 'aws:apigatewayv2/authorizer:Authorizer',
  function: 'aws:lambda/function:Function',
  functionUrl: 'aws:lambda/functionUrl:FunctionUrl',
  invokeConfig: 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig',
  rule: 'aws:cloudwatch/eventRule:EventRule',
  target: 'aws:cloudwatch/eventTarget:EventTarget',
  pipe: 'aws:pipes/pipe:Pipe',
} as const;

/**
 * The session name a service uses for a role's session. Lambda names the session after the function
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html); for the other services the name
 * is AWS's own and opaque, so the local cloud uses the service's name.
 */
function roleCaller(roleArn: string, sessionName: string): Caller {
  return { type: 'role', roleArn, sessionName };
}

function service(name: string): Caller {
  return { type: 'service', service: name };
}

/** The action a role or service needs to deliver to an ARN (a target, a destination, a DLQ). */
export function deliveryAction(arn: string): string | undefined {
  const svc = arn.split(':')[2];
  if (svc === 'sqs') return 'sqs:SendMessage';
  if (svc === 'sns') return 'sns:Publish';
  if (svc === 'lambda') return 'lambda:InvokeFunction';
  if (svc === 'events' && arn.includes(':event-bus/')) return 'events:PutEvents';
  if (svc === 'events' && arn.includes(':api-destination/')) return 'events:InvokeApiDestination';
  if (svc === 'states') return 'states:StartExecution';
  if (svc === 'kinesis') return 'kinesis:PutRecord';
  return undefined;
}

interface Ctx {
  graph: ResourceGraph;
  model: IamModel;
  checks: Check[];
  problems: IamProblem[];
}

function busArn(model: IamModel, nameOrArn: unknown): string {
  const ref = typeof nameOrArn === 'string' && nameOrArn !== '' ? nameOrArn : 'default';
  return ref.startsWith('arn:')
    ? ref
    : `arn:${model.partition}:events:${model.region}:${model.account}:event-bus/${ref}`;
}

function assumeCheck(
  ctx: Ctx,
  hop: string,
  factId: string,
  roleArn: string,
  sourceArn: string | undefined,
  failure: string,
  urn: string,
): void {
  const fact = factById(factId);
  ctx.checks.push({
    hop: `${hop}: ${fact.principal} assumes ${roleArn}`,
    fact: factId,
    request: {
      caller: service(fact.principal),
      action: 'sts:AssumeRole',
      resource: roleArn,
      context: contextFromFact(fact, { account: ctx.model.account, sourceArn }),
    },
    failure,
    urn,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP API

/** `GET /orders/{id}` → method and a concrete path as a request would carry it (`{id}` → `id`). */
function routeRequest(routeKey: string): { method: string; path: string } {
  if (routeKey === '$default') return { method: 'GET', path: '/' };
  const [method, path] = routeKey.split(' ');
  // API Gateway puts the request's actual method and path in the source ARN; a parameter stands for any segment.
  return { method: method === 'ANY' ? 'GET' : method, path: path.replace(/\{([^}+]+)\+?\}/g, '$1') };
}

function httpApiChecks(ctx: Ctx): void {
  const { graph, model } = ctx;
  for (const route of graph.ofType(T.route)) {
    const integrationId = /^integrations\/(.+)$/.exec(String(route.state.target ?? ''))?.[1];
    const integration = integrationId ? graph.ofType(T.integration).find((i) => i.id === integrationId) : undefined;
    if (!integration) continue;
    const api = graph.ofType(T.api).find((a) => a.id === route.state.apiId);
    const stage = graph.ofType(T.stage).find((s) => s.state.apiId === route.state.apiId);
    const executionArn = String(
      api?.state.executionArn ??
        `arn:${model.partition}:execute-api:${model.region}:${model.account}:${String(route.state.apiId)}`,
    );
    const routeKey = String(route.state.routeKey);
    const { method, path } = routeRequest(routeKey);
    const credentials = integration.state.credentialsArn as string | undefined;
    const subtype = integration.state.integrationSubtype as string | undefined;
    const hop = `HTTP API route ${routeKey}`;
    if (credentials) {
      assumeCheck(
        ctx,
        hop,
        'apigateway-assume-integration-role',
        credentials,
        undefined,
        `client 500 Internal Server Error; access log integrationError: ${HttpApiErrors.assumeIntegrationRole}`,
        integration.urn,
      );
    }
    if (subtype === 'EventBridge-PutEvents') {
      if (!credentials) continue;
      const bus = busArn(model, (integration.state.requestParameters ?? {}).EventBusName);
      ctx.checks.push({
        hop: `${hop}: the integration puts events on ${bus}`,
        request: { caller: roleCaller(credentials, 'apigateway'), action: 'events:PutEvents', resource: bus },
        failure:
          "PutEvents is refused with AccessDeniedException: the client gets the integration's error response and no event id",
        urn: integration.urn,
      });
    } else if (subtype) {
      ctx.problems.push({
        resource: integration.urn,
        message: `${hop}: integration subtype ${subtype} is not checked`,
      });
    } else if (
      typeof integration.state.integrationUri === 'string' &&
      integration.state.integrationUri.includes(':lambda:')
    ) {
      const fnArn = lambdaArnOf(integration.state.integrationUri);
      const stageName = String(stage?.state.name ?? '$default');
      const sourceArn = `${executionArn}/${stageName}/${method}${path}`;
      if (credentials) {
        ctx.checks.push({
          hop: `${hop}: the integration role invokes ${fnArn}`,
          request: { caller: roleCaller(credentials, 'apigateway'), action: 'lambda:InvokeFunction', resource: fnArn },
          failure: `client 500 Internal Server Error; access log integrationError: ${HttpApiErrors.invokeIntegration}`,
          urn: integration.urn,
        });
      } else {
        const fact = factById('apigateway-invoke-lambda-route');
        ctx.checks.push({
          hop: `${hop}: API Gateway invokes ${fnArn}`,
          fact: fact.id,
          request: {
            caller: service(fact.principal),
            action: 'lambda:InvokeFunction',
            resource: fnArn,
            context: contextFromFact(fact, { account: model.account, sourceArn }),
          },
          failure: `client 500 Internal Server Error; access log integrationError: ${HttpApiErrors.invokeIntegration}`,
          urn: integration.urn,
        });
      }
    }
  }
  for (const authorizer of graph.ofType(T.authorizer)) {
    const uri = authorizer.state.authorizerUri;
    if (typeof uri !== 'string' || !uri.includes(':lambda:')) continue;
    const fnArn = lambdaArnOf(uri);
    const api = graph.ofType(T.api).find((a) => a.id === authorizer.state.apiId);
    const sourceArn = `${String(api?.state.executionArn)}/authorizers/${authorizer.id}`;
    const failure = `client 500 Internal Server Error; access log authorizerError: ${HttpApiErrors.invokeAuthorizer}`;
    const credentials = authorizer.state.authorizerCredentialsArn as string | undefined;
    if (credentials) {
      assumeCheck(
        ctx,
        `HTTP API authorizer ${String(authorizer.state.name)}`,
        'apigateway-assume-integration-role',
        credentials,
        undefined,
        failure,
        authorizer.urn,
      );
      ctx.checks.push({
        hop: `HTTP API authorizer: the role invokes ${fnArn}`,
        request: { caller: roleCaller(credentials, 'apigateway'), action: 'lambda:InvokeFunction', resource: fnArn },
        failure,
        urn: authorizer.urn,
      });
      continue;
    }
    const fact = factById('apigateway-invoke-lambda-authorizer');
    ctx.checks.push({
      hop: `HTTP API authorizer ${String(authorizer.state.name)}: API Gateway invokes ${fnArn}`,
      fact: fact.id,
      request: {
        caller: service(fact.principal),
        action: 'lambda:InvokeFunction',
        resource: fnArn,
        context: contextFromFact(fact, { account: model.account, sourceArn }),
      },
      failure,
      urn: authorizer.urn,
    });
  }
}

/** `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FN_ARN/invocations` or a plain function ARN. */
function lambdaArnOf(uri: string): string {
  const m = /functions\/(arn:[^/]+)\/invocations/.exec(uri);
  return m ? m[1] : uri;
}

// ---------------------------------------------------------------------------------------------------------------
// EventBridge rules and targets

function eventBridgeChecks(ctx: Ctx): void {
  const { graph, model } = ctx;
  for (const target of graph.ofType(T.target)) {
    const busName = String(target.state.eventBusName ?? 'default');
    const rule = graph
      .ofType(T.rule)
      .find((r) => r.state.name === target.state.rule && String(r.state.eventBusName ?? 'default') === busName);
    if (!rule) {
      ctx.problems.push({
        resource: target.urn,
        message: `target ${target.name}: its rule ${String(target.state.rule)} is not in the graph`,
      });
      continue;
    }
    const ruleArn = String(rule.state.arn);
    const arn = String(target.state.arn);
    const roleArn = target.state.roleArn as string | undefined;
    const hop = `rule ${ruleArn} → target ${arn}`;
    const failed = (code: 'assumeRole' | 'invoke') =>
      `FailedInvocations; not retried; dead-lettered to ${String(target.state.deadLetterConfig?.arn ?? '(no DLQ: dropped)')} with ERROR_CODE ${eventBridgeErrorCode(code)}`;
    const hopValues = { account: model.account, sourceArn: ruleArn };
    if (/^arn:[^:]+:logs:/.test(arn)) {
      // EventBridge writes log targets through the CloudWatch Logs resource policy only (a RoleArn is rejected).
      const stream = `${arn}:log-stream:${'eventbridge'}`;
      for (const [action, factId] of [
        ['logs:CreateLogStream', 'events-logs-create-stream'],
        ['logs:PutLogEvents', 'events-logs-put-events'],
      ] as const) {
        const fact = factById(factId);
        ctx.checks.push({
          hop: `${hop}: ${action}`,
          fact: factId,
          request: {
            caller: service(fact.principal),
            action,
            resource: stream,
            context: contextFromFact(fact, hopValues),
          },
          failure: failed('invoke'),
          urn: target.urn,
        });
      }
    } else if (roleArn) {
      assumeCheck(ctx, hop, 'events-assume-target-role', roleArn, ruleArn, failed('assumeRole'), target.urn);
      const action = deliveryAction(arn);
      if (action)
        ctx.checks.push({
          hop: `${hop}: the target role calls ${action}`,
          request: { caller: roleCaller(roleArn, 'events'), action, resource: arn },
          failure: failed('invoke'),
          urn: target.urn,
        });
      else ctx.problems.push({ resource: target.urn, message: `${hop}: target type not checked` });
    } else if (arn.includes(':api-destination/') || arn.includes(':event-bus/')) {
      ctx.problems.push({
        resource: target.urn,
        message: `${hop}: EventBridge needs a RoleArn to call ${arn} (PutTargets refuses the target without one)`,
      });
    } else if (/^arn:[^:]+:lambda:/.test(arn)) {
      const fact = factById('events-invoke-lambda');
      ctx.checks.push({
        hop: `${hop}: lambda:InvokeFunction`,
        fact: fact.id,
        request: {
          caller: service(fact.principal),
          action: 'lambda:InvokeFunction',
          resource: arn,
          context: contextFromFact(fact, hopValues),
        },
        failure: failed('invoke'),
        urn: target.urn,
      });
    } else if (/^arn:[^:]+:sqs:/.test(arn)) {
      const fact = factById('events-send-sqs');
      ctx.checks.push({
        hop: `${hop}: sqs:SendMessage`,
        fact: fact.id,
        request: {
          caller: service(fact.principal),
          action: 'sqs:SendMessage',
          resource: arn,
          context: contextFromFact(fact, hopValues),
        },
        failure: failed('invoke'),
        urn: target.urn,
      });
    } else {
      ctx.problems.push({ resource: target.urn, message: `${hop}: target type not checked` });
    }
    const dlq = target.state.deadLetterConfig?.arn as string | undefined;
    if (dlq) {
      const fact = factById('events-send-sqs');
      ctx.checks.push({
        hop: `rule ${ruleArn} → dead-letter queue ${dlq}`,
        fact: fact.id,
        request: {
          caller: service(fact.principal),
          action: 'sqs:SendMessage',
          resource: dlq,
          context: contextFromFact(fact, hopValues),
        },
        failure: 'the dead letter is dropped; InvocationsFailedToBeSentToDlq',
        urn: target.urn,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pipes

/** What a pipe's role must be allowed to do to read its source (resource-level actions only). */
function sourceReadActions(source: string): string[] {
  if (/^arn:[^:]+:dynamodb:.*\/stream\//.test(source))
    return ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
  if (/^arn:[^:]+:kinesis:/.test(source))
    return ['kinesis:DescribeStream', 'kinesis:GetRecords', 'kinesis:GetShardIterator'];
  if (/^arn:[^:]+:sqs:/.test(source)) return ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
  return [];
}

function pipeChecks(ctx: Ctx): void {
  for (const pipe of ctx.graph.ofType(T.pipe)) {
    const pipeArn = String(pipe.state.arn);
    const roleArn = String(pipe.state.roleArn ?? '');
    const source = String(pipe.state.source ?? '');
    const target = String(pipe.state.target ?? '');
    const params = pipe.state.sourceParameters ?? {};
    const streamParams = params.dynamodbStreamParameters ?? params.kinesisStreamParameters;
    const dlq = streamParams?.deadLetterConfig?.arn as string | undefined;
    const hop = `pipe ${pipeArn}`;
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html: a pipe that cannot
    // use its role stops; a failed target call is retried, then the records go to the pipe's DLQ.
    assumeCheck(ctx, hop, 'pipes-assume-role', roleArn, pipeArn, 'the pipe cannot run (no record is read)', pipe.urn);
    const caller = roleCaller(roleArn, 'pipes');
    for (const action of sourceReadActions(source)) {
      ctx.checks.push({
        hop: `${hop} reads its source`,
        request: { caller, action, resource: source },
        failure: 'the pipe cannot read its source',
        urn: pipe.urn,
      });
    }
    const targetAction = deliveryAction(target);
    if (targetAction) {
      ctx.checks.push({
        hop: `${hop} delivers to ${target}`,
        request: { caller, action: targetAction, resource: target },
        failure: `every batch fails; after retries the records go to ${dlq ?? '(no DLQ: they are dropped when they expire)'}`,
        urn: pipe.urn,
      });
    } else {
      ctx.problems.push({ resource: pipe.urn, message: `${hop}: target ${target} not checked` });
    }
    if (dlq) {
      ctx.checks.push({
        hop: `${hop} dead-letters to ${dlq}`,
        request: { caller, action: 'sqs:SendMessage', resource: dlq },
        failure: 'Error occurred while sending message to SQS queue: failed records are lost',
        urn: pipe.urn,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lambda: execution roles, async destinations, Function URLs

function lambdaChecks(ctx: Ctx): void {
  const { graph } = ctx;
  for (const fn of graph.ofType(T.function)) {
    const roleArn = fn.state.role as string | undefined;
    if (!roleArn) continue;
    assumeCheck(
      ctx,
      `function ${String(fn.state.arn)}`,
      'lambda-assume-execution-role',
      roleArn,
      undefined,
      'the function cannot be created or invoked: "The role defined for the function cannot be assumed by Lambda."',
      fn.urn,
    );
    const dlq = fn.state.deadLetterConfig?.targetArn as string | undefined;
    if (dlq) asyncDestinationCheck(ctx, fn, dlq, 'dead-letter queue');
  }
  for (const config of graph.ofType(T.invokeConfig)) {
    const fn = findFunction(graph, String(config.state.functionName ?? ''));
    if (!fn) continue;
    const destinations = config.state.destinationConfig ?? {};
    if (destinations.onFailure?.destination)
      asyncDestinationCheck(ctx, fn, String(destinations.onFailure.destination), 'on-failure destination', config);
    if (destinations.onSuccess?.destination)
      asyncDestinationCheck(ctx, fn, String(destinations.onSuccess.destination), 'on-success destination', config);
  }
  for (const url of graph.ofType(T.functionUrl)) {
    if (url.state.authorizationType !== 'NONE') {
      ctx.problems.push({
        resource: url.urn,
        message: `Function URL ${url.name}: auth type ${String(url.state.authorizationType)} depends on the caller's credentials and is checked per request`,
      });
      continue;
    }
    const fn = findFunction(graph, String(url.state.functionName ?? ''));
    const fnArn = String(fn?.state.arn ?? url.state.functionArn);
    const fact = factById('lambda-url-invoke');
    const hop = `Function URL of ${fnArn} (auth type NONE)`;
    // https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html: both actions, each with its own condition key.
    const actions: [string, Record<string, string>][] = [
      ['lambda:InvokeFunctionUrl', { 'lambda:FunctionUrlAuthType': 'NONE' }],
      ['lambda:InvokeFunction', { 'lambda:InvokedViaFunctionUrl': 'true' }],
    ];
    for (const [action, context] of actions) {
      ctx.checks.push({
        hop: `${hop}: ${action}`,
        fact: fact.id,
        request: { caller: { type: 'anonymous' }, action, resource: fnArn, context },
        failure: 'the caller gets 403 Forbidden',
        urn: url.urn,
      });
    }
  }
}

/**
 * Lambda sends async failures (and successes) with the function's execution role:
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
function asyncDestinationCheck(
  ctx: Ctx,
  fn: GraphResource,
  destination: string,
  what: string,
  config?: GraphResource,
): void {
  const action = deliveryAction(destination);
  const roleArn = String(fn.state.role);
  if (!action) {
    ctx.problems.push({
      resource: fn.urn,
      message: `function ${String(fn.state.arn)}: ${what} ${destination} not checked`,
    });
    return;
  }
  ctx.checks.push({
    hop: `function ${String(fn.state.arn)} sends to its ${what} ${destination}`,
    request: { caller: roleCaller(roleArn, String(fn.state.name ?? fn.name)), action, resource: destination },
    failure: 'the failed event is lost (Lambda cannot deliver the record)',
    urn: (config ?? fn).urn,
  });
}

/** Every service-to-service check the graph implies, plus what could not be checked. */
export function collectChecks(graph: ResourceGraph, model: IamModel): { checks: Check[]; problems: IamProblem[] } {
  const ctx: Ctx = { graph, model, checks: [], problems: [] };
  httpApiChecks(ctx);
  eventBridgeChecks(ctx);
  pipeChecks(ctx);
  lambdaChecks(ctx);
  return { checks: ctx.checks, problems: ctx.problems };
}

/** A handler's SDK call: the function's execution role, session named after the function (as Lambda does). */
export function functionCaller(graph: ResourceGraph, functionNameOrArn: string): Caller | undefined {
  const fn = findFunction(graph, functionNameOrArn);
  if (!fn || typeof fn.state.role !== 'string') return undefined;
  return roleCaller(fn.state.role, String(fn.state.name ?? fn.name));
}
