/**
 * The Mermaid diagram: derived from resource types alone (a small synthetic graph), and the README's copy is the
 * one the dev stack's graph gives (run `npm run diagram` when this fails).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GraphResource } from '../../../local/model/graph';
import { loadStackGraph } from '../../../local/model/load';
import { DIAGRAM_END, DIAGRAM_START, embedDiagram, mermaidFromGraph } from '../../../tools/diagram/mermaid';

const PROJECT_DIR = path.resolve(__dirname, '..', '..', '..');

function resource(type: string, name: string, id: string, state: Record<string, unknown>): GraphResource {
  return { type, name, id, urn: `urn:pulumi:s::p::${type}::${name}`, inputs: state, state };
}

const ARN = 'arn:aws:sqs:us-east-1:1:';
const GRAPH = [
  resource('aws:cloudwatch/eventBus:EventBus', 'things', 'things-x', {
    name: 'things-x',
    arn: 'arn:aws:events:us-east-1:1:event-bus/things-x',
  }),
  resource('aws:apigatewayv2/integration:Integration', 'put', 'i1', {
    integrationType: 'AWS_PROXY',
    integrationSubtype: 'EventBridge-PutEvents',
    requestParameters: { EventBusName: 'things-x' },
  }),
  resource('aws:apigatewayv2/route:Route', 'post', 'r1', { routeKey: 'POST /things', target: 'integrations/i1' }),
  resource('aws:lambda/function:Function', 'worker', 'worker-x', {
    name: 'worker-x',
    arn: 'arn:aws:lambda:us-east-1:1:function:worker-x',
    environment: { variables: { TABLE: 'store-x', SECRET: 'never-shown' } },
  }),
  resource('aws:dynamodb/table:Table', 'store', 'store-x', {
    name: 'store-x',
    arn: 'arn:aws:dynamodb:us-east-1:1:table/store-x',
    streamArn: 'arn:aws:dynamodb:us-east-1:1:table/store-x/stream/1',
  }),
  resource('aws:cloudwatch/eventRule:EventRule', 'on-thing', 'things-x/on-thing-1', {
    name: 'on-thing-1',
    eventBusName: 'things-x',
  }),
  resource('aws:cloudwatch/eventTarget:EventTarget', 'on-thing-target', 't1', {
    rule: 'on-thing-1',
    arn: 'arn:aws:lambda:us-east-1:1:function:worker-x',
    deadLetterConfig: { arn: `${ARN}rule-dlq-1` },
  }),
  resource('aws:sqs/queue:Queue', 'rule-dlq', 'u1', { name: 'rule-dlq-1', arn: `${ARN}rule-dlq-1` }),
  resource('aws:sqs/queue:Queue', 'pipe-dlq', 'u2', { name: 'pipe-dlq-1', arn: `${ARN}pipe-dlq-1` }),
  resource('aws:pipes/pipe:Pipe', 'changes', 'changes-x', {
    source: 'arn:aws:dynamodb:us-east-1:1:table/store-x/stream/1',
    target: 'arn:aws:events:us-east-1:1:event-bus/things-x',
    sourceParameters: { dynamodbStreamParameters: { deadLetterConfig: { arn: `${ARN}pipe-dlq-1` } } },
  }),
];

describe('mermaidFromGraph', () => {
  it('draws routes → integrations → bus → rules → targets → table → pipe → bus, with DLQs', () => {
    const text = mermaidFromGraph(GRAPH);
    expect(text.split('\n')[0]).toBe('flowchart LR');
    const id = (label: string): string =>
      new RegExp(`^ {2}(n\\d+)\\W+"${label}"`, 'm').exec(text)?.[1] ?? `missing ${label}`;
    const edges = [
      `${id('POST /things')} -- "EventBridge-PutEvents" --> ${id('bus things')}`,
      `${id('bus things')} --> ${id('rule on-thing')}`,
      `${id('rule on-thing')} --> ${id('λ worker')}`,
      `${id('rule on-thing')} -. "DLQ" .-> ${id('DLQ rule-dlq')}`,
      `${id('λ worker')} --> ${id('table store')}`,
      `${id('table store')} -- "stream" --> ${id('pipe changes')}`,
      `${id('pipe changes')} --> ${id('bus things')}`,
      `${id('pipe changes')} -. "DLQ" .-> ${id('DLQ pipe-dlq')}`,
    ];
    for (const e of edges) expect(text).toContain(`  ${e}\n`);
    expect(text).not.toContain('never-shown');
  });

  it('refuses a README without the markers', () => {
    expect(() => embedDiagram('# nothing here', 'flowchart LR\n')).toThrow('diagram:start');
  });
});

describe("the README's diagram", () => {
  it('is the one the dev stack gives (else run `npm run diagram`)', async () => {
    const graph = await loadStackGraph({ stack: 'dev', projectDir: PROJECT_DIR });
    const readme = readFileSync(path.join(PROJECT_DIR, 'README.md'), 'utf8');
    expect(readme).toContain(DIAGRAM_START);
    expect(readme).toContain(DIAGRAM_END);
    expect(embedDiagram(readme, mermaidFromGraph(graph.resources))).toBe(readme);
  });
});
