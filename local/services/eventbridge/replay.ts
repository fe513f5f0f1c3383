/**
 * Archive replay (StartReplay, DescribeReplay, ListReplays, CancelReplay): the pure parts and the record store.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 *
 * - The window is [EventStartTime, EventEndTime): an event is replayed when its `time` is at or after the start and
 *   before the end ("any event with a creation time prior to the EventEndTime", API_Replay.html). AWS replays minute
 *   by minute and does not promise the order within a minute; the local cloud replays in `time` order.
 * - Each replayed event carries a top-level `replay-name` field, which is how the archive's managed rule
 *   (`{"replay-name": [{"exists": false}]}`, eb-archive.html) keeps replayed events out of the archive, and how a
 *   rule may tell replays from live events (docs/aws-behaviour.md#archive-replay).
 * - Destination.Arn must be the archive's source bus ("You can replay events only to the event bus specified to
 *   create the archive", API_ReplayDestination.html); FilterArns, when given, name the only rules that see them.
 * Records are kept in one JSON file rewritten atomically (tmp + rename) on every change, or only in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalCloudError } from '../kernel/errors';
import type { EventEnvelope } from './types';

export type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export const REPLAY_STATES: readonly ReplayState[] = [
  'CANCELLED',
  'CANCELLING',
  'COMPLETED',
  'FAILED',
  'RUNNING',
  'STARTING',
];

/** A replay as the local cloud keeps it; times are epoch milliseconds. */
export interface ReplayRecord {
  name: string;
  arn: string;
  description?: string;
  eventSourceArn: string;
  destination: { Arn: string; FilterArns?: string[] };
  eventStartTime: number;
  eventEndTime: number;
  state: ReplayState;
  stateReason: string;
  replayStartTime: number;
  replayEndTime?: number;
  eventLastReplayedTime?: number;
  /** how many of the selected events are already journaled (a restart resumes after them) */
  progress: number;
}

/** An AWS error of the replay API (code + HTTP 400), surfaced by the edge as is. */
export class ReplayError extends LocalCloudError {
  constructor(code: string, message: string) {
    super(message, { code, statusCode: 400 });
  }
}

const eventTimeMs = (event: EventEnvelope): number => Date.parse(event.time);

/** The archived events whose `time` lies in [startMs, endMs), oldest first (stable for equal times). */
export function selectReplayEvents(events: EventEnvelope[], startMs: number, endMs: number): EventEnvelope[] {
  return events
    .map((event, index) => ({ event, index, time: eventTimeMs(event) }))
    .filter(({ time }) => Number.isFinite(time) && time >= startMs && time < endMs)
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map(({ event }) => event);
}

/** The archived event as it is delivered again: the same event with `replay-name` set. */
export function replayedEvent(event: EventEnvelope, replayName: string): EventEnvelope {
  return { ...event, 'replay-name': replayName };
}

/** Whether a rule receives a replay's events: every rule of the bus when no FilterArns are given. */
export function ruleReceivesReplay(ruleArn: string, filterArns: readonly string[] | undefined): boolean {
  return filterArns === undefined || filterArns.length === 0 || filterArns.includes(ruleArn);
}

/** The archive name in an archive ARN (`arn:aws:events:<region>:<account>:archive/<name>`). */
export function archiveNameOf(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

export interface StartReplayCheck {
  name: string;
  startMs: number;
  endMs: number;
  exists: (name: string) => boolean;
  /** the archive's source bus ARN, or undefined when there is no such archive */
  archiveBusArn: string | undefined;
  archiveName: string;
  destinationArn: string;
  /** the bus ARN the destination names, or undefined when no bus has that ARN */
  destinationBusArn: string | undefined;
}

/**
 * StartReplay's checks in the order AWS applies them, with its codes and wording (the same in moto's and LocalStack's
 * AWS-verified tests): name in use, end not after start, unknown archive, a destination that is another bus
 * (ValidationException) or no bus at all (ResourceNotFoundException).
 */
export function checkStartReplay(check: StartReplayCheck): void {
  // ReplayName: 1 to 64 of [.\-_A-Za-z0-9] (API_StartReplay.html), in the validation layer's wording.
  const invalidName = (constraint: string): ReplayError =>
    new ReplayError(
      'ValidationException',
      `1 validation error detected: Value '${check.name}' at 'replayName' failed to satisfy constraint: ${constraint}`,
    );
  if (check.name.length < 1 || check.name.length > 64)
    throw invalidName(
      check.name.length < 1
        ? 'Member must have length greater than or equal to 1'
        : 'Member must have length less than or equal to 64',
    );
  if (!/^[.\-_A-Za-z0-9]+$/.test(check.name))
    throw invalidName('Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+');
  if (check.exists(check.name))
    throw new ReplayError('ResourceAlreadyExistsException', `Replay ${check.name} already exists.`);
  if (!(check.endMs > check.startMs))
    throw new ReplayError(
      'ValidationException',
      'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
    );
  if (check.archiveBusArn === undefined)
    throw new ReplayError(
      'ValidationException',
      `Parameter EventSourceArn is not valid. Reason: Archive ${check.archiveName} does not exist.`,
    );
  if (check.destinationArn !== check.archiveBusArn) {
    if (check.destinationBusArn === undefined)
      throw new ReplayError(
        'ResourceNotFoundException',
        `Event bus ${archiveNameOf(check.destinationArn)} does not exist.`,
      );
    throw new ReplayError(
      'ValidationException',
      'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
    );
  }
}

export interface ListReplaysQuery {
  NamePrefix?: string;
  State?: string;
  EventSourceArn?: string;
  Limit?: number;
  NextToken?: string;
}

/** ListReplays' filters and paging (API_ListReplays.html); the token is the index of the next replay. */
export function listReplays(
  records: ReplayRecord[],
  query: ListReplaysQuery,
): { page: ReplayRecord[]; nextToken?: string } {
  const filters = [query.NamePrefix, query.State, query.EventSourceArn].filter((f) => f !== undefined);
  if (filters.length > 1)
    throw new ReplayError(
      'ValidationException',
      'At most one filter is allowed for ListReplays. Use either : State, EventSourceArn, or NamePrefix.',
    );
  if (query.State !== undefined && !REPLAY_STATES.includes(query.State as ReplayState))
    throw new ReplayError(
      'ValidationException',
      `1 validation error detected: Value '${query.State}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [${REPLAY_STATES.join(', ')}]`,
    );
  const limit = query.Limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new ReplayError(
      'ValidationException',
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value ${limit < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'}`,
    );
  if (query.NextToken !== undefined && !/^\d+$/.test(query.NextToken))
    throw new ReplayError('ValidationException', 'The NextToken provided is not valid.');
  const start = query.NextToken === undefined ? 0 : Number(query.NextToken);
  const matching = records
    .filter((r) => query.NamePrefix === undefined || r.name.startsWith(query.NamePrefix))
    .filter((r) => query.State === undefined || r.state === query.State)
    .filter((r) => query.EventSourceArn === undefined || r.eventSourceArn === query.EventSourceArn)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = matching.slice(start, start + limit);
  return start + limit < matching.length ? { page, nextToken: String(start + limit) } : { page };
}

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** The `Replay` shape of ListReplays (timestamps as epoch seconds, the JSON protocol's form). */
export function replaySummary(record: ReplayRecord): Record<string, unknown> {
  return {
    ReplayName: record.name,
    EventSourceArn: record.eventSourceArn,
    State: record.state,
    StateReason: record.stateReason,
    EventStartTime: seconds(record.eventStartTime),
    EventEndTime: seconds(record.eventEndTime),
    EventLastReplayedTime: seconds(record.eventLastReplayedTime),
    ReplayStartTime: seconds(record.replayStartTime),
    ReplayEndTime: seconds(record.replayEndTime),
  };
}

/** DescribeReplay's answer (API_DescribeReplay.html). */
export function describeReplay(record: ReplayRecord): Record<string, unknown> {
  return {
    ...replaySummary(record),
    ReplayArn: record.arn,
    Description: record.description,
    Destination: record.destination,
  };
}

/** The replays, in memory and, given a file, on disk (read once at start, rewritten whole on each change). */
export class ReplayStore {
  private readonly records = new Map<string, ReplayRecord>();

  constructor(private readonly file?: string) {
    if (file === undefined || !fs.existsSync(file)) return;
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { replays?: ReplayRecord[] };
    for (const record of saved.replays ?? []) this.records.set(record.name, record);
  }

  get(name: string): ReplayRecord | undefined {
    return this.records.get(name);
  }

  all(): ReplayRecord[] {
    return [...this.records.values()];
  }

  /** Stores the record (a copy) and persists every record. */
  put(record: ReplayRecord): void {
    this.records.set(record.name, { ...record });
    if (this.file === undefined) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ replays: this.all() }, null, 2) + '\n');
    fs.renameSync(tmp, this.file);
  }
}
