/**
 * Matching compiled branches against events.
 *
 * An event is flattened once (`prepareEvent`) into dotted paths, each with the leaf values found there, so many
 * patterns can share the work. Flattening follows the pattern model (docs/aws-behaviour.md#pattern-model):
 * - objects descend, keys joined with `.`; a key that itself contains a dot is indistinguishable from nesting;
 * - an array contributes each of its elements at the array's own path (a pattern matches when any element does,
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html);
 * - objects and empty arrays are not leaves, so `exists:true` is false for them and `exists:false` true;
 * - strings are never parsed: a JSON string holding JSON stays a string.
 *
 * Array consistency (event-ruler's ArrayMembership, docs/aws-behaviour.md#pattern-model): values reached through elements of
 * the same array may only be combined when they come from the same element. So every value remembers the
 * (array, element) steps on its way down, its "trail", and a branch matches only with a set of values whose trails
 * agree wherever they pass through the same array.
 */
import type { Branch, LeafCondition, Scalar } from './event-pattern-compile';

/** The (array id, element index) pairs on the way from the root to a value, flattened: [a0, i0, a1, i1, ...]. */
type Trail = readonly number[];

/** The values found at one flattened path. `trails` is null while no value at the path sits inside an array. */
interface Field {
  readonly values: Scalar[];
  trails: (Trail | null)[] | null;
}

const PREPARED = Symbol('prepared-event');

/** An event flattened once, to be matched against many patterns. Create it with `prepareEvent`. */
export interface PreparedEvent {
  readonly [PREPARED]: true;
  /** Flattened path → values there. */
  readonly fields: ReadonlyMap<string, Field>;
}

export function isPreparedEvent(value: unknown): value is PreparedEvent {
  return typeof value === 'object' && value !== null && PREPARED in value;
}

/** Flattens an event (a parsed JSON object) for matching. Do this once per event and share it across patterns. */
export function prepareEvent(event: unknown): PreparedEvent {
  const fields = new Map<string, Field>();
  const flattener = new Flattener(fields);
  if (typeof event === 'object' && event !== null && !Array.isArray(event))
    flattener.object(event as Record<string, unknown>, '', null);
  return { [PREPARED]: true, fields };
}

class Flattener {
  private nextArrayId = 0;

  constructor(private readonly fields: Map<string, Field>) {}

  object(node: Record<string, unknown>, prefix: string, trail: Trail | null): void {
    for (const key in node) {
      if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
      this.value(node[key], prefix === '' ? key : `${prefix}.${key}`, trail);
    }
  }

  private value(value: unknown, path: string, trail: Trail | null): void {
    switch (typeof value) {
      case 'string':
      case 'number':
      case 'boolean':
        this.add(path, value, trail);
        return;
      case 'object':
        if (value === null) this.add(path, null, trail);
        else if (Array.isArray(value)) this.array(value, path, trail);
        else this.object(value as Record<string, unknown>, path, trail);
        return;
      default:
        // undefined, functions, symbols, bigints: not JSON, so not part of the event.
        return;
    }
  }

  private array(items: unknown[], path: string, trail: Trail | null): void {
    const id = this.nextArrayId++;
    for (let i = 0; i < items.length; i++) {
      this.value(items[i], path, trail === null ? [id, i] : [...trail, id, i]);
    }
  }

  private add(path: string, value: Scalar, trail: Trail | null): void {
    let field = this.fields.get(path);
    if (field === undefined) {
      field = { values: [], trails: null };
      this.fields.set(path, field);
    }
    if (trail !== null && field.trails === null) field.trails = field.values.map(() => null);
    field.values.push(value);
    if (field.trails !== null) field.trails.push(trail);
  }
}

/** True when the two trails never pass through the same array at different elements. */
function consistent(a: Trail | null, b: Trail | null): boolean {
  if (a === null || b === null) return true;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 2) {
    if (a[i] !== b[i]) return true; // different arrays from here on: they are siblings, never in conflict
    if (a[i + 1] !== b[i + 1]) return false;
  }
  return true;
}

/** True when some branch has all its conditions satisfied by the event. */
export function matchBranches(branches: readonly Branch[], event: PreparedEvent): boolean {
  for (let i = 0; i < branches.length; i++) {
    if (matchBranch(branches[i], event.fields)) return true;
  }
  return false;
}

/**
 * One branch: first each leaf on its own (cheap, and enough when no candidate value sits in an array); then, if
 * some leaves can only be satisfied by values inside arrays, a search for one consistent choice of values.
 */
function matchBranch(branch: Branch, fields: ReadonlyMap<string, Field>): boolean {
  let constrained: LeafCondition[] | undefined;
  for (let i = 0; i < branch.length; i++) {
    const leaf = branch[i];
    const field = fields.get(leaf.path);
    if (field === undefined) {
      if (leaf.absentOk) continue;
      return false;
    }
    const { values, trails } = field;
    const test = leaf.test;
    let satisfied = false;
    let viaArrayOnly = false;
    if (test !== undefined) {
      for (let j = 0; j < values.length; j++) {
        if (!test(values[j])) continue;
        if (trails === null || trails[j] === null) {
          satisfied = true;
          break;
        }
        viaArrayOnly = true;
      }
    }
    if (satisfied) continue;
    // exists:false can still hold inside arrays: the path is absent from the element the other leaves chose.
    const absentPossible = leaf.absentOk && trails !== null && trails.every((t) => t !== null);
    if (!viaArrayOnly && !absentPossible) return false;
    (constrained ??= []).push(leaf);
  }
  return constrained === undefined || solve(constrained, 0, [], fields);
}

/**
 * Backtracking over the leaves that need values from arrays: pick for each leaf a matching value whose trail agrees
 * with the values picked so far. Leaves that accept absence come last (the compiler orders them so), and a leaf is
 * "absent" when no value at its path agrees with the picks; more picks only make that easier, never harder.
 */
function solve(leaves: LeafCondition[], index: number, picked: Trail[], fields: ReadonlyMap<string, Field>): boolean {
  if (index === leaves.length) return true;
  const leaf = leaves[index];
  const field = fields.get(leaf.path) as Field;
  const trails = field.trails as (Trail | null)[];
  const agrees = (t: Trail | null): boolean => picked.every((p) => consistent(p, t));
  if (leaf.test !== undefined) {
    for (let j = 0; j < field.values.length; j++) {
      const t = trails[j];
      if (t === null || !leaf.test(field.values[j]) || !agrees(t)) continue;
      picked.push(t);
      const ok = solve(leaves, index + 1, picked, fields);
      picked.pop();
      if (ok) return true;
    }
  }
  if (leaf.absentOk && !trails.some(agrees)) return solve(leaves, index + 1, picked, fields);
  return false;
}
