/**
 * What `npm start` prints while it runs: by default one line per state change and per failure, not every log line
 * (`--verbose` prints them all; the files under the data dir's logs/ always keep everything).
 *
 * The local cloud knows AWS, not the stack, so what counts as a state change is the project's to say, in
 * package.json under `localCloud` (docs/design.md#the-local-console-output):
 *   "localCloud": { "stateChanges": ["<CloudWatch Logs filter pattern>", …], "traceKeys": ["<field>", …] }
 * - `stateChanges`: filter patterns in CloudWatch Logs' syntax (the edge's FilterLogEvents engine); a log line that
 *   matches one is a state change. A JSON event (as rules write them into a log group) prints as its detail-type and
 *   the detail's short scalar fields; another JSON record as its level and message.
 * - failures, recognised generically: structured records at level WARN, ERROR, CRITICAL or FATAL (Powertools and
 *   Lambda's JSON log format), Lambda's text ERROR lines and timeouts, a REPORT with an error status, and the local
 *   cloud's own warnings and delivery errors.
 * - `traceKeys`: fields whose value names what `npm run trace` follows; found at the top level or under `detail`,
 *   a failure line ends with the command to run.
 * Pure (the rules are read once at start-up).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compileFilterPattern, CompiledFilterPattern } from './engine/log-filter-pattern';
import { parseLogLine } from './services/logs';
import { isRecord } from './services/kernel/values';

export interface ConsoleLineRules {
  stateChanges: CompiledFilterPattern[];
  traceKeys: string[];
}

export class ConsoleRulesError extends Error {
  override name = 'ConsoleRulesError';
}

/** The rules from a package.json's `localCloud` field; none when absent. Invalid patterns are reported. */
export function consoleRulesFrom(packageJson: unknown): ConsoleLineRules {
  const settings = isRecord(packageJson) && isRecord(packageJson.localCloud) ? packageJson.localCloud : {};
  const list = (name: string): string[] => {
    const value = settings[name] ?? [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw new ConsoleRulesError(`package.json localCloud.${name} must be an array of strings`);
    return value;
  };
  const stateChanges = list('stateChanges').map((pattern) => {
    try {
      return compileFilterPattern(pattern);
    } catch (error) {
      throw new ConsoleRulesError(
        `package.json localCloud.stateChanges: ${pattern}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });
  return { stateChanges, traceKeys: list('traceKeys') };
}

export function readConsoleRules(projectDir: string): ConsoleLineRules {
  const file = path.join(projectDir, 'package.json');
  return consoleRulesFrom(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
}

const FAILURE_LEVELS = new Set(['WARN', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL']);
const MAX_FIELD = 60;

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function traceId(record: Record<string, unknown> | undefined, keys: string[]): string | undefined {
  if (!record) return undefined;
  for (const where of [record, isRecord(record.detail) ? record.detail : {}])
    for (const key of keys) if (typeof where[key] === 'string' && where[key] !== '') return where[key] as string;
  return undefined;
}

function shortFields(record: Record<string, unknown>): string {
  return Object.entries(record)
    .filter(
      ([, v]) => (typeof v === 'string' && v.length <= MAX_FIELD) || typeof v === 'number' || typeof v === 'boolean',
    )
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

function isFailure(source: string, message: string, record: Record<string, unknown> | undefined): boolean {
  if (record) return typeof record.level === 'string' && FAILURE_LEVELS.has(record.level.toUpperCase());
  if (/\tERROR\t|Task timed out|^REPORT .*Status: (error|timeout)/.test(message)) return true;
  return source === 'local-cloud' && /WARNING|error|fail|dead-letter/i.test(message);
}

/** The line to print for a stored log line in quiet mode, or undefined to keep it in the files only. */
export function quietLine(line: string, rules: ConsoleLineRules): string | undefined {
  const parsed = parseLogLine(line);
  if (!parsed) return undefined;
  const { source, message } = parsed;
  const record = parseObject(message);
  const time = parsed.time.toISOString();
  if (rules.stateChanges.some((p) => p.matches(message))) {
    if (record && typeof record['detail-type'] === 'string') {
      const detail = isRecord(record.detail) ? shortFields(record.detail) : '';
      return `${time} ${source} ${record['detail-type']}${detail ? `: ${detail}` : ''}`;
    }
    return record && typeof record.message === 'string' ? `${time} ${source} ${record.message}` : line;
  }
  if (!isFailure(source, message, record)) return undefined;
  const id = traceId(record, rules.traceKeys);
  const what = record
    ? `${String(record.level)} ${typeof record.message === 'string' ? record.message : shortFields(record)}`
    : message;
  return `${time} ${source} ${what}${id ? `  → npm run trace -- ${id}` : ''}`;
}
