/**
 * PutEvents: request limits, per-entry validation and the event envelope delivered to rules.
 *
 * Sources: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html ;
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html ;
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html ;
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html
 */
import { ValidationException } from './errors';

export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  /** A Date, epoch seconds (the JSON 1.1 wire form, possibly fractional), or a date string. */
  Time?: Date | number | string;
  TraceHeader?: string;
}

export interface PutEventsResultEntryError {
  ErrorCode: string;
  ErrorMessage: string;
}

/** Request-level failure: HTTP 400 `ValidationException` (the whole call fails, no entry is accepted). */
export class PutEventsValidationException extends ValidationException {}

/** API_PutEvents: "Entries ... Array Members: Minimum number of 1 item. Maximum number of 10 items." */
export const MAX_PUT_EVENTS_ENTRIES = 10;
/** eb-putevent-size.html: "The total entry size must be less than 256KB." */
export const MAX_PUT_EVENTS_SIZE_BYTES = 256 * 1024;
/** API_PutEventsRequestEntry: Detail is processed to at most 1000 levels of nesting. */
const MAX_DETAIL_DEPTH = 1000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Request-level checks, in the order AWS applies them: the entry count (a service-model constraint, checked
 * first), then the total size. Throws PutEventsValidationException with AWS's message [V].
 */
export function validatePutEventsRequest(entries: PutEventsRequestEntry[]): void {
  if (entries.length < 1) {
    throw new PutEventsValidationException(
      "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (entries.length > MAX_PUT_EVENTS_ENTRIES) {
    throw new PutEventsValidationException(
      `1 validation error detected: Value '[${entries.map(describeEntry).join(', ')}]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PUT_EVENTS_ENTRIES}`,
    );
  }
  const total = entries.reduce((sum, entry) => sum + putEventsEntrySize(entry), 0);
  if (total >= MAX_PUT_EVENTS_SIZE_BYTES) {
    throw new PutEventsValidationException('Total size of the entries in the request is over the limit.');
  }
}

/** The service's Java toString of one entry, as AWS echoes it in the "more than 10 entries" message [V]. */
function describeEntry(entry: PutEventsRequestEntry): string {
  const time = entry.Time === undefined ? 'null' : formatEventTime(parseEntryTime(entry.Time) ?? new Date(NaN));
  const resources = entry.Resources === undefined ? 'null' : `[${entry.Resources.join(', ')}]`;
  const field = (v: string | undefined) => (v === undefined ? 'null' : v);
  return (
    `PutEventsRequestEntry(time=${time}, source=${field(entry.Source)}, resources=${resources}, ` +
    `detailType=${field(entry.DetailType)}, detail=${field(entry.Detail)}, eventBusName=${field(entry.EventBusName)}, ` +
    `traceHeader=${field(entry.TraceHeader)}, kmsKeyIdentifier=null, internalMetadata=null)`
  );
}

/**
 * AWS's size rule (eb-putevent-size.html): Time counts 14 bytes when present; Source, DetailType, Detail and each
 * Resources string count their UTF-8 byte length.
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s === undefined || s === null ? 0 : Buffer.byteLength(s, 'utf8'));
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/**
 * Per-entry validation (HTTP 200; the entry fails alone). Returns the first failure, checked in this order:
 * Source, DetailType, Detail present [V messages]; Detail a JSON object within AWS's nesting and int64 limits;
 * Source not in the reserved `aws.` namespace. The order of the last two is [I].
 */
export function validatePutEventsEntry(entry: PutEventsRequestEntry): PutEventsResultEntryError | undefined {
  if (isBlank(entry.Source)) return invalidArgument('Source');
  if (isBlank(entry.DetailType)) return invalidArgument('DetailType');
  // An empty Detail counts as missing, like an empty Source or DetailType [I].
  if (isBlank(entry.Detail)) return invalidArgument('Detail');
  if (!isAcceptableDetail(entry.Detail as string))
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  // "Custom Source values must not begin with aws." (eb-events.html). Message as AWS returns it.
  if ((entry.Source as string).startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  return undefined;
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value === null || value === '';
}

function invalidArgument(parameter: 'Source' | 'DetailType' | 'Detail'): PutEventsResultEntryError {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${parameter} is a required argument.`,
  };
}

/** Detail must parse as a JSON object (not an array, string, number or null), nest at most 1000 levels and keep
 * every integer within int64 (API_PutEventsRequestEntry). */
function isAcceptableDetail(detail: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  return withinDetailLimits(detail);
}

/** One pass over valid JSON text: nesting depth, and integer literals that do not fit a signed 64-bit integer. */
function withinDetailLimits(json: string): boolean {
  let depth = 0;
  let i = 0;
  while (i < json.length) {
    const ch = json[i];
    if (ch === '"') {
      i += 1;
      while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
      i += 1;
    } else if (ch === '{' || ch === '[') {
      depth += 1;
      if (depth > MAX_DETAIL_DEPTH) return false;
      i += 1;
    } else if (ch === '}' || ch === ']') {
      depth -= 1;
      i += 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const match = /^-?\d+([.eE][-+\d.eE]*)?/.exec(json.slice(i, i + 400)) ?? [''];
      const literal = match[0];
      if (match[1] === undefined && literal.length > 0) {
        const value = BigInt(literal);
        if (value < INT64_MIN || value > INT64_MAX) return false;
      }
      i += Math.max(literal.length, 1);
    } else {
      i += 1;
    }
  }
  return true;
}

/** The event envelope as delivered to rules and targets (eb-events.html). */
export interface EventEnvelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Fields AWS adds in some paths (e.g. `replay-name` on replayed events). */
  [key: string]: unknown;
}

/**
 * The event delivered to rules and targets (eb-events.html), keys in AWS's order [V]:
 * version, id, detail-type, source, account, time, region, resources, detail. `time` is the entry's Time, or the
 * receipt time, at second precision with a Z suffix; `resources` defaults to []; `detail` is the parsed object.
 * Call it only for an entry that passed validatePutEventsEntry.
 */
export function buildEventEnvelope(
  entry: PutEventsRequestEntry,
  opts: { id: string; account: string; region: string; receivedAt: Date },
): EventEnvelope {
  if (entry.Detail === undefined) throw new Error('buildEventEnvelope needs a validated entry (Detail is missing)');
  const time =
    (entry.Time !== undefined && entry.Time !== null ? parseEntryTime(entry.Time) : undefined) ?? opts.receivedAt;
  return {
    version: '0',
    id: opts.id,
    'detail-type': entry.DetailType ?? '',
    source: entry.Source ?? '',
    account: opts.account,
    time: formatEventTime(time),
    region: opts.region,
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail) as Record<string, unknown>,
  };
}

/**
 * Time as the wire carries it: a Date, epoch seconds (number, or a numeric string), or an ISO-8601 string.
 * Returns undefined for text that is not a time; the envelope then falls back to the receipt time [I].
 */
export function parseEntryTime(time: Date | number | string): Date | undefined {
  let date: Date;
  if (time instanceof Date) date = time;
  else if (typeof time === 'number') date = new Date(time * 1000);
  else if (/^-?\d+(\.\d+)?$/.test(time.trim())) date = new Date(Number(time) * 1000);
  else date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `YYYY-MM-DDTHH:MM:SSZ`: UTC, whole seconds (fractions truncated [I]), no milliseconds [V]. */
export function formatEventTime(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'null';
  return `${date.toISOString().slice(0, 19)}Z`;
}
