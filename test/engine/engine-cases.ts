/**
 * Loads the table-driven cases under test/fixtures/engine-cases/. Each file is an array of rows
 * `{ name, source, ...inputs, expected }`; `source` is the AWS page (or a docs/aws-behaviour.md heading) the row comes from.
 *
 * Rows may name an event of events.json instead of inlining it, and may write long strings as
 * `{ "$repeat": "<unit>", "times": N, "prefix"?: ..., "suffix"?: ... }` (unit, prefix and suffix may themselves be `$repeat` objects) so that size-limit cases stay readable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures', 'engine-cases');

export interface EngineCase {
  name: string;
  source: string;
  [input: string]: unknown;
}

export function loadCases<T extends EngineCase>(file: string): T[] {
  const rows = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as unknown[];
  return rows.map((row) => expand(row) as T);
}

const events = JSON.parse(readFileSync(join(FIXTURES, 'events.json'), 'utf8')) as Record<string, object>;

/** An event of events.json by name, or the inline event itself. */
export function eventFor(ref: unknown): object {
  if (typeof ref === 'string') {
    const event = events[ref];
    if (event === undefined) throw new Error(`events.json has no event named ${ref}`);
    return structuredClone(event);
  }
  return ref as object;
}

function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.$repeat !== undefined && typeof record.times === 'number') {
    const part = (v: unknown) => (v === undefined ? '' : String(expand(v)));
    return `${part(record.prefix)}${part(record.$repeat).repeat(record.times)}${part(record.suffix)}`;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expand(v)]));
}
