/**
 * EventBridge Pipes input templates (TargetParameters.InputTemplate / EnrichmentParameters.InputTemplate).
 *
 * Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html
 * Pipes have no InputPathsMap: paths are written inline as `<$.json.path>`, next to reserved `<aws.pipes.*>`
 * variables. Insertion and quoting are the EventBridge input transformer rules (see renderTemplate in
 * target-input.ts), applied to one record at a time.
 *
 * A path that selects nothing renders exactly as a missing InputPathsMap path does for a rule target: `""` as a
 * bare JSON value, nothing inside a string or a string template [I] (the Pipes page is silent; we stay consistent
 * with the [V] EventBridge behaviour).
 */
import { ValidationException } from './errors';
import { evaluateJsonPath, JsonPathSyntaxError, parseJsonPath } from './json-path';
import { renderTemplate, RenderResult, scanTemplate, TemplateValue } from './target-input';

export interface PipeTemplateVariables {
  pipeArn: string;
  pipeName: string;
  sourceArn: string;
  targetArn: string;
  enrichmentArn?: string;
  /** ISO-8601 time at which the input transformer received the event. */
  ingestionTime: string;
}

/** CreatePipe: "Length Constraints: Minimum length of 0. Maximum length of 8192." */
export const MAX_PIPE_TEMPLATE_LENGTH = 8192;

export const PIPES_RESERVED_VARIABLES = [
  'aws.pipes.pipe-arn',
  'aws.pipes.pipe-name',
  'aws.pipes.source-arn',
  'aws.pipes.enrichment-arn',
  'aws.pipes.target-arn',
  'aws.pipes.event.ingestion-time',
  'aws.pipes.event',
  'aws.pipes.event.json',
] as const;

const RESERVED = new Set<string>(PIPES_RESERVED_VARIABLES);

/**
 * Checks a template as CreatePipe/UpdatePipe would: length, and every placeholder is a reserved variable or a
 * supported JSONPath. Throws ValidationException (message texts are inferred [I]; AWS's were not recorded).
 */
export function validatePipeTemplate(template: string): void {
  if (template.length > MAX_PIPE_TEMPLATE_LENGTH) {
    throw new ValidationException(
      `1 validation error detected: Value at 'inputTemplate' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PIPE_TEMPLATE_LENGTH}`,
    );
  }
  for (const { name } of scanTemplate(template).placeholders) {
    if (RESERVED.has(name)) continue;
    if (name.startsWith('$')) {
      try {
        parseJsonPath(name);
        continue;
      } catch (err) {
        if (!(err instanceof JsonPathSyntaxError)) throw err;
        throw new ValidationException(`InputTemplate contains invalid placeholder <${name}>: ${err.reason}.`);
      }
    }
    throw new ValidationException(`InputTemplate contains invalid placeholder <${name}>.`);
  }
}

/**
 * Renders the template for one record (with batching, AWS applies it per record). `ok: false` with errorCode
 * `INVALID_JSON` means a JSON template did not produce JSON; the pipe counts it as a failed record.
 */
export function renderPipeTemplate(template: string, record: object, vars: PipeTemplateVariables): RenderResult {
  return renderTemplate(template, (name) => resolvePipeVariable(name, record, vars));
}

function resolvePipeVariable(name: string, record: unknown, vars: PipeTemplateVariables): TemplateValue {
  switch (name) {
    case 'aws.pipes.pipe-arn':
      return text(vars.pipeArn);
    case 'aws.pipes.pipe-name':
      return text(vars.pipeName);
    case 'aws.pipes.source-arn':
      return text(vars.sourceArn);
    case 'aws.pipes.enrichment-arn':
      // A pipe without enrichment has no value here [I]: rendered like a missing path.
      return vars.enrichmentArn === undefined ? { kind: 'missing' } : text(vars.enrichmentArn);
    case 'aws.pipes.target-arn':
      return text(vars.targetArn);
    case 'aws.pipes.event.ingestion-time':
      return text(vars.ingestionTime);
    case 'aws.pipes.event':
      // The event as received; a JSON payload is an object and inserts like any object value.
      return { kind: 'value', value: record };
    case 'aws.pipes.event.json': {
      // "only has a value if the original payload ... is JSON"; unescaped, so usable only as a bare JSON value.
      const json = payloadAsJson(record);
      return json === undefined ? { kind: 'missing' } : { kind: 'rawJson', text: json };
    }
    default: {
      if (!name.startsWith('$')) return { kind: 'missing' };
      let result;
      try {
        result = evaluateJsonPath(record, name);
      } catch (err) {
        // validatePipeTemplate rejects these at CreatePipe; an unvalidated one renders empty.
        if (err instanceof JsonPathSyntaxError) return { kind: 'missing' };
        throw err;
      }
      return result.found ? { kind: 'value', value: result.value } : { kind: 'missing' };
    }
  }
}

function text(value: string): TemplateValue {
  return { kind: 'value', value };
}

/** JSON text of a payload that is JSON: an object/array, or a string that itself parses as an object/array. */
function payloadAsJson(record: unknown): string | undefined {
  if (typeof record === 'string') {
    try {
      const parsed: unknown = JSON.parse(record);
      return typeof parsed === 'object' && parsed !== null ? JSON.stringify(parsed) : undefined;
    } catch {
      return undefined;
    }
  }
  return typeof record === 'object' && record !== null ? JSON.stringify(record) : undefined;
}
