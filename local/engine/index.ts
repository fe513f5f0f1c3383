/**
 * The event engine: pure EventBridge / Pipes semantics (no I/O, no AWS SDK). Import from here.
 */
// Errors
export { EngineError, InvalidEventPatternException, ValidationException } from './errors';
// Event patterns and pipe filters
export {
  compileEventPattern,
  testEventPattern,
  prepareEvent,
  type CompiledEventPattern,
  type CompileEventPatternOptions,
  type PatternDialect,
  type PreparedEvent,
} from './event-pattern';
export { compilePipeFilter, MAX_PIPE_FILTERS, type PipeFilterCriteria } from './pipe-filter';
// Target input, Pipes templates, PutEvents, HTTP API parameter mapping, JSONPath (ENGINE-TRANSFORM)
export * from './json-path';
export * from './target-input';
export * from './pipe-template';
export * from './put-events';
export * from './parameter-mapping';
// CloudWatch Logs filter patterns (FilterLogEvents, metric and subscription filters)
export {
  compileFilterPattern,
  testFilterPattern,
  splitDelimitedFields,
  InvalidParameterException,
  type CompiledFilterPattern,
} from './log-filter-pattern';
