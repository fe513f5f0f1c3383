/**
 * Mutation tests: the real program's graph with one thing changed, each on a path of this stack; the IAM report
 * must deny it with AWS's reasoning and AWS's failure. The starting point is the graph with the two known
 * trust-policy fixes applied (see graph-edits.ts), so every denial below comes from the mutation alone.
 */
import { authorize } from '../../../local/iam/authorize';
import { functionCaller } from '../../../local/iam/hops';
import { HttpApiErrors } from '../../../local/iam/messages';
import { buildIamModel } from '../../../local/iam/model';
import { CheckResult, evaluateGraph } from '../../../local/iam/report';
import { StackGraph, loadStackGraph } from '../../../local/model/load';
import { Edit, Types, edited, editPolicy, remove, setProperty } from './graph-edits';

let base: StackGraph;

beforeAll(async () => {
  base = await loadStackGraph({ projectDir: process.cwd() });
}, 60000);

function denialsAfter(...edits: Edit[]): CheckResult[] {
  return evaluateGraph(edited(base, ...edits)).denials;
}

function arnOf(graph: StackGraph, type: string, name: string): string {
  const r = graph.ofType(type).find((x) => x.name === name);
  if (!r) throw new Error(`${type} ${name} not found`);
  return String(r.state.arn);
}

const T = {
  table: 'aws:dynamodb/table:Table',
  fn: 'aws:lambda/function:Function',
  queue: 'aws:sqs/queue:Queue',
  rule: 'aws:cloudwatch/eventRule:EventRule',
  bus: 'aws:cloudwatch/eventBus:EventBus',
};

describe('IAM mutations of the real stack, denied as AWS denies them', () => {
  it('starts from a stack with no denial', () => {
    expect(evaluateGraph(base).denials).toEqual([]);
  });

  it("a handler's table grant removed: its SDK call is denied with AWS's AccessDeniedException message, and the event can still reach its DLQ", () => {
    // Prepare
    const graph = edited(
      base,
      editPolicy(Types.rolePolicy, 'capture-order-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.filter((s) => s.Sid !== 'OrdersTableItems'),
      })),
    );
    const caller = functionCaller(graph, 'capture-order-dev');
    const table = arnOf(graph, T.table, 'orders');
    const role = graph.ofType(T.fn).find((f) => f.name === 'capture-order')?.state.role as string;
    const roleName = role.split('/').pop();
    if (!caller) throw new Error('no caller');

    // Act
    const before = authorize(buildIamModel(base, base.accountId, base.region), {
      caller,
      action: 'dynamodb:PutItem',
      resource: table,
    });
    const after = authorize(buildIamModel(graph, graph.accountId, graph.region), {
      caller,
      action: 'dynamodb:PutItem',
      resource: table,
    });

    // Assess
    expect(before.allowed).toBe(true);
    expect(after.allowed).toBe(false);
    expect(after.message).toBe(
      `User: arn:aws:sts::${graph.accountId}:assumed-role/${roleName}/capture-order-dev is not authorized to perform: dynamodb:PutItem on resource: ${table} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(after.fix).toEqual({
      where: `an identity policy of ${role}`,
      statement: { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table },
    });
    // Lambda retries, then sends the event to the function's on-failure queue with the same role: still allowed.
    const toDlq = evaluateGraph(graph).checks.find(
      (c) =>
        c.request.caller.type === 'role' && c.request.caller.roleArn === role && c.request.action === 'sqs:SendMessage',
    );
    expect(toDlq?.authorization.allowed).toBe(true);
  });

  it('an explicit Deny added to a handler role wins over its grant', () => {
    const graph = edited(
      base,
      editPolicy(Types.rolePolicy, 'get-order-policy', 'policy', (doc) => ({
        ...doc,
        Statement: [...doc.Statement, { Sid: 'NoReads', Effect: 'Deny', Action: 'dynamodb:Get*', Resource: '*' }],
      })),
    );
    const caller = functionCaller(graph, 'get-order-dev');
    if (!caller) throw new Error('no caller');
    const result = authorize(buildIamModel(graph, graph.accountId, graph.region), {
      caller,
      action: 'dynamodb:GetItem',
      resource: arnOf(graph, T.table, 'orders'),
    });
    expect(result.evaluation.decision).toBe('ExplicitDeny');
    expect(result.message).toMatch(
      /is not authorized to perform: dynamodb:GetItem on resource: .* with an explicit deny in an identity-based policy: arn:aws:iam::\d{12}:role\/get-order-role-\w+ \(inline policy get-order-policy-\w+\)$/,
    );
    expect(result.reasons).toEqual([expect.stringMatching(/^explicit deny: statement NoReads of /)]);
  });

  it('the integration role trust given a key API Gateway does not send: the route answers 500 with the reason in the access log', () => {
    const denials = denialsAfter(
      editPolicy(Types.role, 'orders-api-put-events-role', 'assumeRolePolicy', (doc) => ({
        ...doc,
        Statement: doc.Statement.map((s) => ({
          ...s,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:*' } },
        })),
      })),
    );
    // Three ingest routes share the role: each is denied.
    expect(denials.map((d) => d.hop)).toEqual([
      expect.stringMatching(/^HTTP API route POST \/uploads: /),
      expect.stringMatching(/^HTTP API route POST \/cancellations: /),
      expect.stringMatching(/^HTTP API route POST \/confirm-shipment: /),
    ]);
    for (const d of denials) {
      expect(d.request.action).toBe('sts:AssumeRole');
      expect(d.authorization.reasons).toEqual([
        expect.stringMatching(
          /requires aws:SourceArn \(ArnLike\), which apigateway\.amazonaws\.com does not send on this hop$/,
        ),
      ]);
      expect(d.failure).toBe(
        `client 500 Internal Server Error; access log integrationError: ${HttpApiErrors.assumeIntegrationRole}`,
      );
      expect(d.authorization.fix?.statement).toEqual({
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });
    }
  });

  it("a DLQ's queue policy removed: EventBridge's dead letter is refused and dropped", () => {
    const denials = denialsAfter(remove(Types.queuePolicy, 'orders-order-uploaded-dlq-policy'));
    const queue = arnOf(base, T.queue, 'orders-order-uploaded-dlq');
    expect(denials).toHaveLength(1);
    expect(denials[0].request).toMatchObject({
      caller: { type: 'service', service: 'events.amazonaws.com' },
      action: 'sqs:SendMessage',
      resource: queue,
    });
    expect(denials[0].authorization.message).toBe(
      `User: events.amazonaws.com is not authorized to perform: sqs:SendMessage on resource: ${queue} because no resource-based policy allows the sqs:SendMessage action`,
    );
    expect(denials[0].failure).toBe('the dead letter is dropped; InvocationsFailedToBeSentToDlq');
    // The fix is the queue policy AWS documents: only EventBridge, only for this rule.
    expect(denials[0].authorization.fix?.statement).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queue,
      Condition: { ArnEquals: { 'aws:SourceArn': arnOf(base, T.rule, 'orders-order-uploaded') } },
    });
  });

  it('the pipe role without events:PutEvents: delivery is denied and the records go to the pipe DLQ, which stays allowed', () => {
    const graph = edited(
      base,
      editPolicy(Types.rolePolicy, 'order-changes-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.filter((s) => s.Sid !== 'PutEventsOnBus'),
      })),
    );
    const { denials, checks } = evaluateGraph(graph);
    const bus = arnOf(base, T.bus, 'orders');
    const dlq = arnOf(base, T.queue, 'order-changes-dlq');
    expect(denials).toHaveLength(1);
    expect(denials[0].request).toMatchObject({
      action: 'events:PutEvents',
      resource: bus,
      caller: { type: 'role', sessionName: 'pipes' },
    });
    expect(denials[0].authorization.message).toMatch(
      /^User: arn:aws:sts::\d{12}:assumed-role\/order-changes-role-\w+\/pipes is not authorized to perform: events:PutEvents on resource: .* because no identity-based policy allows the events:PutEvents action$/,
    );
    expect(denials[0].failure).toBe(`every batch fails; after retries the records go to ${dlq}`);
    expect(
      checks.find((c) => c.request.action === 'sqs:SendMessage' && c.request.resource === dlq)?.authorization.allowed,
    ).toBe(true);
  });

  it('a Lambda permission removed: EventBridge may not invoke the function; the event is dead-lettered with NO_PERMISSIONS', () => {
    const denials = denialsAfter(remove(Types.permission, 'orders-order-uploaded-invoke'));
    expect(denials).toHaveLength(1);
    expect(denials[0].request).toMatchObject({
      caller: { type: 'service', service: 'events.amazonaws.com' },
      action: 'lambda:InvokeFunction',
      resource: arnOf(base, T.fn, 'capture-order'),
    });
    expect(denials[0].failure).toBe(
      `FailedInvocations; not retried; dead-lettered to ${arnOf(base, T.queue, 'orders-order-uploaded-dlq')} with ERROR_CODE NO_PERMISSIONS`,
    );
    expect(denials[0].authorization.reasons).toEqual([
      expect.stringMatching(/^no statement allows lambda:InvokeFunction on /),
    ]);
  });

  it("a Lambda permission's sourceArn narrowed to another rule: denied, naming the key and the value EventBridge sent", () => {
    const denials = denialsAfter(
      setProperty(
        Types.permission,
        'orders-shipment-confirmed-invoke',
        'sourceArn',
        arnOf(base, T.rule, 'orders-order-uploaded'),
      ),
    );
    expect(denials).toHaveLength(1);
    expect(denials[0].authorization.reasons).toEqual([
      expect.stringContaining(
        `requires AWS:SourceArn ArnLike ["${arnOf(base, T.rule, 'orders-order-uploaded')}"], but the request carries "${arnOf(base, T.rule, 'orders-shipment-confirmed')}"`,
      ),
    ]);
  });

  it("the API destination role's resource narrowed to another destination: events:InvokeApiDestination is denied", () => {
    const denials = denialsAfter(
      editPolicy(Types.rolePolicy, 'orders-order-created-invoke-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.map((s) => ({
          ...s,
          Resource: [`arn:aws:events:${base.region}:${base.accountId}:api-destination/another-carrier/*`],
        })),
      })),
    );
    expect(denials).toHaveLength(1);
    expect(denials[0].request.action).toBe('events:InvokeApiDestination');
    expect(denials[0].failure).toMatch(/dead-lettered to .*orders-order-created-dlq.* with ERROR_CODE NO_PERMISSIONS$/);
  });

  it("the authorizer's permission pointed at another authorizer: API Gateway may not call it (500, authorizerError)", () => {
    const api = base.ofType('aws:apigatewayv2/api:Api')[0];
    const denials = denialsAfter(
      setProperty(
        Types.permission,
        'orders-api-authorizer-invoke',
        'sourceArn',
        `${String(api.state.executionArn)}/authorizers/other`,
      ),
    );
    expect(denials).toHaveLength(1);
    expect(denials[0].failure).toBe(
      `client 500 Internal Server Error; access log authorizerError: ${HttpApiErrors.invokeAuthorizer}`,
    );
  });

  it('the Function URL without the lambda:InvokeFunction permission AWS requires since October 2025: 403', () => {
    const denials = denialsAfter(remove(Types.permission, 'carrier-mock-url-invoke'));
    expect(denials).toHaveLength(1);
    expect(denials[0].request).toMatchObject({
      caller: { type: 'anonymous' },
      action: 'lambda:InvokeFunction',
      context: { 'lambda:InvokedViaFunctionUrl': 'true' },
    });
    expect(denials[0].failure).toBe('the caller gets 403 Forbidden');
    expect(denials[0].authorization.fix?.statement).toEqual({
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunction',
      Resource: arnOf(base, T.fn, 'carrier-mock'),
      Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    });
  });

  it("a function's execution role trust requiring aws:SourceArn, which Lambda does not document sending: denied (conservative reading)", () => {
    const denials = denialsAfter(
      editPolicy(Types.role, 'get-order-role', 'assumeRolePolicy', (doc) => ({
        ...doc,
        Statement: doc.Statement.map((s) => ({
          ...s,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:lambda:*' } },
        })),
      })),
    );
    expect(denials).toHaveLength(1);
    expect(denials[0].request).toMatchObject({
      caller: { type: 'service', service: 'lambda.amazonaws.com' },
      action: 'sts:AssumeRole',
    });
    expect(denials[0].authorization.reasons[0]).toMatch(
      /requires aws:SourceArn \(ArnLike\), which lambda\.amazonaws\.com does not send on this hop/,
    );
  });
});
