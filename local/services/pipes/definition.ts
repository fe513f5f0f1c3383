/**
 * The pipes of the resource graph as the Pipes service runs them: every aws:pipes/pipe:Pipe with its physical
 * name, ARN and source as declared (the service resolves the source to DynamoDB Local's stream). Pure.
 * https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_CreatePipe.html
 */
import { physicalName, ResourceGraph } from '../../model/graph';
import { optionalString } from '../kernel/values';
import type { PipeDefinition } from './types';

export const PIPE_TYPE = 'aws:pipes/pipe:Pipe';

export function readPipes(graph: ResourceGraph): PipeDefinition[] {
  return graph.ofType(PIPE_TYPE).map((pipe) => ({
    ...(pipe.state as PipeDefinition),
    name: physicalName(pipe),
    arn: optionalString(pipe.state.arn),
    source: String(pipe.state.source ?? ''),
  }));
}
