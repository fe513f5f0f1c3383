/**
 * Per-destination token bucket at InvocationRateLimitPerSecond. Excess invocations are QUEUED in arrival order and
 * delayed, not rejected; a queued invocation whose event ages out is released with `false` so the sender can
 * dead-letter it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html, "API destination
 * rate limits"). The bucket holds at most one second of tokens (AWS does not document a burst size) [I].
 * Rates are real time: the receiving server sees the configured rate.
 */
interface Waiter {
  deadline: number;
  resolve: (granted: boolean) => void;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly capacity: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`invocation rate must be positive, got ${ratePerSecond}`);
    this.capacity = Math.max(1, ratePerSecond);
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** Number of invocations waiting for a token. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Resolves true when a token was taken, false when `deadline` (epoch ms) passed first or `signal` aborted.
   */
  acquire(deadline = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { deadline, resolve };
      this.queue.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) {
            this.queue.splice(index, 1);
            resolve(false);
          }
          if (this.queue.length === 0) this.clearTimer();
        },
        { once: true },
      );
      this.schedule();
    });
  }

  /** Releases every waiter (service stop). */
  close(): void {
    this.clearTimer();
    for (const waiter of this.queue.splice(0)) waiter.resolve(false);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }

  private pump(): void {
    this.timer = undefined;
    this.refill();
    const now = this.now();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.deadline <= now) {
        this.queue.shift();
        head.resolve(false);
        continue;
      }
      if (this.tokens < 1) break;
      this.tokens -= 1;
      this.queue.shift();
      head.resolve(true);
    }
    // Expired waiters behind the head are released too, so they do not wait for their turn to age out.
    for (let i = this.queue.length - 1; i >= 1; i -= 1) {
      if (this.queue[i].deadline <= now) this.queue.splice(i, 1)[0].resolve(false);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const now = this.now();
    const untilToken = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.ratePerSecond) * 1000;
    const nearestDeadline = Math.min(...this.queue.map((w) => w.deadline)) - now;
    const wait = Math.max(0, Math.min(untilToken, nearestDeadline));
    this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
