/**
 * The local cloud's log store as CloudWatch Logs sees it: the graph's log groups, and their events read back from
 * the per-source files the LogSink writes (`<dir>/<source>.log`, lines `<ISO time> <source> <message>`).
 *
 * Which lines belong to which group:
 * - every `aws:cloudwatch/logGroup:LogGroup` of the graph is a group; lines whose source is the group's name are
 *   its events (the catch-all rule's log-group target, the HTTP API's access log and a pipe's execution log are
 *   written that way);
 * - every function has the group `/aws/lambda/<function name>` (AWS creates it on first write when the stack does
 *   not declare it: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html); its lines are
 *   written with the function's name as source.
 *
 * Log streams: the files do not record which execution environment wrote a line, so each group has one stream
 * per UTC day, named the way AWS names them: `YYYY/MM/DD/[$LATEST]<32 hex>` for functions (Lambda's form), and
 * `YYYY/MM/DD/<32 hex>` for other groups. The hex part is derived from the group and the day, so names are stable
 * across reads and restarts.
 * Times: `timestamp` and `ingestionTime` are the line's time (the local cloud writes as it logs).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { GraphResource } from '../../model/graph';
import { parseLogLine, sanitiseSource } from '../logs';

export interface LogGroupInfo {
  logGroupName: string;
  /** `arn:aws:logs:<region>:<account>:log-group:<name>` (DescribeLogGroups adds `:*` for `arn`). */
  logGroupArn: string;
  creationTime: number;
  retentionInDays?: number;
  /** Whether its streams use Lambda's `[$LATEST]` form. */
  lambda: boolean;
  /** LogSink sources whose lines are this group's events. */
  sources: string[];
}

export interface StoredLogEvent {
  logStreamName: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
  /** Decimal digits, ordered like (timestamp, file, line): AWS's event ids are long digit strings too. */
  eventId: string;
}

/** What the Logs API reads: the groups, and a group's events ordered by (timestamp, eventId). */
export interface LogStore {
  groups(): LogGroupInfo[];
  events(logGroupName: string): StoredLogEvent[];
}

/** The graph's log groups, plus `/aws/lambda/<fn>` for functions whose group the stack does not declare. */
export function logGroupsFromGraph(
  resources: readonly GraphResource[],
  context: { region: string; accountId: string; creationTime: number },
): LogGroupInfo[] {
  const arnOf = (name: string): string => `arn:aws:logs:${context.region}:${context.accountId}:log-group:${name}`;
  const groups = new Map<string, LogGroupInfo>();
  for (const resource of resources.filter((r) => r.type === 'aws:cloudwatch/logGroup:LogGroup')) {
    const name = String(resource.state.name ?? resource.name);
    const retention = Number(resource.state.retentionInDays);
    groups.set(name, {
      logGroupName: name,
      logGroupArn: arnOf(name),
      creationTime: context.creationTime,
      retentionInDays: Number.isInteger(retention) && retention > 0 ? retention : undefined,
      lambda: name.startsWith('/aws/lambda/'),
      sources: [name],
    });
  }
  for (const fn of resources.filter((r) => r.type === 'aws:lambda/function:Function')) {
    const functionName = String(fn.state.name ?? fn.name);
    const name = `/aws/lambda/${functionName}`;
    const group = groups.get(name) ?? {
      logGroupName: name,
      logGroupArn: arnOf(name),
      creationTime: context.creationTime,
      lambda: true,
      sources: [name],
    };
    group.sources.push(functionName);
    groups.set(name, group);
  }
  return [...groups.values()].sort((a, b) =>
    a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0,
  );
}

/** The stream a line of `group` written at `time` belongs to (see the module comment). */
export function streamNameFor(group: Pick<LogGroupInfo, 'logGroupName' | 'lambda'>, time: Date): string {
  const day = time.toISOString().slice(0, 10).replace(/-/g, '/');
  const id = createHash('sha256').update(`${group.logGroupName}\n${day}`).digest('hex').slice(0, 32);
  return `${day}/${group.lambda ? '[$LATEST]' : ''}${id}`;
}

interface CachedFile {
  size: number;
  mtimeMs: number;
  events: StoredLogEvent[];
}

/** Reads the LogSink's files; re-reads a file only when it changed. */
export class FileLogStore implements LogStore {
  private readonly cache = new Map<string, CachedFile>();

  constructor(
    private readonly dir: string,
    private readonly logGroups: LogGroupInfo[],
  ) {}

  groups(): LogGroupInfo[] {
    return this.logGroups;
  }

  events(logGroupName: string): StoredLogEvent[] {
    const group = this.logGroups.find((g) => g.logGroupName === logGroupName);
    if (!group) return [];
    const files = [...new Set(group.sources.map((s) => sanitiseSource(s)))];
    const events = files.flatMap((file) => this.readFile(group, file));
    return events.sort(
      (a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0),
    );
  }

  private readFile(group: LogGroupInfo, base: string): StoredLogEvent[] {
    const file = `${this.dir}/${base}.log`;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return [];
    }
    const key = `${group.logGroupName}\n${file}`;
    const cached = this.cache.get(key);
    if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached.events;
    const fileNumber = parseInt(createHash('sha256').update(base).digest('hex').slice(0, 8), 16) % 100_000_000;
    const events: StoredLogEvent[] = [];
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, index) => {
        const line = parseLogLine(raw);
        if (!line || !group.sources.includes(line.source)) return;
        const timestamp = line.time.getTime();
        events.push({
          logStreamName: streamNameFor(group, line.time),
          timestamp,
          ingestionTime: timestamp,
          message: line.message,
          eventId: `${String(timestamp).padStart(16, '0')}${String(fileNumber).padStart(8, '0')}${String(index).padStart(10, '0')}`,
        });
      });
    this.cache.set(key, { size: stat.size, mtimeMs: stat.mtimeMs, events });
    return events;
  }
}
