/**
 * The value-level building blocks of event patterns: wildcard globs, IP addresses and CIDR blocks, numeric ranges.
 * Each parser throws PatternReasonError with AWS's reason text; the compiler turns it into
 * InvalidEventPatternException. Each matcher is a small closure over pre-parsed data, built once per pattern.
 *
 * Behaviour is copied from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * and, where the page is silent, from aws/event-ruler (the library EventBridge runs; docs/aws-behaviour.md#event-patterns [ER]).
 */
import { LocalCloudError } from '../services/kernel/errors';

/** A validation failure carrying AWS's reason text (the part after `Event pattern is not valid. Reason: `). */
export class PatternReasonError extends LocalCloudError {}

export function reject(reason: string): never {
  throw new PatternReasonError(reason);
}

// ---------------------------------------------------------------------------------------------------------------
// Wildcard
// ---------------------------------------------------------------------------------------------------------------

/**
 * Most `*` characters one wildcard value may hold.
 *
 * [I] decision: AWS rejects "overly complex" wildcards (`Rule is too complex - try using fewer wildcard characters
 * or fewer repeating character sequences after a wildcard character`) using event-ruler's
 * MachineComplexityEvaluator, whose exact threshold AWS does not publish. The observed anchors are:
 * `arn:aws:events:us-east-1:*:event-bus/*` (2 stars) passes and `*:*:*:*:*:event-bus/*` (6 stars) fails
 * (docs/aws-behaviour.md#pattern-operators [V]). Our rule: a single wildcard value may hold at most 5 unescaped `*` characters.
 * It accepts and rejects both anchors as AWS does, and it is predictable for a user reading the error.
 */
export const MAX_WILDCARD_STARS = 5;

export const WILDCARD_TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

/** A parsed wildcard: literal segments separated by `*` (zero or more characters of any kind, `/` included). */
export interface Wildcard {
  /** Literal text between stars, escapes resolved. `segments.length === stars + 1`. */
  readonly segments: readonly string[];
}

/**
 * Parses a wildcard value. `\*` is a literal star and `\\` a literal backslash; any other escape is an error, as is
 * `**`. Positions in the messages are event-ruler's: the UTF-8 byte offset in the value as it sits inside its JSON
 * quotes, so the first character is at pos 1 (event-ruler's own test: `abc**def` gives `pos 4`).
 */
export function parseWildcard(value: string): Wildcard {
  const segments: string[] = [];
  let current = '';
  let bytePos = 1; // the opening quote is byte 0
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '*') {
      if (value[i + 1] === '*') reject(`Consecutive wildcard characters at pos ${bytePos}`);
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') reject(`Invalid escape character at pos ${bytePos}`);
      current += next;
      i++;
      bytePos++;
    } else {
      current += c;
    }
    bytePos += utf8Length(value, i);
    // A surrogate pair counts once (4 bytes), so skip its low half.
    if (isHighSurrogate(value.charCodeAt(i))) i++;
  }
  segments.push(current);
  if (segments.length - 1 > MAX_WILDCARD_STARS) reject(WILDCARD_TOO_COMPLEX);
  return { segments };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** UTF-8 length of the character starting at `i` (a surrogate pair is one 4-byte character). */
function utf8Length(s: string, i: number): number {
  const code = s.charCodeAt(i);
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (isHighSurrogate(code)) return 4;
  return 3;
}

/** Builds a matcher for a parsed wildcard. Star-only globs match greedily without backtracking: first segment as a
 * prefix, last as a suffix, the middle ones left to right at their earliest position. */
export function wildcardMatcher(wildcard: Wildcard): (s: string) => boolean {
  const segs = wildcard.segments;
  if (segs.length === 1) {
    const exact = segs[0];
    return (s) => s === exact;
  }
  const head = segs[0];
  const tail = segs[segs.length - 1];
  const middle = segs.slice(1, -1).filter((m) => m.length > 0);
  const minLength = segs.reduce((n, seg) => n + seg.length, 0);
  if (middle.length === 0) {
    return (s) => s.length >= minLength && s.startsWith(head) && s.endsWith(tail);
  }
  return (s) => {
    if (s.length < minLength || !s.startsWith(head) || !s.endsWith(tail)) return false;
    let from = head.length;
    const end = s.length - tail.length;
    for (const m of middle) {
      const at = s.indexOf(m, from);
      if (at < 0 || at + m.length > end) return false;
      from = at + m.length;
    }
    return true;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses and CIDR
// ---------------------------------------------------------------------------------------------------------------

/** An IP address as an unsigned integer and its family. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * Parses an IPv4 dotted quad or an IPv6 address (hex groups, one `::` allowed; no zone id, no embedded IPv4, as
 * event-ruler's shape check excludes dots from IPv6). Returns undefined when the text is not an IP address.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (IPV4_SHAPE.test(text)) {
    let value = 0n;
    for (const part of text.split('.')) {
      if (part.length > 3) return undefined;
      const n = Number(part);
      if (n > 255) return undefined;
      value = (value << 8n) | BigInt(n);
    }
    return { family: 4, value };
  }
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

function parseIpv6(text: string): IpAddress | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? groups : undefined;
  };
  const left = groupsOf(halves[0]);
  const right = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!left || !right) return undefined;
  const given = left.length + right.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const groups = [...left, ...Array<string>(8 - given).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  return { family: 6, value };
}

/** An inclusive range of addresses of one family. */
export interface IpRange {
  readonly family: 4 | 6;
  readonly low: bigint;
  readonly high: bigint;
}

/**
 * Parses a CIDR block with event-ruler's checks and messages (docs/aws-behaviour.md#invalid-patterns [V] for the first three).
 *
 * [ER] kept on purpose: the mask must be below 32 (IPv4) or 128 (IPv6), so a single-host `/32` is refused (match a
 * single address with an exact string instead). Host bits in the address are ignored (current event-ruler computes
 * the bottom of the block too), so `10.0.0.5/24` covers 10.0.0.0 to 10.0.0.255.
 */
export function parseCidr(text: string): IpRange {
  // Java's String.split drops trailing empty strings: "10.0.0.0/" has no mask part at all.
  const parts = text.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) reject("Malformed CIDR, one '/' required");
  if (!/^[+-]?[0-9]+$/.test(parts[1]) || Math.abs(Number(parts[1])) > 2147483647) {
    reject('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(parts[1]);
  if (maskBits < 0) reject('Malformed CIDR, mask bits must not be negative');
  const ip = parseIpForCidr(parts[0]);
  const width = ip.family === 4 ? 32 : 128;
  if (maskBits > width - 1) reject(`IPv${ip.family} mask bits must be < ${width}`);
  const hostBits = BigInt(width - maskBits);
  const hostMask = (1n << hostBits) - 1n;
  return { family: ip.family, low: ip.value & ~hostMask, high: ip.value | hostMask };
}

function parseIpForCidr(text: string): IpAddress {
  const shaped = IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
  if (!shaped) reject(`Nonstandard IP address: ${text}`);
  const ip = parseIp(text);
  if (!ip) reject(`Invalid IP address: ${text}`);
  return ip;
}

/** True when `text` is an IP address equal to `ip` (any spelling: case, zero compression, leading zeros). */
export function sameIp(ip: IpAddress, text: string): boolean {
  const other = parseIp(text);
  return other !== undefined && other.family === ip.family && other.value === ip.value;
}

export function cidrMatcher(range: IpRange): (s: string) => boolean {
  return (s) => {
    const ip = parseIp(s);
    return ip !== undefined && ip.family === range.family && ip.value >= range.low && ip.value <= range.high;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Numeric
// ---------------------------------------------------------------------------------------------------------------

/** A numeric condition: an interval with optional bounds. `=` is the closed interval [v, v]. */
export interface NumericRange {
  readonly low?: number;
  readonly lowOpen: boolean;
  readonly high?: number;
  readonly highOpen: boolean;
}

const BOUND_OPERATORS = new Set(['>', '>=']);
const UPPER_OPERATORS = new Set(['<', '<=']);

/**
 * Parses the array of a `numeric` match with event-ruler's grammar and messages:
 * `["=", n]`, `[">"|">=", n]`, `["<"|"<=", n]`, or a lower bound followed by an upper bound
 * (`[">", 0, "<=", 5]`). The lower bound must come first (docs/aws-behaviour.md#pattern-operators).
 *
 * Numbers: any JSON number (event-ruler accepts the full double range; `3e2`, `300.0` and `300` are one value).
 */
export function parseNumeric(items: readonly unknown[]): NumericRange {
  const [op, first] = items;
  if (typeof op !== 'string') reject(`Invalid member in numeric match: ${jsonText(op, ']')}`);
  const isNumber = (v: unknown): v is number => typeof v === 'number';
  if (op === '=') {
    if (!isNumber(first)) reject('Value of equals must be numeric');
    if (items.length > 2) reject('Too many elements in numeric expression');
    return { low: first, lowOpen: false, high: first, highOpen: false };
  }
  if (UPPER_OPERATORS.has(op)) {
    if (!isNumber(first)) reject(`Value of ${op} must be numeric`);
    if (items.length > 2) reject('Too many elements in numeric expression');
    return { lowOpen: false, high: first, highOpen: op === '<' };
  }
  if (!BOUND_OPERATORS.has(op)) reject(`Unrecognized numeric range operator: ${op}`);
  if (!isNumber(first)) reject(`Value of ${op} must be numeric`);
  if (items.length === 2) return { low: first, lowOpen: op === '>', highOpen: false };
  const [, , upperOp, upper] = items;
  if (typeof upperOp !== 'string') reject(`Bad value in numeric range: ${jsonText(upperOp, ']')}`);
  if (!UPPER_OPERATORS.has(upperOp)) reject(`Bad numeric range operator: ${upperOp}`);
  if (!isNumber(upper)) reject(`Value of ${upperOp} must be numeric`);
  if (items.length > 4) reject('Too many terms in numeric range expression');
  // An empty interval is refused (event-ruler's Range; SNS filter policies, built on the same engine, say this).
  if (!(first < upper)) reject('Bottom must be less than top');
  return { low: first, lowOpen: op === '>', high: upper, highOpen: upperOp === '<' };
}

export function numericMatcher(range: NumericRange): (n: number) => boolean {
  const { low, lowOpen, high, highOpen } = range;
  if (low !== undefined && high !== undefined) {
    if (low === high) return (n) => n === low;
    return (n) => (lowOpen ? n > low : n >= low) && (highOpen ? n < high : n <= high);
  }
  if (low !== undefined) return lowOpen ? (n) => n > low : (n) => n >= low;
  if (high !== undefined) return highOpen ? (n) => n < high : (n) => n <= high;
  return () => true;
}

/** How Jackson's `getText()` shows a token in a message (strings unquoted, end of array as `]`). */
export function jsonText(value: unknown, whenMissing: string): string {
  if (value === undefined) return whenMissing;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return '[';
  if (value !== null && typeof value === 'object') return '{';
  return String(value);
}
