import { GraphResource, ResourceGraph } from '../../../local/model/graph';

/** A graph resource as the mocks record it: `state` is both the inputs and the outputs. */
export function resource(type: string, name: string, state: Record<string, unknown>): GraphResource {
  return { type, name, id: `${name}-id`, urn: `urn:pulumi:test::p::${type}::${name}`, inputs: state, state };
}

export function graphOf(...resources: GraphResource[]): ResourceGraph {
  return new ResourceGraph(resources);
}
