/**
 * EventBridge's free-form JSON members (an event pattern, an event) are measured before anything parses them with a
 * recursive reader, so a deeply nested one is a 400 and never a stack overflow or a 500. (The members' JSON types
 * are checked by input-shapes.ts; PutEvents' Detail is refused past 1,000 levels by the engine, per entry.)
 * Pure: no I/O.
 */
import { AwsProtocolError } from './http-util';

/** How deep a JSON document (an event pattern, an event) may nest before it is refused without recursing. */
export const MAX_JSON_DEPTH = 100;

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
    throw new AwsProtocolError(
      'InvalidEventPatternException',
      `${member} is nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
}
