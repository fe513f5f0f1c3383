/**
 * What every control-plane answer is computed from: the resource graph the Pulumi program declared, the stack's
 * account and region, the secret values that must never be answered, and the moment the local stack started
 * (AWS reports creation times; the graph has none, so every resource "was created" when the local cloud started).
 * Pure: no I/O.
 */
import { GraphResource, physicalName, ResourceGraph } from '../model/graph';

export interface ControlPlaneStack {
  graph: ResourceGraph;
  accountId: string;
  region: string;
  /** Literal secret values (Pulumi secrets of the program): no answer reveals them. */
  secretValues: readonly string[];
  /** When the local stack started: the creation and last-modified time of every resource. */
  startedAt: Date;
}

/** A stack graph as local/model/load.ts returns it (config is only read for its secret keys). */
export interface StackGraphLike extends ResourceGraph {
  accountId: string;
  region: string;
  config?: { values: Record<string, string>; secretKeys: string[] };
}

/** Secret outputs of the random provider, marked secret by the engine (additionalSecretOutputs). */
const RANDOM_SECRET_TYPES = new Set(['random:index/randomPassword:RandomPassword']);

/**
 * Every literal value the program holds as a Pulumi secret: config values set with `--secret` (or declared
 * secret), and generated passwords. A resource input that was marked secret as a whole (a function's
 * `environment` with one secret variable in it) is then shown without exactly the members holding these values.
 */
export function secretValuesOf(graph: StackGraphLike): string[] {
  const values = new Set<string>();
  const config = graph.config;
  if (config) {
    for (const key of config.secretKeys) {
      const value = config.values[key];
      if (typeof value === 'string' && value !== '') values.add(value);
    }
  }
  for (const resource of graph.resources) {
    if (!RANDOM_SECRET_TYPES.has(resource.type)) continue;
    for (const key of ['result', 'bcryptHash']) {
      const value = resource.state[key];
      if (typeof value === 'string' && value !== '') values.add(value);
    }
  }
  return [...values];
}

export function stackOf(graph: StackGraphLike, startedAt = new Date()): ControlPlaneStack {
  return { graph, accountId: graph.accountId, region: graph.region, secretValues: secretValuesOf(graph), startedAt };
}

/** Does this text carry a secret value (as is, or inside a larger string such as `Bearer <token>`)? */
export function revealsSecret(stack: ControlPlaneStack, value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  return stack.secretValues.some((secret) => value.includes(secret));
}

/** What stands in for a secret value that would otherwise appear inside an answer. */
export const REDACTED = '*****';

/**
 * The safety net under every answer: a secret value anywhere in it (an integration's header mapping, a target's
 * constant input…) is replaced. Answers that AWS would give with the value (a function's environment) leave the
 * member out before this point instead.
 */
export function redactSecrets<T>(stack: ControlPlaneStack, value: T): T {
  if (stack.secretValues.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return stack.secretValues.reduce((text, secret) => text.split(secret).join(REDACTED), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, member]) => [k, walk(member)]));
    return v;
  };
  return walk(value) as T;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Drops undefined members, so answers carry only what is declared (as AWS omits unset members). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Resources of a type, sorted by physical name (list order, and stable page boundaries). */
export function sortedOfType(graph: ResourceGraph, type: string): GraphResource[] {
  return graph.ofType(type).sort((a, b) => physicalName(a).localeCompare(physicalName(b)));
}

/** The last `/`- or `:`-separated part of a name-or-ARN (`arn:…:event-bus/orders` → `orders`). */
export function nameFromRef(ref: string, marker: string): string {
  const i = ref.indexOf(marker);
  return ref.startsWith('arn:') && i >= 0 ? ref.slice(i + marker.length) : ref;
}

/** Epoch seconds, as AWS JSON protocols send timestamps. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export { physicalName };
export type { GraphResource };
