/**
 * One id's journey, assembled from what the logs hold: pure (log events and DLQ messages in, hops out), so the
 * same assembly serves `npm run trace` (against AWS or the local edge) and the local console.
 *
 * Where each hop comes from:
 * - a function's log group: the handlers' structured JSON records (Powertools Logger) that carry the id; the
 *   invocation's outcome (duration, timeout) comes from the REPORT line of the record's `function_request_id`;
 * - the bus's catch-all log group: every event on the bus that carries the id (uploads are not logged there, for
 *   privacy), with the rules of the graph whose pattern matches it;
 * - any other log group (pipe execution log, API access log): lines that carry the id, as they are;
 * - dead-letter queues: messages whose body carries the id, with EventBridge's / Lambda's failure attributes.
 */
import { testEventPattern } from '../../local/engine';

export type TraceGroupKind = 'function' | 'bus-log' | 'other';

export interface TraceGroup {
  logGroupName: string;
  kind: TraceGroupKind;
  /** What the timeline calls it: the function's name, the bus's name, or the group's name. */
  label: string;
}

export interface TraceLogEvent {
  logGroupName: string;
  timestamp: number;
  message: string;
}

export interface TraceRule {
  name: string;
  busName: string;
  /** The rule's event pattern as deployed (a JSON string). */
  eventPattern: string;
}

export interface DeadLetter {
  queueName: string;
  sentTimestamp: number;
  body: string;
  /** Message attributes as strings (ERROR_CODE, ERROR_MESSAGE, RULE_ARN, TARGET_ARN, RETRY_ATTEMPTS, ...). */
  attributes: Record<string, string>;
}

export interface Hop {
  time: number;
  where: string;
  what: string;
  failed?: boolean;
}

export interface TraceInput {
  id: string;
  groups: TraceGroup[];
  /** Events that mention the id, plus the START/END/REPORT lines of the invocations that logged it. */
  events: TraceLogEvent[];
  rules?: TraceRule[];
  deadLetters?: DeadLetter[];
}

export interface Trace {
  id: string;
  hops: Hop[];
  /** The `state` of the last bus event that carried one. */
  finalState?: string;
}

/** Powertools Logger's own keys: shown nowhere, the rest of a record is what the handler chose to log. */
const POWERTOOLS_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

function parseObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function mentions(value: unknown, id: string): boolean {
  return JSON.stringify(value ?? null).includes(id);
}

/** `key=value` pairs of a record's own fields, the id itself left out (it is the trace's subject). */
function fields(record: Record<string, unknown>, skip: Set<string>, id: string): string {
  return Object.entries(record)
    .filter(([key, value]) => !skip.has(key) && value !== id && value !== undefined)
    .map(([key, value]) => `${key}=${show(value)}`)
    .join(' ');
}

interface Invocation {
  durationMs?: number;
  status?: string;
}

/** START/END/REPORT lines by request id (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html). */
function invocations(events: TraceLogEvent[]): Map<string, Invocation> {
  const byId = new Map<string, Invocation>();
  for (const event of events) {
    const report = /^REPORT RequestId: (\S+)\s+Duration: ([\d.]+) ms(?:.*?Status: (\w+))?/.exec(event.message);
    if (report) byId.set(report[1], { durationMs: Number(report[2]), status: report[3] });
  }
  return byId;
}

function functionHop(
  group: TraceGroup,
  event: TraceLogEvent,
  id: string,
  calls: Map<string, Invocation>,
): Hop | undefined {
  const record = parseObject(event.message);
  if (!record) {
    if (!event.message.includes(id)) return undefined;
    return {
      time: event.timestamp,
      where: group.label,
      what: event.message,
      failed: /\bfail|error/i.test(event.message),
    };
  }
  if (!mentions(record, id) || '_aws' in record) return undefined;
  const level = typeof record.level === 'string' ? record.level : 'INFO';
  const requestId = typeof record.function_request_id === 'string' ? record.function_request_id : undefined;
  const call = requestId ? calls.get(requestId) : undefined;
  const extra = fields(record, POWERTOOLS_KEYS, id);
  // The record's own time is when the handler logged it; the line's time is when the runtime shipped it.
  const logged = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : NaN;
  const outcome = call
    ? ` [invocation ${requestId?.slice(0, 8)}: ${call.durationMs?.toFixed(0)} ms${call.status ? `, ${call.status}` : ''}]`
    : '';
  return {
    time: Number.isNaN(logged) ? event.timestamp : logged,
    where: group.label,
    what: `${level === 'INFO' ? '' : `${level} `}${show(record.message ?? '')}${extra ? ` (${extra})` : ''}${outcome}`,
    failed: level === 'ERROR' || call?.status === 'timeout',
  };
}

function busHop(
  group: TraceGroup,
  event: TraceLogEvent,
  id: string,
  rules: TraceRule[],
): { hop: Hop; state?: string } | undefined {
  const record = parseObject(event.message);
  if (!record || !mentions(record, id)) return undefined;
  const detail = (record.detail ?? {}) as Record<string, unknown>;
  const matched = rules
    .filter((rule) => rule.busName === group.label && safeMatch(rule.eventPattern, event.message))
    .map((rule) => rule.name);
  const detailFields = typeof detail === 'object' && detail !== null ? fields(detail, new Set(), id) : '';
  return {
    hop: {
      time: event.timestamp,
      where: group.label,
      what: `event "${show(record['detail-type'])}" from ${show(record.source)} (id ${show(record.id)})${detailFields ? ` ${detailFields}` : ''}${matched.length > 0 ? `; rules matched: ${matched.join(', ')}` : ''}`,
    },
    state: typeof detail.state === 'string' ? detail.state : undefined,
  };
}

function safeMatch(pattern: string, event: string): boolean {
  try {
    return testEventPattern(pattern, event);
  } catch {
    return false;
  }
}

function deadLetterHop(letter: DeadLetter): Hop {
  const a = letter.attributes;
  const reason = [a.ERROR_CODE, a.ERROR_MESSAGE].filter(Boolean).join(': ');
  const target = a.TARGET_ARN ? ` target ${a.TARGET_ARN}` : '';
  const rule = a.RULE_ARN ? ` rule ${a.RULE_ARN.split('/').pop()}` : '';
  const attempts = a.RETRY_ATTEMPTS !== undefined ? ` after ${a.RETRY_ATTEMPTS} retries` : '';
  const body = parseObject(letter.body);
  // Lambda's on-failure record: requestContext.condition / approximateInvokeCount.
  const context = (body?.requestContext ?? {}) as Record<string, unknown>;
  const lambda = context.condition
    ? ` ${show(context.condition)} after ${show(context.approximateInvokeCount)} attempts`
    : '';
  return {
    time: letter.sentTimestamp,
    where: letter.queueName,
    what: `dead-lettered${rule}${target}${attempts}${lambda}${reason ? ` (${reason})` : ''}`,
    failed: true,
  };
}

export function assembleTrace(input: TraceInput): Trace {
  const groups = new Map(input.groups.map((g) => [g.logGroupName, g]));
  const calls = invocations(input.events);
  const hops: Hop[] = [];
  let finalState: { time: number; state: string } | undefined;
  const seen = new Set<string>();
  for (const event of input.events) {
    const key = `${event.logGroupName}\n${event.timestamp}\n${event.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const group = groups.get(event.logGroupName) ?? {
      logGroupName: event.logGroupName,
      kind: 'other',
      label: event.logGroupName,
    };
    if (group.kind === 'function') {
      const hop = functionHop(group, event, input.id, calls);
      if (hop) hops.push(hop);
    } else if (group.kind === 'bus-log') {
      const result = busHop(group, event, input.id, input.rules ?? []);
      if (result) {
        hops.push(result.hop);
        if (result.state && (!finalState || event.timestamp >= finalState.time))
          finalState = { time: event.timestamp, state: result.state };
      }
    } else if (event.message.includes(input.id)) {
      hops.push({ time: event.timestamp, where: group.label, what: event.message });
    }
  }
  for (const letter of input.deadLetters ?? []) if (letter.body.includes(input.id)) hops.push(deadLetterHop(letter));
  // Stable: hops of equal time keep the order of their sources.
  hops.sort((a, b) => a.time - b.time);
  return { id: input.id, hops, finalState: finalState?.state };
}

/** The timeline as text: one line per hop, time, offset from the first hop, where, what. */
export function formatTrace(trace: Trace): string[] {
  if (trace.hops.length === 0) return [`No log event mentions ${trace.id}.`];
  const start = trace.hops[0].time;
  const width = Math.max(...trace.hops.map((h) => h.where.length));
  const lines = [
    `Trace of ${trace.id}: ${trace.hops.length} hop(s) over ${((trace.hops[trace.hops.length - 1].time - start) / 1000).toFixed(3)} s`,
  ];
  for (const hop of trace.hops) {
    const offset = `+${((hop.time - start) / 1000).toFixed(3)}s`.padStart(10);
    lines.push(
      `${new Date(hop.time).toISOString()} ${offset}  ${hop.failed ? '✗' : '·'} ${hop.where.padEnd(width)}  ${hop.what}`,
    );
  }
  if (trace.finalState) lines.push(`final state: ${trace.finalState}`);
  return lines;
}
