/**
 * Where to look, from the stack's resource graph (loadStackGraph: the program under mocks, no AWS needed): every
 * log group (functions' `/aws/lambda/<name>`, the log groups rule targets write events into, the rest as they
 * are), the rules with their patterns (to say which matched an event), and every queue (DLQs are searched for the
 * id). Derived from resource types only; log groups carry explicit names, so they are the same on AWS. Queues are
 * autonamed (`<logical name>-<suffix>`, a different suffix on AWS), so they are found by their logical name.
 */
import type { GraphResource } from '../../local/model/graph';
import type { TraceGroup, TraceRule } from './timeline';

export interface TraceSources {
  groups: TraceGroup[];
  /** Named by their logical (Pulumi) names: physical names of autonamed rules differ between mocks and AWS. */
  rules: TraceRule[];
  /** Logical names of the graph's queues: the physical name starts with `<logical>-`. */
  queueLogicalNames: string[];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `arn:aws:logs:r:a:log-group:NAME[:*]` → NAME */
function logGroupNameOfArn(arn: string): string | undefined {
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn);
  return match?.[1];
}

function busNameOf(value: unknown): string {
  const name = str(value) ?? 'default';
  return /:event-bus\/(.+)$/.exec(name)?.[1] ?? name;
}

export function traceSourcesFromGraph(resources: readonly GraphResource[]): TraceSources {
  const ofType = (type: string): GraphResource[] => resources.filter((r) => r.type === type);
  const groups = new Map<string, TraceGroup>();
  for (const group of ofType('aws:cloudwatch/logGroup:LogGroup')) {
    const name = str(group.state.name) ?? group.name;
    groups.set(name, { logGroupName: name, kind: 'other', label: name });
  }
  for (const fn of ofType('aws:lambda/function:Function')) {
    const functionName = str(fn.state.name) ?? fn.name;
    const name = `/aws/lambda/${functionName}`;
    groups.set(name, { logGroupName: name, kind: 'function', label: functionName });
  }
  const rules = ofType('aws:cloudwatch/eventRule:EventRule');
  for (const target of ofType('aws:cloudwatch/eventTarget:EventTarget')) {
    const name = logGroupNameOfArn(str(target.state.arn) ?? '');
    if (!name) continue;
    const rule = rules.find((r) => (str(r.state.name) ?? r.name) === target.state.rule);
    groups.set(name, {
      logGroupName: name,
      kind: 'bus-log',
      label: busNameOf(target.state.eventBusName ?? rule?.state.eventBusName),
    });
  }
  return {
    groups: [...groups.values()].sort((a, b) => a.logGroupName.localeCompare(b.logGroupName)),
    rules: rules
      .filter((r) => str(r.state.eventPattern))
      .map((r) => ({
        name: r.name,
        busName: busNameOf(r.state.eventBusName),
        eventPattern: String(r.state.eventPattern),
      })),
    queueLogicalNames: ofType('aws:sqs/queue:Queue').map((q) => q.name),
  };
}
