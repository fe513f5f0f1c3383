/**
 * A Mermaid flowchart of the stack, derived from the resource graph by resource type alone (nothing of this
 * stack is named here): HTTP API routes → their integrations (edge labels) → buses or functions; buses → rules →
 * targets (functions, log groups, API destinations, queues, buses), each target's DLQ; functions → the tables
 * named in their environment; tables → the pipes reading their streams → the pipes' targets, with DLQs; Lambda
 * async on-failure destinations; API destinations → the Function URL they call; a function's environment URL that
 * points at a route of an HTTP API → that route; archives of a bus. Nodes are named by their logical (Pulumi)
 * names, which do not change between stacks or between the mocks and AWS.
 */
import type { GraphResource } from '../../local/model/graph';

interface Node {
  id: string;
  label: string;
  shape: 'route' | 'bus' | 'rule' | 'function' | 'table' | 'pipe' | 'queue' | 'log' | 'destination' | 'archive' | 'url';
}

const SHAPES: Record<Node['shape'], [string, string]> = {
  route: ['([', '])'],
  bus: ['[[', ']]'],
  rule: ['{{', '}}'],
  function: ['(', ')'],
  table: ['[(', ')]'],
  pipe: ['[/', '/]'],
  queue: ['>', ']'],
  log: ['[\\', '\\]'],
  destination: ['[/', '\\]'],
  archive: ['[(', ')]'],
  url: ['(', ')'],
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function escapeLabel(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

export function mermaidFromGraph(resources: readonly GraphResource[]): string {
  const ofType = (type: string): GraphResource[] => resources.filter((r) => r.type === type);
  const nodes = new Map<string, Node>();
  const edges: string[] = [];
  const edgeSet = new Set<string>();
  const byArn = new Map<string, string>();
  let counter = 0;

  const node = (resource: GraphResource, shape: Node['shape'], label: string): string => {
    const existing = nodes.get(resource.urn);
    if (existing) return existing.id;
    counter += 1;
    const id = `n${counter}`;
    nodes.set(resource.urn, { id, label, shape });
    const arn = str(resource.state.arn);
    if (arn) byArn.set(arn, resource.urn);
    return id;
  };
  const edge = (from: string, to: string, label?: string, dotted = false): void => {
    const arrow = dotted
      ? label
        ? `-. "${escapeLabel(label)}" .->`
        : '-.->'
      : label
        ? `-- "${escapeLabel(label)}" -->`
        : '-->';
    const line = `  ${from} ${arrow} ${to}`;
    if (!edgeSet.has(line)) {
      edgeSet.add(line);
      edges.push(line);
    }
  };

  const functions = ofType('aws:lambda/function:Function');
  const queues = ofType('aws:sqs/queue:Queue');
  const buses = ofType('aws:cloudwatch/eventBus:EventBus');
  const tables = ofType('aws:dynamodb/table:Table');
  const logGroups = ofType('aws:cloudwatch/logGroup:LogGroup');
  const destinations = ofType('aws:cloudwatch/eventApiDestination:EventApiDestination');
  const functionUrls = ofType('aws:lambda/functionUrl:FunctionUrl');

  const functionNode = (fn: GraphResource): string => node(fn, 'function', `λ ${fn.name}`);
  const queueNode = (q: GraphResource): string => node(q, 'queue', `DLQ ${q.name}`);
  const busNode = (b: GraphResource): string => node(b, 'bus', `bus ${b.name}`);
  const findFunction = (ref: string | undefined): GraphResource | undefined => {
    if (!ref) return undefined;
    const bare = ref.startsWith('arn:') ? ref.split(':').slice(0, 7).join(':') : ref;
    return functions.find(
      (f) => f.state.arn === bare || f.state.name === ref || f.name === ref || ref.includes(`${String(f.state.arn)}/`),
    );
  };
  const findQueue = (arn: unknown): GraphResource | undefined => queues.find((q) => q.state.arn === arn);
  const findBus = (ref: unknown): GraphResource | undefined => {
    const name = str(ref);
    if (!name) return undefined;
    return buses.find((b) => b.state.arn === name || b.state.name === name || b.name === name);
  };

  /** A target ARN (rule or pipe target) → its node. */
  const targetNode = (arn: string): string | undefined => {
    const fn = findFunction(arn.includes(':function:') ? arn : undefined);
    if (fn) return functionNode(fn);
    const bus = findBus(arn);
    if (bus) return busNode(bus);
    const queue = findQueue(arn);
    if (queue) return node(queue, 'queue', `queue ${queue.name}`);
    const destination = destinations.find((d) => d.state.arn === arn);
    if (destination) return node(destination, 'destination', `API destination ${destination.name}`);
    const group = logGroups.find((g) => arn.replace(/:\*$/, '') === String(g.state.arn).replace(/:\*$/, ''));
    if (group) return node(group, 'log', `log group ${group.name}`);
    return undefined;
  };

  // Routes → integrations → bus / function.
  const integrations = ofType('aws:apigatewayv2/integration:Integration');
  const routes = ofType('aws:apigatewayv2/route:Route');
  for (const route of routes) {
    const routeId = node(route, 'route', str(route.state.routeKey) ?? route.name);
    const integrationId = /^integrations\/(.+)$/.exec(str(route.state.target) ?? '')?.[1];
    const integration = integrations.find((i) => i.id === integrationId);
    if (!integration) continue;
    const kind = str(integration.state.integrationSubtype) ?? str(integration.state.integrationType) ?? 'integration';
    const params = (integration.state.requestParameters ?? {}) as Record<string, unknown>;
    const bus = findBus(params.EventBusName);
    const fn = findFunction(str(integration.state.integrationUri));
    if (bus) edge(routeId, busNode(bus), kind);
    else if (fn) edge(routeId, functionNode(fn), kind);
    const authorizer = ofType('aws:apigatewayv2/authorizer:Authorizer').find((a) => a.id === route.state.authorizerId);
    const authorizerFn = findFunction(
      /functions\/(arn:[^/]+)\/invocations/.exec(str(authorizer?.state.authorizerUri) ?? '')?.[1],
    );
    if (authorizerFn) edge(routeId, functionNode(authorizerFn), 'authorizer', true);
  }

  // Buses → rules → targets (+ DLQs); archives.
  const rules = ofType('aws:cloudwatch/eventRule:EventRule');
  for (const target of ofType('aws:cloudwatch/eventTarget:EventTarget')) {
    const rule = rules.find((r) => r.state.name === target.state.rule || r.name === target.state.rule);
    if (!rule) continue;
    const ruleId = node(rule, 'rule', `rule ${rule.name}`);
    const bus = findBus(rule.state.eventBusName ?? 'default');
    if (bus) edge(busNode(bus), ruleId);
    const to = targetNode(String(target.state.arn ?? ''));
    if (to) edge(ruleId, to);
    const dlq = findQueue((target.state.deadLetterConfig as { arn?: string } | undefined)?.arn);
    if (dlq) edge(ruleId, queueNode(dlq), 'DLQ', true);
  }
  for (const archive of ofType('aws:cloudwatch/eventArchive:EventArchive')) {
    const bus = findBus(archive.state.eventSourceArn);
    if (bus) edge(busNode(bus), node(archive, 'archive', `archive ${archive.name}`), 'archive', true);
  }

  // Functions → tables named in their environment; → routes their environment URLs point at.
  const apis = ofType('aws:apigatewayv2/api:Api');
  for (const fn of functions) {
    const variables = Object.values(
      ((fn.state.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {}) as Record<
        string,
        unknown
      >,
    ).filter((v): v is string => typeof v === 'string');
    for (const table of tables)
      if (variables.includes(String(table.state.name)))
        edge(functionNode(fn), node(table, 'table', `table ${table.name}`));
    for (const api of apis) {
      const endpoint = str(api.state.apiEndpoint);
      if (!endpoint) continue;
      for (const value of variables.filter((v) => v.startsWith(endpoint))) {
        const pathPart = value.slice(endpoint.length) || '/';
        for (const route of routes.filter(
          (r) => r.state.apiId === api.id && String(r.state.routeKey).endsWith(` ${pathPart}`),
        ))
          edge(functionNode(fn), node(route, 'route', String(route.state.routeKey)), 'HTTPS', true);
      }
    }
  }

  // Lambda async on-failure destinations.
  for (const config of ofType('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig')) {
    const fn = findFunction(str(config.state.functionName));
    const onFailure = (config.state.destinationConfig as { onFailure?: { destination?: string } } | undefined)
      ?.onFailure?.destination;
    const queue = findQueue(onFailure);
    if (fn && queue) edge(functionNode(fn), queueNode(queue), 'on failure', true);
  }

  // Tables → pipes → targets (+ DLQs).
  for (const pipe of ofType('aws:pipes/pipe:Pipe')) {
    const pipeId = node(pipe, 'pipe', `pipe ${pipe.name}`);
    const table = tables.find(
      (t) =>
        str(t.state.streamArn) === pipe.state.source ||
        String(pipe.state.source ?? '').startsWith(`${String(t.state.arn)}/stream/`),
    );
    if (table) edge(node(table, 'table', `table ${table.name}`), pipeId, 'stream');
    const to = targetNode(String(pipe.state.target ?? ''));
    if (to) edge(pipeId, to);
    const parameters = (pipe.state.sourceParameters ?? {}) as Record<
      string,
      { deadLetterConfig?: { arn?: string } } | undefined
    >;
    for (const source of Object.values(parameters)) {
      const dlq = findQueue(source?.deadLetterConfig?.arn);
      if (dlq) edge(pipeId, queueNode(dlq), 'DLQ', true);
    }
  }

  // API destinations → the Function URL (and function) they call.
  for (const destination of destinations) {
    const url = functionUrls.find(
      (u) =>
        str(u.state.functionUrl) &&
        String(destination.state.invocationEndpoint ?? '').startsWith(String(u.state.functionUrl)),
    );
    if (!url) continue;
    const fn = findFunction(str(url.state.functionName));
    if (fn)
      edge(node(destination, 'destination', `API destination ${destination.name}`), functionNode(fn), 'Function URL');
  }

  const lines = ['flowchart LR'];
  for (const n of nodes.values()) {
    const [open, close] = SHAPES[n.shape];
    lines.push(`  ${n.id}${open}"${escapeLabel(n.label)}"${close}`);
  }
  return [...lines, ...edges].join('\n') + '\n';
}

export const DIAGRAM_START = '<!-- diagram:start (npm run diagram writes this block) -->';
export const DIAGRAM_END = '<!-- diagram:end -->';

/** The README with its marked block replaced by the diagram; throws when the markers are missing. */
export function embedDiagram(readme: string, diagram: string): string {
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) throw new Error(`README has no ${DIAGRAM_START} … ${DIAGRAM_END} block`);
  return `${readme.slice(0, start + DIAGRAM_START.length)}\n\n\`\`\`mermaid\n${diagram}\`\`\`\n\n${readme.slice(end)}`;
}
