/**
 * The resource graph a Pulumi program declares, as captured under the mocks: every resource with its type,
 * logical name, id, URN, parent and its state (the inputs plus the outputs the mocks computed, Pulumi input names,
 * camelCase). The local cloud reads nothing else.
 */

/** Structurally the same as `RecordedResource` of local/model/pulumi-mocks.ts. */
export interface GraphResource {
  type: string;
  name: string;
  id: string;
  urn: string;
  parent?: string;
  // Resource properties are whatever the provider schema says; the graph does not narrow them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  state: Record<string, any>;
}

export class ResourceGraph {
  readonly resources: readonly GraphResource[];
  private readonly byUrnIndex = new Map<string, GraphResource>();
  private readonly byArnIndex = new Map<string, GraphResource>();

  constructor(resources: readonly GraphResource[]) {
    this.resources = resources;
    for (const resource of resources) {
      this.byUrnIndex.set(resource.urn, resource);
      const arn = resource.state.arn;
      if (typeof arn === 'string' && arn !== '' && !this.byArnIndex.has(arn)) this.byArnIndex.set(arn, resource);
    }
  }

  ofType(type: string): GraphResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  byArn(arn: string): GraphResource | undefined {
    return this.byArnIndex.get(arn);
  }

  byUrn(urn: string): GraphResource | undefined {
    return this.byUrnIndex.get(urn);
  }

  /** By logical (Pulumi) name first, then by the physical `name` property. */
  byName(name: string, type?: string): GraphResource | undefined {
    const candidates = type === undefined ? this.resources : this.ofType(type);
    return candidates.find((r) => r.name === name) ?? candidates.find((r) => r.state.name === name);
  }
}

/** The physical name of a resource: its `name` property when it has one, else its logical name. */
export function physicalName(resource: GraphResource): string {
  const name = resource.state.name ?? resource.inputs.name;
  return typeof name === 'string' && name !== '' ? name : resource.name;
}
