/**
 * Stage throttling of an HTTP API: a token bucket per route (capacity = burst limit, refilled at the rate limit
 * per second), configured by the stage's DefaultRouteSettings and overridden per route by RouteSettings; when a
 * bucket is empty the request gets 429. Unset limits fall back to the account defaults (10,000 rps, burst 5,000).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 * Pure: time comes from the injected clock.
 */

export interface ThrottleSettings {
  burstLimit?: number;
  rateLimit?: number;
}

export const ACCOUNT_DEFAULT_THROTTLE: Required<ThrottleSettings> = { burstLimit: 5000, rateLimit: 10000 };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes one token if there is one. */
  tryTake(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerSecond);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

export class StageThrottle {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly defaults: ThrottleSettings,
    private readonly perRoute: Record<string, ThrottleSettings>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The limits that apply to a route: per-route values over the stage defaults over the account defaults. */
  settingsFor(routeKey: string): Required<ThrottleSettings> {
    const route = this.perRoute[routeKey] ?? {};
    return {
      burstLimit: route.burstLimit ?? this.defaults.burstLimit ?? ACCOUNT_DEFAULT_THROTTLE.burstLimit,
      rateLimit: route.rateLimit ?? this.defaults.rateLimit ?? ACCOUNT_DEFAULT_THROTTLE.rateLimit,
    };
  }

  /** True when the request may pass; false means 429 Too Many Requests. */
  allow(routeKey: string): boolean {
    let bucket = this.buckets.get(routeKey);
    if (!bucket) {
      const settings = this.settingsFor(routeKey);
      bucket = new TokenBucket(settings.burstLimit, settings.rateLimit, this.now());
      this.buckets.set(routeKey, bucket);
    }
    return bucket.tryTake(this.now());
  }
}
