/**
 * Type checks of EventBridge's JSON-protocol input, done before anything recurses into it, so a malformed request is
 * a 400 and never a 500. AWS's JSON protocols reject a member of the wrong JSON type while deserializing, with a
 * `SerializationException` (e.g. `NUMBER_VALUE cannot be converted to String`, or `Start of structure or map found
 * where not expected.`), and a null list element with a `ValidationException` (`Member must not be null`).
 * Pure: no I/O.
 */
import { AwsProtocolError } from './http-util';

/** How deep a JSON document (an event pattern, an event) may nest before it is refused without recursing. */
export const MAX_JSON_DEPTH = 100;

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

function serialization(message: string): AwsProtocolError {
  return new AwsProtocolError('SerializationException', message);
}

/** The wording AWS's deserializer uses when a value of the wrong JSON type stands where a string is expected. */
function notAString(value: unknown): AwsProtocolError {
  switch (jsonKind(value)) {
    case 'number':
      return serialization('NUMBER_VALUE cannot be converted to String');
    case 'boolean':
      return serialization(`${value ? 'TRUE' : 'FALSE'}_VALUE cannot be converted to String`);
    case 'list':
      return serialization('Start of list found where not expected');
    default:
      return serialization('Start of structure or map found where not expected.');
  }
}

function checkString(value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== 'string') throw notAString(value);
}

/** A PutEvents request's entries: each an object whose members have the types the API reference gives. */
export function checkPutEventsEntries(entries: unknown[]): void {
  entries.forEach((entry, index) => {
    if (entry === null || entry === undefined) {
      throw new AwsProtocolError('ValidationException', `1 validation error detected: Value null at 'entries.${index + 1}.member' failed to satisfy constraint: Member must not be null`);
    }
    if (typeof entry !== 'object' || Array.isArray(entry)) throw serialization(jsonKind(entry) === 'list' ? 'Start of list found where not expected' : `${jsonKind(entry).toUpperCase()}_VALUE cannot be converted to PutEventsRequestEntry`);
    const record = entry as Record<string, unknown>;
    for (const member of ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader']) checkString(record[member]);
    // Time is a timestamp: epoch seconds (a number) in the JSON protocol; SDKs send a number, a string is also read.
    const time = record.Time;
    if (time !== undefined && time !== null && typeof time !== 'number' && typeof time !== 'string') throw serialization(jsonKind(time) === 'list' ? 'Start of list found where not expected' : 'Start of structure or map found where not expected.');
    const resources = record.Resources;
    if (resources !== undefined && resources !== null) {
      if (!Array.isArray(resources)) throw jsonKind(resources) === 'object' ? serialization('Start of structure or map found where not expected.') : serialization(`${jsonKind(resources).toUpperCase()}_VALUE cannot be converted to a list`);
      resources.forEach(checkString);
    }
  });
}

/** The nesting depth of a JSON text, measured on its characters (strings skipped), so nothing recurses. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/** Refuses a JSON member nested deeper than MAX_JSON_DEPTH with a 400 before it is parsed by a recursive reader. */
export function checkDepth(member: string, text: string): void {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new AwsProtocolError('InvalidEventPatternException', `${member} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
}
