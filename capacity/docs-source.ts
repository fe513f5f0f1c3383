/**
 * Which stacks docs/capacity.md describes: the program's own graph (its configured region, us-east-1 by default)
 * read once, in that region and in a smaller-quota region. The region only changes the quotas the model applies.
 */
import { ResourceGraph } from '../local/model/graph';
import { SMALL_REGION } from './docs';
import { readStackPipeline, StackPipeline } from './stack-reader';

export const DOC_PATH = 'docs/capacity.md';

export function docStacks(graph: ResourceGraph & { region: string }): Record<string, StackPipeline> {
  return {
    [graph.region]: readStackPipeline(graph, graph.region),
    [SMALL_REGION]: readStackPipeline(graph, SMALL_REGION),
  };
}
