/**
 * AWS URLs the graph declares (an HTTP API's endpoint, a Function URL, a queue URL...) and the local URLs that
 * serve them. A string that equals one of those URLs, or starts with it followed by a path or query, is rewritten
 * to the local one; anything else is left alone. Pure.
 */

export interface UrlMapping {
  /** As the graph declares it, e.g. `https://abc.execute-api.us-east-1.amazonaws.com`. */
  aws: string;
  /** Where the local cloud serves it, e.g. `http://127.0.0.1:3000`. */
  local: string;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

export class UrlMap {
  private readonly mappings: UrlMapping[] = [];

  add(aws: string | undefined, local: string | undefined): void {
    if (!aws || !local) return;
    this.mappings.push({ aws: trimSlash(aws), local: trimSlash(local) });
    // Longest first, so a more specific URL wins over a prefix of it.
    this.mappings.sort((a, b) => b.aws.length - a.aws.length);
  }

  /** The local equivalent of `value` when it is (or is under) a mapped URL; otherwise `value` unchanged. */
  rewrite(value: string): string {
    for (const { aws, local } of this.mappings) {
      if (value === aws) return local;
      if (value.startsWith(aws)) {
        const next = value.charAt(aws.length);
        if (next === '/' || next === '?' || next === '#') return local + value.slice(aws.length);
      }
    }
    return value;
  }

  /** Rewrites every string value of a record (e.g. a function's environment). */
  rewriteRecord(values: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, this.rewrite(v)]));
  }
}
