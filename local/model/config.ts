/**
 * Stack config as `pulumi` resolves it, without the Pulumi service: project-level defaults from Pulumi.yaml, the
 * stack's values from Pulumi.<stack>.yaml, then `--config key=value` overrides (a key without a namespace belongs
 * to the project, as with `pulumi config set`). Values are strings; structured values are JSON text, as the
 * Pulumi runtime hands them to a program. `secure:` values cannot be decrypted locally, so each gets a local
 * placeholder and is listed in a notice: by default a deterministic one (tests), and in the local cloud a random one
 * kept per data directory (local-secrets.ts). Pure: file contents come in as text.
 * https://www.pulumi.com/docs/iac/concepts/config/
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { isRecord } from '../services/kernel/values';
import { LocalCloudError } from '../services/kernel/errors';

export interface ResolvedConfig {
  project: string;
  stack: string;
  /** Fully qualified keys (`project:key`, `aws:region`) → string values. */
  values: Record<string, string>;
  /** Keys whose values are secrets (encrypted in the stack file, or declared secret). */
  secretKeys: string[];
  /** Keys that hold a local placeholder instead of the encrypted value (overridden ones are not listed). */
  placeholders: string[];
  /** Keys set from `--config`. */
  overridden: string[];
}

/** The stack's Pulumi files or a `--config` assignment cannot be read (not infra/config.ts's invalid values). */
export class StackConfigError extends LocalCloudError {}

/** `someKey` → `<project>:someKey`; `aws:region` stays as it is. */
export function qualifyConfigKey(key: string, project: string): string {
  const trimmed = key.trim();
  if (trimmed === '') throw new StackConfigError('A config key must not be empty');
  return trimmed.includes(':') ? trimmed : `${project}:${trimmed}`;
}

/** Parses repeated `--config key=value` arguments (the value may itself contain `=`). */
export function parseConfigAssignments(assignments: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new StackConfigError(`Expected --config key=value, got "${assignment}"`);
    result[assignment.slice(0, eq).trim()] = assignment.slice(eq + 1);
  }
  return result;
}

/** The deterministic stand-in for a `secure:` value: `local-<key>-<8 hex>`, stable for the same stack and ciphertext. */
export function secretPlaceholder(stack: string, qualifiedKey: string, ciphertext: string): string {
  const shortKey = qualifiedKey.slice(qualifiedKey.lastIndexOf(':') + 1);
  const hash = createHash('sha256').update(`${stack}\0${qualifiedKey}\0${ciphertext}`).digest('hex').slice(0, 8);
  return `local-${shortKey}-${hash}`;
}

function isSecure(value: unknown): value is { secure: string } {
  return isRecord(value) && Object.keys(value).length === 1 && typeof value.secure === 'string';
}

function containsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecure);
  if (isRecord(value)) return Object.values(value).some(containsSecure);
  return false;
}

/** Makes the stand-in for one `secure:` value of a key. */
export type PlaceholderMaker = (stack: string, qualifiedKey: string, ciphertext: string) => string;

/** Replaces every nested `{secure: ...}` with its placeholder (structured secrets). */
function replaceSecure(value: unknown, stack: string, key: string, placeholder: PlaceholderMaker): unknown {
  if (isSecure(value)) return placeholder(stack, key, value.secure);
  if (Array.isArray(value)) return value.map((v) => replaceSecure(v, stack, key, placeholder));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, stack, key, placeholder)]));
  return value;
}

/** A config value as the program reads it: strings as is, everything else as JSON text. */
function asConfigString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface ProjectFile {
  name: string;
  main?: string;
  /** Project-level config declarations (`config:` in Pulumi.yaml). */
  config: Record<string, unknown>;
}

export function parseProjectFile(text: string): ProjectFile {
  const doc: unknown = parse(text);
  if (!isRecord(doc) || typeof doc.name !== 'string' || doc.name === '') {
    throw new StackConfigError('Pulumi.yaml must declare the project name');
  }
  return {
    name: doc.name,
    main: typeof doc.main === 'string' ? doc.main : undefined,
    config: isRecord(doc.config) ? doc.config : {},
  };
}

/**
 * Resolves the config of one stack. `stackFileText` is the content of Pulumi.<stack>.yaml (undefined when the
 * stack has no file: only project defaults and overrides apply).
 */
export function resolveConfig(
  project: ProjectFile,
  stack: string,
  stackFileText: string | undefined,
  overrides: Record<string, string> = {},
  placeholder: PlaceholderMaker = secretPlaceholder,
): ResolvedConfig {
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const placeholders = new Set<string>();

  // Project-level defaults: `key: value` or `key: {type, default, secret}`.
  for (const [rawKey, declaration] of Object.entries(project.config)) {
    const key = qualifyConfigKey(rawKey, project.name);
    const value =
      isRecord(declaration) && ('default' in declaration || 'value' in declaration)
        ? (declaration.value ?? declaration.default)
        : declaration;
    if (isRecord(declaration) && declaration.secret === true) secretKeys.add(key);
    if (value !== undefined && value !== null && !(isRecord(value) && 'type' in value))
      values[key] = asConfigString(value);
  }

  if (stackFileText !== undefined) {
    const doc: unknown = parse(stackFileText) ?? {};
    if (!isRecord(doc)) throw new StackConfigError(`Pulumi.${stack}.yaml is not a YAML mapping`);
    const config = doc.config ?? {};
    if (!isRecord(config)) throw new StackConfigError(`Pulumi.${stack}.yaml: "config" must be a mapping`);
    for (const [rawKey, raw] of Object.entries(config)) {
      const key = qualifyConfigKey(rawKey, project.name);
      if (containsSecure(raw)) {
        secretKeys.add(key);
        placeholders.add(key);
        values[key] = asConfigString(replaceSecure(raw, stack, key, placeholder));
      } else if (raw !== null && raw !== undefined) {
        values[key] = asConfigString(raw);
      }
    }
  }

  const overridden: string[] = [];
  for (const [rawKey, value] of Object.entries(overrides)) {
    const key = qualifyConfigKey(rawKey, project.name);
    values[key] = value;
    // `pulumi config set` without --secret stores a plain value.
    placeholders.delete(key);
    secretKeys.delete(key);
    overridden.push(key);
  }

  return {
    project: project.name,
    stack,
    values,
    secretKeys: [...secretKeys],
    placeholders: [...placeholders],
    overridden,
  };
}

/** The notice printed when secrets were replaced by placeholders. */
export function placeholderNotice(config: ResolvedConfig): string | undefined {
  if (config.placeholders.length === 0) return undefined;
  const lines = config.placeholders.map((key) => `  ${key} = ${config.values[key]}`);
  return [
    `Secrets in Pulumi.${config.stack}.yaml cannot be decrypted locally; they run with local placeholders:`,
    ...lines,
    'Set a real value for a run with --config <key>=<value>.',
  ].join('\n');
}
