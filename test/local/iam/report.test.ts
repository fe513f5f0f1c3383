/**
 * The "would be denied on AWS" report on the real program's graph (loaded once, under the shared mocks).
 */
import { formatIamReport, iamReport } from '../../../local/iam/report';
import type { IamReport } from '../../../local/iam/report';
import { StackGraph, loadStackGraph } from '../../../local/model/load';
import { Types, edited, editPolicy, remove } from './graph-edits';

let graph: StackGraph;
let report: IamReport;

beforeAll(async () => {
  graph = await loadStackGraph({ projectDir: process.cwd() });
  report = await iamReport(graph);
}, 60000);

const hop = (r: IamReport, action: string, resourcePart: string) =>
  r.checks.filter((c) => c.request.action === action && c.request.resource.includes(resourcePart));

describe('iamReport on the real stack', () => {
  it('checks every service-to-service hop the local cloud performs', () => {
    const byAction = (action: string) => report.checks.filter((c) => c.request.action === action).length;
    const functions = graph.ofType('aws:lambda/function:Function').length;
    const targets = graph.ofType('aws:cloudwatch/eventTarget:EventTarget');
    const integrationsWithRole = graph
      .ofType('aws:apigatewayv2/integration:Integration')
      .filter((i) => i.state.credentialsArn).length;
    const apiDestinationTargets = targets.filter((t) => String(t.state.arn).includes(':api-destination/')).length;
    // Assume role: every integration role, every target role, the pipe, every function's execution role.
    expect(byAction('sts:AssumeRole')).toBe(integrationsWithRole + apiDestinationTargets + 1 + functions);
    // PutEvents: each integration onto the bus, and the pipe onto the bus.
    expect(byAction('events:PutEvents')).toBe(integrationsWithRole + 1);
    expect(byAction('events:InvokeApiDestination')).toBe(apiDestinationTargets);
    // Every rule target has a DLQ; every Lambda async config has an on-failure queue; the pipe has its DLQ.
    const asyncConfigs = graph.ofType('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig').length;
    expect(byAction('sqs:SendMessage')).toBe(targets.length + asyncConfigs + 1);
    // Lambda invocations: rule targets, the route, the authorizer, and the Function URL's two actions.
    const lambdaTargets = targets.filter((t) => String(t.state.arn).includes(':lambda:')).length;
    expect(byAction('lambda:InvokeFunction')).toBe(lambdaTargets + 1 + 1 + 1);
    expect(byAction('lambda:InvokeFunctionUrl')).toBe(1);
    expect(hop(report, 'logs:CreateLogStream', ':log-group:/aws/events/')).toHaveLength(1);
    expect(hop(report, 'logs:PutLogEvents', ':log-group:/aws/events/')).toHaveLength(1);
    expect(hop(report, 'dynamodb:GetRecords', '/stream/')).toHaveLength(1);
    expect(report.problems).toEqual([]);
  });

  it('builds each request from the request-context table: EventBridge sends the rule ARN and account to Lambda', () => {
    const [invoke] = hop(report, 'lambda:InvokeFunction', 'function:capture-order');
    const target = graph
      .ofType('aws:cloudwatch/eventTarget:EventTarget')
      .find((t) => String(t.state.arn).includes('capture-order'));
    const rule = graph.ofType('aws:cloudwatch/eventRule:EventRule').find((r) => r.state.name === target?.state.rule);
    expect(invoke.request).toEqual({
      caller: { type: 'service', service: 'events.amazonaws.com' },
      action: 'lambda:InvokeFunction',
      resource: target?.state.arn,
      context: { 'aws:SourceArn': rule?.state.arn, 'aws:SourceAccount': graph.accountId },
    });
    expect(invoke.authorization.allowed).toBe(true);
  });

  it('denies nothing on the stack as declared: green locally means green on AWS', () => {
    expect(report.denials.map((d) => d.hop)).toEqual([]);
    expect(formatIamReport(report).split('\n')[0]).toBe(
      `IAM: ${report.checks.length} permission checks on this stack's hops, 0 would be denied on AWS`,
    );
  });

  it('reports policy actions AWS does not know, from iam-data, and grants that can never match', () => {
    // The stack grants nothing AWS ignores (no TransactWriteItems, ListStreams on "*"): the catalogue finds nothing.
    expect(report.catalog.map((f) => `${f.action}: ${f.message}`)).toEqual([]);
    // A grant AWS ignores is found: TransactWriteItems is no IAM action (DynamoDB authorises a transaction by its
    // items' own actions), and ListStreams supports only Resource "*".
    const ignored = edited(
      graph,
      editPolicy(Types.rolePolicy, 'capture-order-policy', 'policy', (doc) => ({
        ...doc,
        Statement: [
          ...doc.Statement,
          {
            Effect: 'Allow',
            Action: ['dynamodb:TransactWriteItems', 'dynamodb:ListStreams'],
            Resource: [String(doc.Statement[1]?.Resource ?? 'arn:aws:dynamodb:us-east-1:123456789012:table/t')],
          },
        ],
      })),
    );
    return iamReport(ignored).then((r) => {
      const messages = r.catalog.map((f) => `${f.action}: ${f.message}`);
      expect(messages).toHaveLength(2);
      for (const message of messages)
        expect(message).toMatch(
          /^(dynamodb:TransactWriteItems: unknown action|dynamodb:ListStreams: .*supports only Resource "\*")/,
        );
    });
    // Every check's resource is of a type its action applies to (a check failing this is a bug in the hops).
    expect(report.catalog.filter((f) => !f.where.startsWith('arn:'))).toEqual([]);
  });

  it('prints each denial with principal, action, resource, AWS’s message and the statement that would fix it', async () => {
    const denied = await iamReport(edited(graph, remove(Types.permission, 'orders-order-uploaded-invoke')));
    expect(denied.denials).toHaveLength(1);
    const text = formatIamReport(denied);
    for (const denial of denied.denials) {
      expect(text).toContain(`action:    ${denial.request.action}`);
      expect(text).toContain(`resource:  ${denial.request.resource}`);
      expect(text).toContain(denial.authorization.message);
      expect(text).toContain(JSON.stringify(denial.authorization.fix?.statement));
    }
  });
});
