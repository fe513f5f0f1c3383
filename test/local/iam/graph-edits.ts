/**
 * Graph-level edits for the IAM tests: a copy of the loaded stack graph with one thing changed, as a stack transform
 * would change it before deployment. (Pulumi's own mechanisms do not reach a program run under mocks:
 * `registerResourceTransform` throws "The Pulumi CLI does not support transforms" without the engine's callback
 * server, and `registerStackTransformation` throws "The root stack resource was referenced before it was
 * initialized", since the mocks create no root stack resource. So the edit is made on the recorded graph.)
 */
import type { GraphResource } from '../../../local/model/graph';
import { StackGraph } from '../../../local/model/load';

export type Edit = (resources: GraphResource[]) => GraphResource[];

/** A deep copy of the graph with the edits applied in order. */
export function edited(graph: StackGraph, ...edits: Edit[]): StackGraph {
  // Inputs and state are JSON (what AWS receives); the rest of a record is shared, never edited.
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  let resources = graph.resources.map((r) => ({ ...r, inputs: copy(r.inputs), state: copy(r.state) }));
  for (const edit of edits) resources = edit(resources);
  return new StackGraph(resources, graph.outputs, graph.config, graph.accountId, graph.region);
}

function find(resources: GraphResource[], type: string, name: string): GraphResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}

/** Remove one resource (a permission, a queue policy...). */
export function remove(type: string, name: string): Edit {
  return (resources) => {
    const target = find(resources, type, name);
    return resources.filter((r) => r !== target);
  };
}

type Doc = { Version: string; Statement: Record<string, unknown>[] };

/** Rewrite a JSON policy held in a resource property (`policy`, `assumeRolePolicy`, `policyDocument`). */
export function editPolicy(type: string, name: string, property: string, change: (doc: Doc) => Doc): Edit {
  return (resources) => {
    const resource = find(resources, type, name);
    const doc = JSON.parse(resource.state[property]) as Doc;
    doc.Statement = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    const json = JSON.stringify(change(doc));
    resource.state[property] = json;
    resource.inputs[property] = json;
    return resources;
  };
}

/** Change a plain property. */
export function setProperty(type: string, name: string, property: string, value: unknown): Edit {
  return (resources) => {
    const resource = find(resources, type, name);
    resource.state[property] = value;
    resource.inputs[property] = value;
    return resources;
  };
}

export const Types = {
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  permission: 'aws:lambda/permission:Permission',
  queuePolicy: 'aws:sqs/queuePolicy:QueuePolicy',
  logResourcePolicy: 'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
} as const;
