/**
 * What an EventBridge rule target receives: the event, `Input`, `InputPath` or `InputTransformer`.
 *
 * Sources: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html ;
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html ;
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html
 *
 * The template machinery (placeholder scanning, quoting, JSON check) is exported for pipe-template.ts: Pipes use the
 * same insertion rules with inline paths instead of an InputPathsMap.
 */
import { ValidationException } from './errors';
import { CompiledJsonPath, evaluateJsonPath, JsonPathSyntaxError, parseJsonPath } from './json-path';

/** Option bag named as the Pulumi aws.cloudwatch.EventTarget inputs. */
export interface TargetInputConfig {
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

export type RenderResult = { ok: true; body: string } | { ok: false; errorCode: string; errorMessage: string };

export interface TargetInputContext {
  ruleArn: string;
  ruleName: string;
  /** ISO-8601 time at which EventBridge received the event. */
  ingestionTime: string;
}

// API_InputTransformer and API_Target: length and count limits.
const MAX_INPUT_PATHS = 100;
const MAX_INPUT_TEMPLATE_LENGTH = 8192;
const MAX_INPUT_LENGTH = 8192;
const MAX_PATH_LENGTH = 256;
const INPUT_PATHS_KEY = /^[A-Za-z0-9_-]+$/;

/** Predefined variables: usable without an InputPathsMap entry; their names are reserved. */
export const EVENTBRIDGE_PREDEFINED_VARIABLES = [
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event.ingestion-time',
  'aws.events.event',
  'aws.events.event.json',
] as const;

// ---------------------------------------------------------------------------------------------------------------
// Validation (PutTargets)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Checks a target's input options as PutTargets does, throwing ValidationException with AWS's message.
 * Messages marked [V] were recorded against AWS; the others follow the same style and are inferred.
 */
export function validateTargetInput(targetId: string, config: TargetInputConfig): void {
  const given = [config.input, config.inputPath, config.inputTransformer].filter((v) => v !== undefined && v !== null);
  if (given.length > 1) {
    // [V]
    throw new ValidationException(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${targetId}.`,
    );
  }
  if (config.input !== undefined && config.input.length > MAX_INPUT_LENGTH) {
    throw new ValidationException(
      `Input for target ${targetId} must not be longer than ${MAX_INPUT_LENGTH} characters.`,
    );
  }
  if (config.inputPath !== undefined) validatePath(targetId, 'InputPath', config.inputPath);
  if (config.inputTransformer !== undefined) validateTransformer(targetId, config.inputTransformer);
}

function validatePath(targetId: string, field: string, path: string): CompiledJsonPath {
  if (path.length > MAX_PATH_LENGTH) {
    throw new ValidationException(
      `${field} for target ${targetId} must not be longer than ${MAX_PATH_LENGTH} characters.`,
    );
  }
  try {
    return parseJsonPath(path);
  } catch (err) {
    if (err instanceof JsonPathSyntaxError) {
      throw new ValidationException(
        `${field} for target ${targetId} is not a valid JSON path: ${path}. Reason: ${err.reason}.`,
      );
    }
    throw err;
  }
}

function validateTransformer(targetId: string, transformer: NonNullable<TargetInputConfig['inputTransformer']>): void {
  const template = transformer.inputTemplate;
  if (typeof template !== 'string' || template.length === 0) {
    throw new ValidationException(`InputTemplate for target ${targetId} is required.`);
  }
  if (template.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw new ValidationException(
      `InputTemplate for target ${targetId} must not be longer than ${MAX_INPUT_TEMPLATE_LENGTH} characters.`,
    );
  }
  const paths = transformer.inputPathsMap ?? {};
  const keys = Object.keys(paths);
  if (keys.length > MAX_INPUT_PATHS) {
    throw new ValidationException(
      `InputPathsMap for target ${targetId} must not have more than ${MAX_INPUT_PATHS} entries.`,
    );
  }
  for (const key of keys) {
    // API_InputTransformer: key pattern [A-Za-z0-9\_\-]+ and "The keys cannot start with AWS".
    if (!INPUT_PATHS_KEY.test(key)) {
      throw new ValidationException(`InputPathsMap for target ${targetId} contains invalid key ${key}.`);
    }
    if (key.startsWith('AWS')) {
      throw new ValidationException(
        `InputPathsMap for target ${targetId} contains reserved key ${key}: keys must not start with AWS.`,
      );
    }
    validatePath(targetId, `InputPathsMap value ${key}`, paths[key]);
  }
  const known = new Set<string>([...keys, ...EVENTBRIDGE_PREDEFINED_VARIABLES]);
  for (const placeholder of scanTemplate(template).placeholders) {
    if (!known.has(placeholder.name)) {
      // [V]
      throw new ValidationException(
        `InputTemplate for target ${targetId} contains invalid placeholder ${placeholder.name}.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering (delivery)
// ---------------------------------------------------------------------------------------------------------------

/**
 * The body a target receives for one matched event. `ok: false` means AWS would not invoke the target (the
 * transformer produced invalid JSON, or InputPath selected nothing); callers count it as a failed invocation.
 */
export function renderTargetInput(config: TargetInputConfig, event: object, context: TargetInputContext): RenderResult {
  if (config.input !== undefined) return { ok: true, body: config.input };
  if (config.inputPath !== undefined) {
    const result = evaluateJsonPath(event, config.inputPath);
    if (!result.found) {
      // [I] AWS does not document this case; a path that selects nothing delivers nothing.
      return {
        ok: false,
        errorCode: 'INPUT_PATH_NOT_FOUND',
        errorMessage: `InputPath ${config.inputPath} selects nothing in the event.`,
      };
    }
    // `$.detail.payload.sf_id` delivers the JSON string "baz", quotes included [V].
    return { ok: true, body: JSON.stringify(result.value) };
  }
  if (config.inputTransformer !== undefined) {
    const { inputPathsMap = {}, inputTemplate } = config.inputTransformer;
    return renderTemplate(inputTemplate, (name) => resolveTransformerVariable(name, inputPathsMap, event, context));
  }
  return { ok: true, body: JSON.stringify(event) };
}

function resolveTransformerVariable(
  name: string,
  paths: Record<string, string>,
  event: object,
  context: TargetInputContext,
): TemplateValue {
  if (Object.prototype.hasOwnProperty.call(paths, name)) {
    const result = evaluateJsonPath(event, paths[name]);
    return result.found ? { kind: 'value', value: result.value } : { kind: 'missing' };
  }
  switch (name) {
    case 'aws.events.rule-arn':
      return { kind: 'value', value: context.ruleArn };
    case 'aws.events.rule-name':
      return { kind: 'value', value: context.ruleName };
    case 'aws.events.event.ingestion-time':
      return { kind: 'value', value: context.ingestionTime };
    case 'aws.events.event':
      return { kind: 'rawJson', text: JSON.stringify(eventWithoutDetail(event)) };
    case 'aws.events.event.json':
      return { kind: 'rawJson', text: JSON.stringify(event) };
    default:
      // validateTargetInput rejects these at PutTargets; a target that skipped validation renders them empty.
      return { kind: 'missing' };
  }
}

/**
 * `<aws.events.event>`: the event without `detail`, with `detail-type` renamed `detailType`, keys in the order AWS
 * was recorded producing them [V]. Keys AWS did not show (e.g. `replay-name`) follow in their original order.
 */
function eventWithoutDetail(event: object): Record<string, unknown> {
  const source = event as Record<string, unknown>;
  const order: [string, string][] = [
    ['id', 'id'],
    ['account', 'account'],
    ['detail-type', 'detailType'],
    ['time', 'time'],
    ['source', 'source'],
    ['region', 'region'],
    ['resources', 'resources'],
    ['version', 'version'],
  ];
  const out: Record<string, unknown> = {};
  for (const [from, to] of order) if (from in source) out[to] = source[from];
  for (const [key, value] of Object.entries(source)) {
    if (key !== 'detail' && !order.some(([from]) => from === key)) out[key] = value;
  }
  return out;
}

/**
 * `resolveJsonPathValue` serves HttpParameters (path, header and query values) and Pipes EventBridge target
 * parameters: a value that is a whole JSONPath resolves against the original event; anything else is static.
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_HttpParameters.html ; dynamic path parameters in
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html)
 * A string value is inserted raw, other values as JSON text, a missing path as '' [I]. Text that starts with `$`
 * but does not parse as a supported path is treated as static [I].
 */
export function resolveJsonPathValue(event: object, valueOrPath: string): string {
  if (!valueOrPath.startsWith('$')) return valueOrPath;
  let compiled: CompiledJsonPath;
  try {
    compiled = parseJsonPath(valueOrPath);
  } catch (err) {
    if (err instanceof JsonPathSyntaxError) return valueOrPath;
    throw err;
  }
  const result = evaluateJsonPath(event, compiled);
  if (!result.found) return '';
  return typeof result.value === 'string' ? result.value : JSON.stringify(result.value);
}

// ---------------------------------------------------------------------------------------------------------------
// Shared template engine (EventBridge input transformers and Pipes input templates)
// ---------------------------------------------------------------------------------------------------------------

/**
 * What a placeholder resolves to: a JSON value from the event, nothing, or JSON text that is inserted verbatim in
 * every position (the whole-event variables, which AWS inserts unescaped and documents as bare-value only).
 */
export type TemplateValue = { kind: 'value'; value: unknown } | { kind: 'missing' } | { kind: 'rawJson'; text: string };

export interface TemplatePlaceholder {
  name: string;
  start: number;
  end: number;
  /** Inside a JSON string literal of a JSON template. */
  inString: boolean;
}

export interface ScannedTemplate {
  /** A template whose first non-blank character is `{` is a JSON template; anything else is a string template. */
  isJson: boolean;
  placeholders: TemplatePlaceholder[];
}

/** `<name>`: no whitespace or angle brackets inside, so prose such as `a < b` is left alone [I]. */
const PLACEHOLDER = /<([^<>\s]+)>/g;

export function scanTemplate(template: string): ScannedTemplate {
  const isJson = template.trimStart().startsWith('{');
  const stringMask = isJson ? jsonStringMask(template) : undefined;
  const placeholders: TemplatePlaceholder[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const start = match.index ?? 0;
    placeholders.push({ name: match[1], start, end: start + match[0].length, inString: stringMask?.[start] ?? false });
  }
  return { isJson, placeholders };
}

/** For each character: is it inside a JSON string literal? Handles backslash escapes. */
function jsonStringMask(text: string): boolean[] {
  const mask = new Array<boolean>(text.length).fill(false);
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      mask[i] = true;
      if (ch === '\\') {
        if (i + 1 < text.length) mask[i + 1] = true;
        i += 1;
      } else if (ch === '"') {
        inString = false;
      }
    } else if (ch === '"') {
      inString = true;
      mask[i] = true;
    }
  }
  return mask;
}

/**
 * Substitutes every placeholder and, for a JSON template, checks the result parses.
 * Quoting (eb-transform-target-input.html and docs/aws-behaviour.md#input-template-substitution):
 * - JSON template, bare `<v>`: strings get quotes (not escaped), numbers/booleans/null as is, objects/arrays as JSON,
 *   missing as `""`.
 * - JSON template, inside quotes: strings raw, numbers/booleans as text, objects/arrays as JSON (which breaks the
 *   string, so nothing is delivered), missing as nothing.
 * - String template: strings raw, objects/arrays as JSON with every `"` removed (`{a:1,b:x}`), missing as nothing.
 *   The template's own characters, outer quotes included, are kept.
 * The delivered JSON is minified ("The JSON that is passed to the target is minified").
 */
export function renderTemplate(template: string, resolve: (name: string) => TemplateValue): RenderResult {
  const scanned = scanTemplate(template);
  let out = '';
  let cursor = 0;
  for (const placeholder of scanned.placeholders) {
    out += template.slice(cursor, placeholder.start);
    const position: InsertPosition = !scanned.isJson ? 'string-template' : placeholder.inString ? 'in-string' : 'bare';
    out += formatValue(resolve(placeholder.name), position);
    cursor = placeholder.end;
  }
  out += template.slice(cursor);
  if (!scanned.isJson) return { ok: true, body: out };
  try {
    JSON.parse(out);
  } catch (err) {
    return {
      ok: false,
      errorCode: 'INVALID_JSON',
      errorMessage: `The transformed input is not valid JSON (${(err as Error).message}): ${out}`,
    };
  }
  return { ok: true, body: minifyJson(out) };
}

type InsertPosition = 'bare' | 'in-string' | 'string-template';

function formatValue(value: TemplateValue, position: InsertPosition): string {
  if (value.kind === 'rawJson') return value.text;
  if (value.kind === 'missing') return position === 'bare' ? '""' : '';
  const v = value.value;
  if (typeof v === 'string') return position === 'bare' ? `"${v}"` : v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  const json = JSON.stringify(v) ?? '';
  return position === 'string-template' ? json.replace(/"/g, '') : json;
}

/** Removes insignificant whitespace from valid JSON text without re-serialising values (numbers keep their form). */
export function minifyJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i += 1;
      } else if (ch === '"') {
        inString = false;
      }
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') {
      out += ch;
    }
  }
  return out;
}
