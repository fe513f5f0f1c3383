/**
 * Route selection of an API Gateway v2 HTTP API. Pure: no I/O.
 *
 * AWS picks, for a request, (1) the most specific route whose method matches exactly (static segments beat
 * `{param}` segments, left to right), then the same with `ANY`, then (2) a greedy `{name+}` route, then (3) the
 * `$default` route; otherwise 404.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
import { LocalCloudError } from '../kernel/errors';

export type Segment =
  { kind: 'static'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface CompiledRoute<T> {
  routeKey: string;
  /** Upper-case method, or `ANY`; undefined for `$default`. */
  method?: string;
  segments: Segment[];
  isDefault: boolean;
  isGreedy: boolean;
  value: T;
}

export interface RouteMatch<T> {
  route: CompiledRoute<T>;
  pathParameters: Record<string, string>;
}

export class InvalidRouteKeyError extends LocalCloudError {}

/** Parses `"GET /pets/{id}"`, `"ANY /{proxy+}"` or `"$default"`. */
export function compileRoute<T>(routeKey: string, value: T): CompiledRoute<T> {
  if (routeKey === '$default') {
    return { routeKey, segments: [], isDefault: true, isGreedy: false, value };
  }
  const match = /^([A-Za-z]+) (\/.*)$/.exec(routeKey);
  if (!match) throw new InvalidRouteKeyError(`Invalid route key "${routeKey}"`);
  const method = match[1].toUpperCase();
  const segments = splitPath(match[2]).map((part, index, all): Segment => {
    const greedy = /^\{([A-Za-z0-9_.-]+)\+\}$/.exec(part);
    if (greedy) {
      if (index !== all.length - 1) {
        throw new InvalidRouteKeyError(`Greedy path variable must be the last segment in "${routeKey}"`);
      }
      return { kind: 'greedy', name: greedy[1] };
    }
    const param = /^\{([A-Za-z0-9_.-]+)\}$/.exec(part);
    if (param) return { kind: 'param', name: param[1] };
    return { kind: 'static', value: part };
  });
  const isGreedy = segments.some((s) => s.kind === 'greedy');
  return { routeKey, method, segments, isDefault: false, isGreedy, value };
}

/** Splits a path into segments; `/` is the empty list. Trailing slashes are ignored, as API Gateway does. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((part, index, all) => part !== '' || (index > 0 && index < all.length - 1));
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    if (segment.kind === 'greedy') {
      // `{proxy+}` matches one or more segments; its value keeps the slashes.
      if (parts.length <= i) return undefined;
      params[segment.name] = parts.slice(i).map(decodeSegment).join('/');
      return params;
    }
    if (i >= parts.length) return undefined;
    if (segment.kind === 'static') {
      if (segment.value !== parts[i]) return undefined; // paths are case-sensitive
    } else {
      params[segment.name] = decodeSegment(parts[i]);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Orders two candidate routes by specificity: compares segment by segment, static beats param beats greedy;
 * a longer static prefix wins.
 */
function compareSpecificity<T>(a: CompiledRoute<T>, b: CompiledRoute<T>): number {
  const rank = (s: Segment | undefined): number =>
    s === undefined ? 3 : s.kind === 'static' ? 0 : s.kind === 'param' ? 1 : 2;
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i += 1) {
    const diff = rank(a.segments[i]) - rank(b.segments[i]);
    if (diff !== 0) return diff;
  }
  return 0;
}

export class RouteTable<T> {
  private readonly routes: CompiledRoute<T>[];

  constructor(routes: CompiledRoute<T>[]) {
    this.routes = [...routes];
  }

  get all(): readonly CompiledRoute<T>[] {
    return this.routes;
  }

  /** Selects the route for a request, or undefined (404). `path` is the stage-relative path. */
  match(method: string, path: string): RouteMatch<T> | undefined {
    const upper = method.toUpperCase();
    const parts = splitPath(path);
    const tiers: ((r: CompiledRoute<T>) => boolean)[] = [
      (r) => !r.isDefault && !r.isGreedy && r.method === upper,
      (r) => !r.isDefault && !r.isGreedy && r.method === 'ANY',
      (r) => r.isGreedy && r.method === upper,
      (r) => r.isGreedy && r.method === 'ANY',
    ];
    for (const tier of tiers) {
      const found = this.routes
        .filter(tier)
        .map((route) => ({ route, pathParameters: matchSegments(route.segments, parts) }))
        .filter((m): m is RouteMatch<T> => m.pathParameters !== undefined)
        .sort((x, y) => compareSpecificity(x.route, y.route));
      if (found.length > 0) return found[0];
    }
    const fallback = this.routes.find((r) => r.isDefault);
    return fallback ? { route: fallback, pathParameters: {} } : undefined;
  }
}
