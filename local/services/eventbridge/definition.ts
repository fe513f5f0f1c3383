/**
 * The EventBridge resources of the resource graph, in the order the service needs them (a bus before its rules,
 * a connection before its API destinations, a rule before its targets). Pure: EventBridgeService.addAll adds
 * them. https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html
 */
import { GraphResource, physicalName, ResourceGraph } from '../../model/graph';
import { optionalString } from '../kernel/values';
import type {
  ApiDestinationDefinition,
  ArchiveDefinition,
  BusDefinition,
  ConnectionDefinition,
  RuleDefinition,
  TargetDefinition,
} from './types';

/** One resource to add, with the words a warning names it by. */
export type EventBridgeResource = { label: string } & (
  | { kind: 'bus'; definition: BusDefinition }
  | { kind: 'connection'; definition: ConnectionDefinition }
  | { kind: 'apiDestination'; definition: ApiDestinationDefinition }
  | { kind: 'rule'; definition: RuleDefinition }
  | { kind: 'target'; definition: TargetDefinition }
  | { kind: 'archive'; definition: ArchiveDefinition }
);

export function readEventBridge(graph: ResourceGraph): EventBridgeResource[] {
  // The graph's state uses Pulumi's input names, which are the definitions' names.
  const named = (r: GraphResource) => ({ ...r.state, name: physicalName(r) });
  const of = (type: string): GraphResource[] => graph.ofType(type);
  return [
    ...of('aws:cloudwatch/eventBus:EventBus').map((r) => ({
      kind: 'bus' as const,
      label: `event bus ${physicalName(r)}`,
      definition: { ...named(r), arn: optionalString(r.state.arn) } as BusDefinition,
    })),
    ...of('aws:cloudwatch/eventConnection:EventConnection').map((r) => ({
      kind: 'connection' as const,
      label: `connection ${physicalName(r)}`,
      definition: named(r) as ConnectionDefinition,
    })),
    ...of('aws:cloudwatch/eventApiDestination:EventApiDestination').map((r) => ({
      kind: 'apiDestination' as const,
      label: `API destination ${physicalName(r)}`,
      definition: named(r) as ApiDestinationDefinition,
    })),
    ...of('aws:cloudwatch/eventRule:EventRule').map((r) => ({
      kind: 'rule' as const,
      label: `rule ${physicalName(r)}`,
      definition: named(r) as RuleDefinition,
    })),
    ...of('aws:cloudwatch/eventTarget:EventTarget').map((r) => ({
      kind: 'target' as const,
      label: `target ${r.name}`,
      definition: r.state as TargetDefinition,
    })),
    ...of('aws:cloudwatch/eventArchive:EventArchive').map((r) => ({
      kind: 'archive' as const,
      label: `archive ${physicalName(r)}`,
      definition: named(r) as ArchiveDefinition,
    })),
  ];
}
