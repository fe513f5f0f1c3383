/**
 * The stack outputs of the last local run, kept in `<dataDir>/stack-outputs.json` (mode 0600: secret outputs are
 * in it), and shown the way `pulumi stack output` shows a deployed stack's: one output's value alone (for
 * `$(...)`), or all of them in a table; secret outputs as `[secret]` unless `--show-secrets`.
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const STACK_OUTPUTS_FILE = 'stack-outputs.json';

export interface StoredStackOutputs {
  stack: string;
  /** Outputs with AWS URLs rewritten to their local equivalents. */
  outputs: Record<string, unknown>;
  /** Names of the outputs the program marked secret. */
  secretOutputs: string[];
}

export class StackOutputsError extends Error {
  override name = 'StackOutputsError';
}

export function writeStackOutputs(dataDir: string, stored: StoredStackOutputs): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, STACK_OUTPUTS_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(stored, null, 2), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}

/** The outputs of the last run on this data directory, or undefined when nothing ran there yet. */
export function readStackOutputs(dataDir: string): StoredStackOutputs | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, STACK_OUTPUTS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as Partial<StoredStackOutputs>;
  return {
    stack: String(parsed.stack ?? '?'),
    outputs: parsed.outputs ?? {},
    secretOutputs: parsed.secretOutputs ?? [],
  };
}

export interface ShowOptions {
  name?: string;
  showSecrets: boolean;
  json: boolean;
}

const SECRET = '[secret]';

/** One value as `pulumi stack output NAME` prints it: a string bare, anything else as JSON. */
function plain(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** The lines `pulumi stack output` would print for these outputs. */
export function showStackOutputs(stored: StoredStackOutputs, options: ShowOptions): string[] {
  const masked = (name: string): unknown =>
    stored.secretOutputs.includes(name) && !options.showSecrets ? SECRET : stored.outputs[name];
  if (options.name !== undefined) {
    if (!(options.name in stored.outputs)) {
      throw new StackOutputsError(
        `current stack does not have output property '${options.name}' (it has: ${Object.keys(stored.outputs).sort().join(', ')})`,
      );
    }
    const value = masked(options.name);
    return [options.json ? JSON.stringify(value, null, 2) : plain(value)];
  }
  const names = Object.keys(stored.outputs).sort();
  if (options.json) return [JSON.stringify(Object.fromEntries(names.map((n) => [n, masked(n)])), null, 2)];
  const width = Math.max('OUTPUT'.length, ...names.map((n) => n.length));
  return [
    `Current stack outputs (${names.length}):`,
    `    ${'OUTPUT'.padEnd(width)}  VALUE`,
    ...names.map((n) => {
      const value = masked(n);
      return `    ${n.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}`;
    }),
  ];
}
