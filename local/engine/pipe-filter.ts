/**
 * EventBridge Pipes filter criteria: which source records go on to enrichment and target.
 *
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html (docs/aws-behaviour.md#pipes-filters):
 * up to 5 filters, OR-ed; each is an event pattern (JSON text) evaluated against one record at a time, the record
 * as the source delivers it (for DynamoDB streams the attribute-value wrappers stay: `{"S": ...}`). Pipes support a
 * narrower set of operators than buses, so every filter is compiled in the `pipes` dialect. A pipe without filter
 * criteria, or with an empty list, passes every record.
 *
 * [I] decision: every field of the record can be filtered, `eventName` included. The Pipes guide lists `eventName`
 * among fields it does not filter on, but Lambda ESM (same filtering service) filters it and pipes in practice do
 * (docs/aws-behaviour.md#pipes-filters); refusing it here would reject the common INSERT/MODIFY filter.
 */
import { ValidationException } from './errors';
import { compileEventPattern, prepareEvent, type CompiledEventPattern } from './event-pattern';

/** Pipes allow at most this many filters (FilterCriteria.Filters, API_FilterCriteria.html). */
export const MAX_PIPE_FILTERS = 5;

/** The Pulumi input shape of `sourceParameters.filterCriteria`. */
export interface PipeFilterCriteria {
  filters?: { pattern: string }[];
}

const MATCH_EVERYTHING: CompiledEventPattern = { matches: () => true };

/**
 * Compiles a pipe's filter criteria. Throws ValidationException for more than 5 filters and
 * InvalidEventPatternException for a filter pattern that is not valid (CreatePipe rejects both).
 */
export function compilePipeFilter(filterCriteria?: PipeFilterCriteria): CompiledEventPattern {
  const filters = filterCriteria?.filters ?? [];
  if (filters.length > MAX_PIPE_FILTERS) {
    // AWS's generic constraint message for a list longer than its maximum.
    throw new ValidationException(
      `1 validation error detected: Value at 'sourceParameters.filterCriteria.filters' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PIPE_FILTERS}`,
    );
  }
  if (filters.length === 0) return MATCH_EVERYTHING;
  const compiled = filters.map((f) => compileEventPattern(f.pattern, { dialect: 'pipes' }));
  if (compiled.length === 1) return compiled[0];
  return {
    matches(record: unknown): boolean {
      // Flatten the record once for all filters.
      const prepared = prepareEvent(record);
      return compiled.some((c) => c.matches(prepared));
    },
  };
}
