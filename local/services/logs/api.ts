/**
 * CloudWatch Logs' read API over a LogStore: DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/). Pure apart from what the store reads:
 * `callLogsApi(store, operation, input)` returns the JSON output or throws a `LogsApiError` carrying AWS's code and
 * HTTP status. The edge speaks the wire protocol (edge/logs-json.ts).
 *
 * Pagination tokens are opaque to clients, as on AWS: DescribeLogGroups/Streams and FilterLogEvents resume after
 * the last item returned (so appended lines are picked up by the next page); GetLogEvents hands out `f/<n>` and
 * `b/<n>` positions in the stream and returns the token it was given when there is nothing newer, which is how
 * `aws logs get-log-events` knows it has reached the end
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
 */
import { compileFilterPattern, InvalidParameterException } from '../../engine/log-filter-pattern';
import type { LogGroupInfo, LogStore, StoredLogEvent } from './store';

export class LogsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

const invalidParameter = (message: string): LogsApiError => new LogsApiError('InvalidParameterException', message);
const GROUP_NOT_FOUND = 'The specified log group does not exist.';
const STREAM_NOT_FOUND = 'The specified log stream does not exist.';

export const LOGS_OPERATIONS = ['DescribeLogGroups', 'DescribeLogStreams', 'GetLogEvents', 'FilterLogEvents'] as const;

export function callLogsApi(
  store: LogStore,
  operation: string,
  input: Record<string, unknown>,
): Record<string, unknown> {
  switch (operation) {
    case 'DescribeLogGroups':
      return describeLogGroups(store, input);
    case 'DescribeLogStreams':
      return describeLogStreams(store, input);
    case 'GetLogEvents':
      return getLogEvents(store, input);
    case 'FilterLogEvents':
      return filterLogEvents(store, input);
    default:
      throw new LogsApiError(
        'UnknownOperationException',
        `Operation Logs_20140328.${operation} is not emulated by the local edge (supported: ${LOGS_OPERATIONS.join(', ')})`,
      );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Input helpers (AWS's validation wording: "1 validation error detected: Value 'x' at 'limit' failed to satisfy
// constraint: ..." carried by InvalidParameterException for CloudWatch Logs)

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw invalidParameter(
      `1 validation error detected: Value at '${key}' failed to satisfy constraint: Member must be a string`,
    );
  return value;
}

function optionalInteger(input: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidParameter(
      `1 validation error detected: Value at '${key}' failed to satisfy constraint: Member must be an integer`,
    );
  if (value < min)
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at '${key}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    );
  if (value > max)
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at '${key}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  return value;
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined || value === '')
    throw invalidParameter(
      `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

function encodeToken(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function decodeToken<T>(token: string, check: (value: unknown) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw invalidParameter('The specified nextToken is invalid.');
}

const isAfterKey = (value: unknown): value is { after: string } =>
  typeof value === 'object' && value !== null && typeof (value as { after?: unknown }).after === 'string';

/** `logGroupName` or `logGroupIdentifier` (a name or an ARN), exactly one (API_FilterLogEvents). */
function resolveGroup(store: LogStore, input: Record<string, unknown>): LogGroupInfo {
  const name = optionalString(input, 'logGroupName');
  const identifier = optionalString(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined)
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  if (name === undefined && identifier === undefined)
    throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  const wanted = name ?? (identifier as string);
  const group = store
    .groups()
    .find((g) => g.logGroupName === wanted || g.logGroupArn === wanted || `${g.logGroupArn}:*` === wanted);
  if (!group) throw new LogsApiError('ResourceNotFoundException', GROUP_NOT_FOUND);
  return group;
}

// ---------------------------------------------------------------------------------------------------------------
// DescribeLogGroups: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html

function describeLogGroups(store: LogStore, input: Record<string, unknown>): Record<string, unknown> {
  const prefix = optionalString(input, 'logGroupNamePrefix');
  const pattern = optionalString(input, 'logGroupNamePattern');
  if (prefix !== undefined && pattern !== undefined)
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  const limit = optionalInteger(input, 'limit', 1, 50) ?? 50;
  const token = optionalString(input, 'nextToken');
  const after = token === undefined ? undefined : decodeToken(token, isAfterKey).after;
  const matching = store
    .groups()
    .filter(
      (g) =>
        (prefix === undefined || g.logGroupName.startsWith(prefix)) &&
        (pattern === undefined || g.logGroupName.toLowerCase().includes(pattern.toLowerCase())),
    )
    .filter((g) => after === undefined || g.logGroupName > after);
  const page = matching.slice(0, limit);
  const events = (g: LogGroupInfo): StoredLogEvent[] => store.events(g.logGroupName);
  return {
    logGroups: page.map((g) => ({
      logGroupName: g.logGroupName,
      creationTime: g.creationTime,
      ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
      metricFilterCount: 0,
      arn: `${g.logGroupArn}:*`,
      logGroupArn: g.logGroupArn,
      storedBytes: events(g).reduce((sum, e) => sum + Buffer.byteLength(e.message), 0),
      logGroupClass: 'STANDARD',
    })),
    ...(matching.length > limit ? { nextToken: encodeToken({ after: page[page.length - 1].logGroupName }) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// DescribeLogStreams: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html

interface StreamSummary {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp: number;
  lastEventTimestamp: number;
  lastIngestionTime: number;
  storedBytes: number;
  events: StoredLogEvent[];
}

function streamsOf(store: LogStore, group: LogGroupInfo): Map<string, StreamSummary> {
  const streams = new Map<string, StreamSummary>();
  for (const event of store.events(group.logGroupName)) {
    const stream = streams.get(event.logStreamName);
    if (stream) {
      stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp, event.timestamp);
      stream.lastIngestionTime = Math.max(stream.lastIngestionTime, event.ingestionTime);
      stream.storedBytes += Buffer.byteLength(event.message);
      stream.events.push(event);
    } else {
      streams.set(event.logStreamName, {
        logStreamName: event.logStreamName,
        creationTime: event.timestamp,
        firstEventTimestamp: event.timestamp,
        lastEventTimestamp: event.timestamp,
        lastIngestionTime: event.ingestionTime,
        storedBytes: Buffer.byteLength(event.message),
        events: [event],
      });
    }
  }
  return streams;
}

function describeLogStreams(store: LogStore, input: Record<string, unknown>): Record<string, unknown> {
  const group = resolveGroup(store, input);
  const prefix = optionalString(input, 'logStreamNamePrefix');
  const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalidParameter(
      `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
    );
  }
  if (orderBy === 'LastEventTime' && prefix !== undefined)
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const descending = input.descending === true;
  const limit = optionalInteger(input, 'limit', 1, 50) ?? 50;
  const token = optionalString(input, 'nextToken');
  const after = token === undefined ? undefined : decodeToken(token, isAfterKey).after;
  const key = (s: StreamSummary): string =>
    orderBy === 'LastEventTime'
      ? `${String(s.lastEventTimestamp).padStart(16, '0')}/${s.logStreamName}`
      : s.logStreamName;
  const sorted = [...streamsOf(store, group).values()]
    .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (descending) sorted.reverse();
  const remaining = after === undefined ? sorted : sorted.filter((s) => (descending ? key(s) < after : key(s) > after));
  const page = remaining.slice(0, limit);
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.logStreamName,
      creationTime: s.creationTime,
      firstEventTimestamp: s.firstEventTimestamp,
      lastEventTimestamp: s.lastEventTimestamp,
      lastIngestionTime: s.lastIngestionTime,
      arn: `${group.logGroupArn}:log-stream:${s.logStreamName}`,
      storedBytes: s.storedBytes,
    })),
    ...(remaining.length > limit ? { nextToken: encodeToken({ after: key(page[page.length - 1]) }) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Time ranges: startTime inclusive, endTime exclusive ("Events with a timestamp equal to or later than this time
// are not included", API_GetLogEvents / API_FilterLogEvents).

function timeRange(input: Record<string, unknown>): (event: StoredLogEvent) => boolean {
  const start = optionalInteger(input, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  const end = optionalInteger(input, 'endTime', 0, Number.MAX_SAFE_INTEGER);
  if (start !== undefined && end !== undefined && end < start)
    throw invalidParameter('endTime must be greater than or equal to startTime.');
  return (event) => (start === undefined || event.timestamp >= start) && (end === undefined || event.timestamp < end);
}

const outputEvent = (e: StoredLogEvent): Record<string, unknown> => ({
  timestamp: e.timestamp,
  message: e.message,
  ingestionTime: e.ingestionTime,
});

// ---------------------------------------------------------------------------------------------------------------
// GetLogEvents: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html

function getLogEvents(store: LogStore, input: Record<string, unknown>): Record<string, unknown> {
  const group = resolveGroup(store, input);
  const streamName = requiredString(input, 'logStreamName');
  const inRange = timeRange(input);
  const limit = optionalInteger(input, 'limit', 1, 10_000) ?? 10_000;
  const token = optionalString(input, 'nextToken');
  const stream = streamsOf(store, group).get(streamName);
  // A stream exists once something was written to it; the day's stream of an idle group does not.
  if (!stream) throw new LogsApiError('ResourceNotFoundException', STREAM_NOT_FOUND);
  const events = stream.events.filter(inRange);
  const n = events.length;
  let lo: number;
  let hi: number;
  if (token !== undefined) {
    const match = /^([fb])\/(\d{1,16})$/.exec(token);
    if (!match) throw invalidParameter('The specified nextToken is invalid.');
    const at = Math.min(Number(match[2]), n);
    if (match[1] === 'f') {
      lo = at;
      hi = Math.min(n, at + limit);
    } else {
      hi = at;
      lo = Math.max(0, at - limit);
    }
  } else if (input.startFromHead === true) {
    lo = 0;
    hi = Math.min(n, limit);
  } else {
    hi = n;
    lo = Math.max(0, n - limit);
  }
  const position = (p: number): string => String(p).padStart(16, '0');
  return {
    events: events.slice(lo, hi).map(outputEvent),
    nextForwardToken: `f/${position(hi)}`,
    nextBackwardToken: `b/${position(lo)}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// FilterLogEvents: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html

function filterLogEvents(store: LogStore, input: Record<string, unknown>): Record<string, unknown> {
  const group = resolveGroup(store, input);
  const streamNames = input.logStreamNames;
  if (
    streamNames !== undefined &&
    streamNames !== null &&
    (!Array.isArray(streamNames) || streamNames.some((s) => typeof s !== 'string'))
  ) {
    throw invalidParameter(
      "1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must be a list of strings",
    );
  }
  const names = Array.isArray(streamNames) && streamNames.length > 0 ? new Set(streamNames as string[]) : undefined;
  const prefix = optionalString(input, 'logStreamNamePrefix');
  if (names && prefix !== undefined)
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  if (names && names.size > 100)
    throw invalidParameter(
      "1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100",
    );
  const inRange = timeRange(input);
  const limit = optionalInteger(input, 'limit', 1, 10_000) ?? 10_000;
  let pattern;
  try {
    pattern = compileFilterPattern(optionalString(input, 'filterPattern'));
  } catch (error) {
    if (error instanceof InvalidParameterException) throw invalidParameter(error.message);
    throw error;
  }
  const token = optionalString(input, 'nextToken');
  const after = token === undefined ? undefined : decodeToken(token, isAfterKey).after;
  const key = (e: StoredLogEvent): string => `${String(e.timestamp).padStart(16, '0')}/${e.eventId}`;
  const matching = store
    .events(group.logGroupName)
    .filter(
      (e) =>
        (after === undefined || key(e) > after) &&
        (names === undefined || names.has(e.logStreamName)) &&
        (prefix === undefined || e.logStreamName.startsWith(prefix)) &&
        inRange(e) &&
        pattern.matches(e.message),
    );
  const page = matching.slice(0, limit);
  return {
    events: page.map((e) => ({ logStreamName: e.logStreamName, ...outputEvent(e), eventId: e.eventId })),
    ...(matching.length > limit ? { nextToken: encodeToken({ after: key(page[page.length - 1]) }) } : {}),
  };
}
