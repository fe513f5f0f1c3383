/**
 * A deterministic discrete-event model of an asynchronous pipeline: orders enter at a rate, walk a list of steps
 * (rate gates, rate-limited queues, Lambda functions, a stream poller, an HTTP call with EventBridge retries), and
 * each ends throttled, dead-lettered, completed, or still in flight when the horizon is reached.
 *
 * Pure: no I/O, no clock, no randomness. Orders move in cohorts (a count with a common birth time) so that 10,000
 * orders/s for ten minutes is as cheap to model as ten; time advances in fixed steps `dt`, and within a step a
 * cohort may cross any number of zero-delay steps. Shared limits (an account quota used by several hops) are
 * token buckets or concurrency pools that several steps draw on, in step order.
 */
import { nextRetryDelay, RetryBudget } from './backoff';

// ---------------------------------------------------------------------------------------------------- inputs

/** A token bucket: `rate` tokens per second, at most `burst` held. */
export interface BucketSpec {
  id: string;
  label: string;
  rate: number;
  burst: number;
  /**
   * On-demand growth: while demand exceeds the rate, the rate doubles after each `doubleAfterSeconds` of
   * throttling, up to `max` (a DynamoDB on-demand table adapting to a new peak).
   */
  growth?: { doubleAfterSeconds: number; max: number };
}

/** A Lambda function: concurrency-limited servers with a scaling rate and cold starts. */
export interface FunctionSpec {
  id: string;
  label: string;
  /** Reserved concurrency, or Infinity (then the account pool is the limit). */
  concurrency: number;
  serviceSeconds: number;
  coldStartSeconds: number;
}

/** A stream poller: `slots(tableRate)` concurrent batches of up to `batch` records, each taking `serviceSeconds`. */
export interface PollerSpec {
  id: string;
  label: string;
  batch: number;
  serviceSeconds: number;
  /** Shards × parallelization; depends on the table's current write rate (shards follow partitions). */
  slotsPerShard: number;
  shardOf: { bucket: string; writesPerShard: number };
  maxSlots: number;
}

export interface BucketUse {
  bucket: string;
  /** Tokens per order (fractions allowed: one PutEvents request carries up to ten entries). */
  cost: number;
}

export type StepSpec =
  /** Rejects what the buckets cannot take now (HTTP 429 to the client). */
  | { kind: 'gate'; id: string; label: string; uses: BucketUse[] }
  /** Waits for tokens, first in first out; events older than `maxAgeSeconds` go to `dlq`. */
  | { kind: 'queue'; id: string; label: string; uses: BucketUse[]; maxAgeSeconds?: number; dlq?: string }
  | { kind: 'delay'; id: string; label: string; seconds: number }
  /** An asynchronous Lambda invocation: waits in Lambda's queue for a free environment. */
  | { kind: 'function'; id: string; label: string; fn: string; maxAgeSeconds?: number; dlq?: string }
  /** A stream record waits for a poller batch. */
  | { kind: 'poll'; id: string; label: string; poller: string; uses: BucketUse[]; maxAgeSeconds?: number; dlq?: string }
  /**
   * An HTTP call (an API destination) to `fn` (a Lambda behind a URL) or an external endpoint taking
   * `seconds`; `failureRate` of calls fail, and the callback `gate` may reject; both retry at `retryStep` with
   * EventBridge's back-off within `retry`, then go to `dlq`.
   */
  | {
      kind: 'call';
      id: string;
      label: string;
      fn?: string;
      seconds: number;
      failureRate: number;
      callbackGate: BucketUse[];
      retry: RetryBudget;
      retryStep: string;
      dlq: string;
    }
  /** A new event is born here (its age restarts: each target's retry budget counts from its own event). */
  | { kind: 'event'; id: string; label: string }
  /** The order has reached its goal; later steps only add load. */
  | { kind: 'complete'; id: string; label: string };

export interface ModelInput {
  buckets: BucketSpec[];
  functions: FunctionSpec[];
  pollers: PollerSpec[];
  steps: StepSpec[];
  lambda: { accountConcurrency: number; scalingPerTenSeconds: number };
}

/** Offered load: a constant rate for `durationSeconds`, optionally a burst at another rate starting at `atSeconds`. */
export interface Scenario {
  rate: number;
  durationSeconds: number;
  burst?: { rate: number; seconds: number; atSeconds?: number };
}

export interface RunOptions {
  /**
   * Time step (s). Default: 10 ms for the first two minutes, 50 ms to twenty minutes, 200 ms after (long backlogs
   * are measured in minutes; the early steps decide latencies).
   */
  dt?: number;
  /** Multiplies the default step schedule (coarser and faster above 1). */
  dtScale?: number;
  /** How long after the last arrival to keep running (s). Default: 2 h + the longest event age budget. */
  drainSeconds?: number;
  /** Backlog samples kept per hop. */
  samples?: number;
}

// --------------------------------------------------------------------------------------------------- outputs

export interface HopResult {
  id: string;
  label: string;
  kind: StepSpec['kind'];
  /** Highest share of the hop's limit in use over any one-second window (0..1+); undefined for plain delays. */
  peakUtilization?: number;
  /** What limits it, in words (a bucket or a pool). */
  limitedBy?: string;
  /** The limit's id: a bucket id, `fn:<id>` or `poller:<id>`. */
  limitedById?: string;
  /** Orders (or records) that left the hop. */
  passed: number;
  peakBacklog: number;
  /** Seconds from the start until its backlog was last non-zero (0 when it never queued). */
  drainedAt: number;
  /** [time s, backlog] samples. */
  backlog: [number, number][];
  throttled: number;
  deadLettered: number;
  retries: number;
}

export interface ModelResult {
  offered: number;
  completed: number;
  throttled: number;
  deadLettered: Record<string, number>;
  inFlightAtEnd: number;
  /** Seconds from the start until the last order completed or ended. */
  drainSeconds: number;
  latency: { p50: number; p99: number; max: number };
  hops: HopResult[];
  /** Counts used by the cost model: tokens drawn per bucket, invocations and busy seconds per function. */
  usage: {
    bucketTokens: Record<string, number>;
    functionInvocations: Record<string, number>;
    functionSeconds: Record<string, number>;
    callAttempts: Record<string, number>;
    pollerBatches: Record<string, number>;
    simulatedSeconds: number;
  };
}

// ------------------------------------------------------------------------------------------------- machinery

interface Cohort {
  n: number;
  born: number;
  eventBorn: number;
  retries: number;
  ready: number;
}

/** A FIFO of cohorts: `waiting` sorted by ready time, `ready` in arrival order. */
class StepQueue {
  private waiting: Cohort[] = [];
  private readyList: Cohort[] = [];
  private head = 0;
  total = 0;
  /** Orders due now and waiting for this step's resource (its backlog). */
  readyTotal = 0;

  push(c: Cohort, mergeQuantum: number): void {
    if (c.n <= 0) return;
    this.total += c.n;
    const w = this.waiting;
    const last = w[w.length - 1];
    if (
      last !== undefined &&
      last.retries === c.retries &&
      Math.abs(last.ready - c.ready) < 1e-9 &&
      c.born - last.born < mergeQuantum &&
      c.eventBorn - last.eventBorn < mergeQuantum
    ) {
      // Same moment, close births: fold (keeps the count exact, the birth time to within the quantum).
      last.n += c.n;
      return;
    }
    if (last === undefined || last.ready <= c.ready) {
      w.push(c);
      return;
    }
    let lo = 0;
    let hi = w.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (w[mid].ready <= c.ready) lo = mid + 1;
      else hi = mid;
    }
    w.splice(lo, 0, c);
  }

  /** Moves what is due by `t` to the ready list. */
  release(t: number): void {
    let i = 0;
    while (i < this.waiting.length && this.waiting[i].ready <= t + 1e-9) i++;
    if (i > 0) {
      for (const c of this.waiting.splice(0, i)) {
        this.readyList.push(c);
        this.readyTotal += c.n;
      }
    }
  }

  peek(): Cohort | undefined {
    return this.readyList[this.head];
  }

  /** Takes up to `n` from the head cohort. */
  take(n: number): Cohort | undefined {
    const c = this.readyList[this.head];
    if (c === undefined || n <= 0) return undefined;
    const k = Math.min(n, c.n);
    c.n -= k;
    this.total -= k;
    this.readyTotal -= k;
    if (c.n <= 1e-9) {
      this.total -= c.n;
      this.readyTotal -= c.n;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.readyList.length) {
        this.readyList = this.readyList.slice(this.head);
        this.head = 0;
      }
    }
    return { ...c, n: k };
  }

  /**
   * Removes ready cohorts whose event is older than `maxAge` (s) at `t`; returns how many. `full` scans the whole
   * list; otherwise only from the head while they are too old (the list is in arrival order, which is event order
   * except for retries).
   */
  expire(t: number, maxAge: number, full: boolean): number {
    if (!full) {
      let removed = 0;
      for (
        let c = this.readyList[this.head];
        c !== undefined && t - c.eventBorn > maxAge;
        c = this.readyList[this.head]
      ) {
        removed += c.n;
        this.total -= c.n;
        this.readyTotal -= c.n;
        this.head++;
      }
      return removed;
    }
    let removed = 0;
    const kept: Cohort[] = [];
    for (let i = this.head; i < this.readyList.length; i++) {
      const c = this.readyList[i];
      if (t - c.eventBorn > maxAge) removed += c.n;
      else kept.push(c);
    }
    if (removed > 0) {
      this.readyList = kept;
      this.head = 0;
      this.total -= removed;
      this.readyTotal -= removed;
    }
    return removed;
  }

  get readyCount(): number {
    return Math.max(0, this.readyTotal);
  }
}

class Bucket {
  tokens: number;
  rate: number;
  burst: number;
  drawn = 0;
  windowDrawn = 0;
  peakShare = 0;
  private throttledFor = 0;
  private starved = false;

  constructor(readonly spec: BucketSpec) {
    this.rate = spec.rate;
    this.burst = spec.burst;
    this.tokens = spec.burst;
  }

  refill(dt: number): void {
    if (this.spec.growth && this.starved) {
      this.throttledFor += dt;
      if (this.throttledFor >= this.spec.growth.doubleAfterSeconds && this.rate < this.spec.growth.max) {
        this.rate = Math.min(this.spec.growth.max, this.rate * 2);
        this.burst = Math.max(this.burst, this.rate);
        this.throttledFor = 0;
      }
    }
    this.starved = false;
    this.tokens = Math.min(this.burst, this.tokens + this.rate * dt);
  }

  /** How many orders of `cost` tokens each it can take now. */
  room(cost: number): number {
    return cost <= 0 ? Infinity : Math.max(0, this.tokens / cost);
  }

  draw(tokens: number): void {
    this.tokens -= tokens;
    this.drawn += tokens;
    this.windowDrawn += tokens;
  }

  markStarved(): void {
    this.starved = true;
  }

  closeWindow(seconds: number): void {
    this.peakShare = Math.max(this.peakShare, this.windowDrawn / (this.rate * seconds));
    this.windowDrawn = 0;
  }
}

interface InFlight {
  c: Cohort;
  finish: number;
  step: number;
  /** Poller slots this job holds (a batch may span cohorts: the first piece holds the slots). */
  slots?: number;
}

class FunctionPool {
  inflight: InFlight[] = [];
  busy = 0;
  envs = 0;
  scaleTokens: number;
  invocations = 0;
  busySeconds = 0;
  peakShare = 0;

  constructor(
    readonly spec: FunctionSpec,
    readonly scaleBurst: number,
  ) {
    this.scaleTokens = scaleBurst;
  }
}

class PollerPool {
  inflight: InFlight[] = [];
  busy = 0;
  batches = 0;
  peakShare = 0;
  constructor(readonly spec: PollerSpec) {}
}

/** Nearest-rank percentile over a histogram of (value, weight) pairs. */
function percentile(points: [number, number][], q: number): number {
  const total = points.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) return 0;
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  let acc = 0;
  for (const [v, w] of sorted) {
    acc += w;
    if (acc >= q * total - 1e-9) return v;
  }
  return sorted[sorted.length - 1][0];
}

export function arrivalsBetween(s: Scenario, t0: number, t1: number): number {
  const overlap = (a: number, b: number): number => Math.max(0, Math.min(b, t1) - Math.max(a, t0));
  let n = s.rate * overlap(0, s.durationSeconds);
  if (s.burst) {
    const at = s.burst.atSeconds ?? 0;
    // During the burst the burst rate replaces the sustained rate.
    n += (s.burst.rate - s.rate) * overlap(at, at + s.burst.seconds);
  }
  return Math.max(0, n);
}

export function scenarioEnd(s: Scenario): number {
  return Math.max(s.durationSeconds, s.burst ? (s.burst.atSeconds ?? 0) + s.burst.seconds : 0);
}

export function offeredOrders(s: Scenario): number {
  return arrivalsBetween(s, 0, scenarioEnd(s));
}

// ------------------------------------------------------------------------------------------------------- run

export function runModel(input: ModelInput, scenario: Scenario, options: RunOptions = {}): ModelResult {
  const arrivalsEnd = scenarioEnd(scenario);
  const longestAge = Math.max(
    0,
    ...input.steps.map((s) =>
      s.kind === 'call'
        ? s.retry.maximumEventAgeSeconds
        : 'maxAgeSeconds' in s && s.maxAgeSeconds !== undefined
          ? s.maxAgeSeconds
          : 0,
    ),
  );
  const drainWindow = options.drainSeconds ?? 7200 + longestAge;
  const horizon = arrivalsEnd + drainWindow;
  const scale = options.dtScale ?? 1;
  const dtAt = (time: number): number => options.dt ?? scale * (time < 120 ? 0.01 : time < 1200 ? 0.05 : 0.2);
  let dt = dtAt(0);
  const mergeQuantum = 0.25;
  const sampleEvery = Math.max(1, (arrivalsEnd + 600) / (options.samples ?? 120));

  const buckets = new Map(input.buckets.map((b) => [b.id, new Bucket(b)]));
  const functions = new Map(input.functions.map((f) => [f.id, new FunctionPool(f, input.lambda.scalingPerTenSeconds)]));
  const pollers = new Map(input.pollers.map((p) => [p.id, new PollerPool(p)]));
  const steps = input.steps;
  const stepIndex = new Map(steps.map((s, i) => [s.id, i]));
  const queues = steps.map(() => new StepQueue());
  const hop = steps.map((s) => ({
    passed: 0,
    peakBacklog: 0,
    drainedAt: 0,
    backlog: [] as [number, number][],
    throttled: 0,
    deadLettered: 0,
    retries: 0,
    kind: s.kind,
  }));
  const deadLettered: Record<string, number> = {};
  const callAttempts: Record<string, number> = {};
  const latencies = new Map<number, number>();
  let completed = 0;
  let throttled = 0;
  let lastEnd = 0;
  let accountBusy = 0;

  const bucketOf = (id: string): Bucket => {
    const b = buckets.get(id);
    if (!b) throw new Error(`unknown bucket ${id}`);
    return b;
  };
  const roomFor = (uses: BucketUse[]): number =>
    Math.min(Infinity, ...uses.map((u) => bucketOf(u.bucket).room(u.cost)));
  const drawFor = (uses: BucketUse[], n: number): void => {
    for (const u of uses) bucketOf(u.bucket).draw(u.cost * n);
  };
  const starve = (uses: BucketUse[]): void => {
    for (const u of uses) if (bucketOf(u.bucket).room(u.cost) < 1e-9) bucketOf(u.bucket).markStarved();
  };
  const dlq = (i: number, name: string | undefined, n: number, t: number): void => {
    if (n <= 0) return;
    hop[i].deadLettered += n;
    const key = name ?? `${steps[i].id} (dropped)`;
    deadLettered[key] = (deadLettered[key] ?? 0) + n;
    lastEnd = Math.max(lastEnd, t);
  };
  const completedAfter = steps.findIndex((s) => s.kind === 'complete');
  const forward = (i: number, c: Cohort, t: number): void => {
    hop[i].passed += c.n;
    const next = i + 1;
    if (next >= steps.length) {
      if (completedAfter < 0) {
        // No completion marker: reaching the end completes.
        completed += c.n;
        const key = Math.round((t - c.born) * 1000) / 1000;
        latencies.set(key, (latencies.get(key) ?? 0) + c.n);
        lastEnd = Math.max(lastEnd, t);
      }
      return;
    }
    queues[next].push({ ...c, ready: Math.max(c.ready, t) }, mergeQuantum);
  };

  let t = 0;
  let windowStart = 0;
  let nextSample = 0;
  let nextExpiry = 0;
  let nextSweep = 0;
  let previous = 0;
  while (t <= horizon) {
    const elapsed = t - previous;
    previous = t;
    dt = dtAt(t);
    for (const b of buckets.values()) b.refill(elapsed);
    for (const f of functions.values())
      f.scaleTokens = Math.min(f.scaleBurst, f.scaleTokens + (f.scaleBurst / 10) * elapsed);
    // Ageing out is checked once a model second: queues can hold many cohorts.
    const expireNow = t + 1e-9 >= nextExpiry;
    const fullSweep = t + 1e-9 >= nextSweep;
    if (expireNow) nextExpiry = t + 1;
    if (fullSweep) nextSweep = t + 60;

    // Finished work hands on.
    for (const f of functions.values()) {
      if (f.inflight.length === 0) continue;
      const still: InFlight[] = [];
      for (const job of f.inflight) {
        if (job.finish <= t + 1e-9) {
          f.busy -= job.slots ?? 0;
          accountBusy -= job.slots ?? 0;
          finishJob(job, t);
        } else still.push(job);
      }
      f.inflight = still;
    }
    for (const p of pollers.values()) {
      if (p.inflight.length === 0) continue;
      const still: InFlight[] = [];
      for (const job of p.inflight) {
        if (job.finish <= t + 1e-9) {
          p.busy -= job.slots ?? 0;
          forward(job.step, { ...job.c, ready: job.finish }, job.finish);
        } else still.push(job);
      }
      p.inflight = still;
    }

    // New orders.
    const arriving = arrivalsBetween(scenario, t, t + dt);
    if (arriving > 0) queues[0].push({ n: arriving, born: t, eventBorn: t, retries: 0, ready: t }, mergeQuantum);

    for (let i = 0; i < steps.length; i++) {
      const q = queues[i];
      q.release(t);
      const step = steps[i];
      if (q.total <= 0) continue;
      switch (step.kind) {
        case 'delay': {
          for (let c = q.take(Infinity); c; c = q.take(Infinity))
            forward(i, { ...c, ready: t + step.seconds }, t + step.seconds);
          break;
        }
        case 'event': {
          for (let c = q.take(Infinity); c; c = q.take(Infinity)) forward(i, { ...c, eventBorn: t }, t);
          break;
        }
        case 'complete': {
          for (let c = q.take(Infinity); c; c = q.take(Infinity)) {
            completed += c.n;
            const key = Math.round((t - c.born) * 1000) / 1000;
            latencies.set(key, (latencies.get(key) ?? 0) + c.n);
            lastEnd = Math.max(lastEnd, t);
            forward(i, c, t);
          }
          break;
        }
        case 'gate': {
          let room = roomFor(step.uses);
          for (let c = q.take(Infinity); c; c = q.take(Infinity)) {
            const pass = Math.min(room, c.n);
            drawFor(step.uses, pass);
            room -= pass;
            if (pass > 0) forward(i, { ...c, n: pass }, t);
            const rejected = c.n - pass;
            if (rejected > 1e-9) {
              hop[i].throttled += rejected;
              throttled += rejected;
              lastEnd = Math.max(lastEnd, t);
              starve(step.uses);
            }
          }
          break;
        }
        case 'queue': {
          if (expireNow && step.maxAgeSeconds !== undefined)
            dlq(i, step.dlq, q.expire(t, step.maxAgeSeconds, fullSweep), t);
          let room = roomFor(step.uses);
          while (room > 1e-9) {
            const c = q.take(room);
            if (!c) break;
            drawFor(step.uses, c.n);
            room -= c.n;
            forward(i, c, t);
          }
          if (q.total > 1e-9) starve(step.uses);
          break;
        }
        case 'function': {
          if (expireNow && step.maxAgeSeconds !== undefined)
            dlq(i, step.dlq, q.expire(t, step.maxAgeSeconds, fullSweep), t);
          const f = functions.get(step.fn);
          if (!f) throw new Error(`unknown function ${step.fn}`);
          startFunction(f, i, t, undefined);
          break;
        }
        case 'poll': {
          if (expireNow && step.maxAgeSeconds !== undefined)
            dlq(i, step.dlq, q.expire(t, step.maxAgeSeconds, fullSweep), t);
          const p = pollers.get(step.poller);
          if (!p) throw new Error(`unknown poller ${step.poller}`);
          const shardBucket = bucketOf(p.spec.shardOf.bucket);
          const shards = Math.max(1, Math.ceil(shardBucket.rate / p.spec.shardOf.writesPerShard - 1e-9));
          const slots = Math.min(p.spec.maxSlots, shards * p.spec.slotsPerShard);
          // With a step longer than a batch, one slot runs several batches per step.
          const weight = Math.min(1, p.spec.serviceSeconds / dt);
          const waiting = q.readyCount;
          if (waiting > 1e-9 && p.busy < slots - 1e-9) {
            const records = Math.min(waiting, ((slots - p.busy) / weight) * p.spec.batch);
            // Each batch's PutEvents request(s) need tokens too.
            const usable = Math.min(records, roomFor(step.uses));
            if (usable < records - 1e-9) starve(step.uses);
            const batches = usable / p.spec.batch;
            let left = usable;
            let slotsToHold = batches * weight;
            while (left > 1e-9) {
              const c = q.take(left);
              if (!c) break;
              left -= c.n;
              drawFor(step.uses, c.n);
              p.inflight.push({
                c: { ...c, ready: t + p.spec.serviceSeconds },
                finish: t + p.spec.serviceSeconds,
                step: i,
                slots: slotsToHold,
              });
              slotsToHold = 0;
            }
            p.busy += batches * weight;
            p.batches += Math.max(batches, 0);
          }
          p.peakShare = Math.max(p.peakShare, p.busy / slots);
          break;
        }
        case 'call': {
          if (step.fn !== undefined) {
            const f = functions.get(step.fn);
            if (!f) throw new Error(`unknown function ${step.fn}`);
            startFunction(f, i, t, step.seconds);
          } else {
            for (let c = q.take(Infinity); c; c = q.take(Infinity)) {
              callAttempts[step.id] = (callAttempts[step.id] ?? 0) + c.n;
              finishCall(i, { ...c, ready: t + step.seconds }, t + step.seconds);
            }
          }
          break;
        }
      }
    }

    // Samples and one-second utilization windows.
    if (t + 1e-9 >= windowStart + 1) {
      for (const b of buckets.values()) b.closeWindow(t - windowStart);
      windowStart = t;
    }
    for (let i = 0; i < steps.length; i++) {
      const waiting = queues[i].readyCount;
      if (waiting > 1e-6) hop[i].drainedAt = t + dt;
      hop[i].peakBacklog = Math.max(hop[i].peakBacklog, waiting);
    }
    if (t + 1e-9 >= nextSample) {
      for (let i = 0; i < steps.length; i++) hop[i].backlog.push([round(t, 3), round(queues[i].readyCount, 3)]);
      nextSample += sampleEvery;
    }
    if (t > arrivalsEnd && nothingLeft()) break;
    t = Math.round((t + dt) * 1e6) / 1e6;
  }

  function nothingLeft(): boolean {
    if (queues.some((q) => q.total > 1e-6)) return false;
    for (const f of functions.values()) if (f.inflight.length > 0) return false;
    for (const p of pollers.values()) if (p.inflight.length > 0) return false;
    return true;
  }

  function startFunction(f: FunctionPool, i: number, now: number, extraSeconds: number | undefined): void {
    const q = queues[i];
    const step = steps[i];
    const service = f.spec.serviceSeconds + (extraSeconds ?? 0);
    // With a step longer than the service time one environment serves several invocations per step.
    const weight = Math.min(1, service / dt);
    let slots = Math.max(0, Math.min(f.spec.concurrency - f.busy, input.lambda.accountConcurrency - accountBusy));
    let warm = Math.max(0, f.envs - f.busy);
    // Environments beyond the warm ones are limited by the scaling rate.
    slots = Math.min(slots, warm + Math.max(0, f.scaleTokens));
    let room = slots / weight;
    while (room > 1e-9) {
      const c = q.take(room);
      if (!c) break;
      room -= c.n;
      const occupancy = c.n * weight;
      const warmUsed = Math.min(warm, occupancy);
      const coldOccupancy = occupancy - warmUsed;
      warm -= warmUsed;
      const coldUnits = coldOccupancy / weight;
      if (coldOccupancy > 0) {
        f.envs += coldOccupancy;
        f.scaleTokens -= coldOccupancy;
      }
      f.busy += occupancy;
      accountBusy += occupancy;
      f.invocations += c.n;
      f.busySeconds += c.n * service + coldUnits * f.spec.coldStartSeconds;
      if (step.kind === 'call') callAttempts[step.id] = (callAttempts[step.id] ?? 0) + c.n;
      const warmUnits = c.n - coldUnits;
      if (warmUnits > 1e-12)
        f.inflight.push({ c: { ...c, n: warmUnits }, finish: now + service, step: i, slots: warmUnits * weight });
      if (coldUnits > 1e-12)
        f.inflight.push({
          c: { ...c, n: coldUnits },
          finish: now + service + f.spec.coldStartSeconds,
          step: i,
          slots: coldOccupancy,
        });
    }
    const limit = Math.min(f.spec.concurrency, input.lambda.accountConcurrency);
    f.peakShare = Math.max(f.peakShare, f.busy / limit);
  }

  function finishJob(job: InFlight, now: number): void {
    const step = steps[job.step];
    if (step.kind === 'call') finishCall(job.step, { ...job.c, ready: job.finish }, now);
    else forward(job.step, { ...job.c, ready: job.finish }, job.finish);
  }

  function finishCall(i: number, c: Cohort, now: number): void {
    const step = steps[i];
    if (step.kind !== 'call') return;
    const failed = c.n * step.failureRate;
    const answered = c.n - failed;
    const accepted = Math.min(answered, roomFor(step.callbackGate));
    drawFor(step.callbackGate, accepted);
    if (accepted < answered - 1e-9) starve(step.callbackGate);
    if (accepted > 0) forward(i, { ...c, n: accepted, ready: now }, now);
    const retrying = c.n - accepted;
    if (retrying <= 1e-9) return;
    const delay = nextRetryDelay(step.retry, c.retries, now - c.eventBorn);
    if (delay === undefined) {
      dlq(i, step.dlq, retrying, now);
      return;
    }
    hop[i].retries += retrying;
    const target = stepIndex.get(step.retryStep);
    if (target === undefined) throw new Error(`unknown retry step ${step.retryStep}`);
    queues[target].push({ ...c, n: retrying, retries: c.retries + 1, ready: now + delay }, mergeQuantum);
  }

  // What limits each hop, and how hard it was used.
  const hops: HopResult[] = steps.map((s, i) => {
    const h = hop[i];
    let peakUtilization: number | undefined;
    let limitedBy: string | undefined;
    let limitedById: string | undefined;
    const usesOf = (uses: BucketUse[]): void => {
      for (const u of uses) {
        const b = bucketOf(u.bucket);
        if (peakUtilization === undefined || b.peakShare > peakUtilization) {
          peakUtilization = b.peakShare;
          limitedBy = b.spec.label;
          limitedById = b.spec.id;
        }
      }
    };
    if (s.kind === 'gate' || s.kind === 'queue') usesOf(s.uses);
    if (s.kind === 'function' || (s.kind === 'call' && s.fn !== undefined)) {
      const f = functions.get(s.kind === 'function' ? s.fn : (s.fn as string)) as FunctionPool;
      peakUtilization = f.peakShare;
      limitedBy = f.spec.label;
      limitedById = `fn:${f.spec.id}`;
    }
    if (s.kind === 'call') usesOf(s.callbackGate);
    if (s.kind === 'poll') {
      const p = pollers.get(s.poller) as PollerPool;
      peakUtilization = p.peakShare;
      limitedBy = p.spec.label;
      limitedById = `poller:${p.spec.id}`;
    }
    return {
      id: s.id,
      label: s.label,
      kind: s.kind,
      peakUtilization: peakUtilization === undefined ? undefined : round(peakUtilization, 3),
      limitedBy,
      limitedById,
      passed: round(h.passed, 1),
      peakBacklog: round(h.peakBacklog, 1),
      drainedAt: round(h.drainedAt, 2),
      backlog: h.backlog,
      throttled: round(h.throttled, 1),
      deadLettered: round(h.deadLettered, 1),
      retries: round(h.retries, 1),
    };
  });

  const offered = arrivalsBetween(scenario, 0, arrivalsEnd);
  const points = [...latencies.entries()];
  const inFlightAtEnd = Math.max(
    0,
    offered - completed - throttled - Object.values(deadLettered).reduce((a, b) => a + b, 0),
  );
  return {
    offered: round(offered, 1),
    completed: round(completed, 1),
    throttled: round(throttled, 1),
    deadLettered: Object.fromEntries(Object.entries(deadLettered).map(([k, v]) => [k, round(v, 1)])),
    inFlightAtEnd: round(inFlightAtEnd, 1),
    drainSeconds: round(inFlightAtEnd > 0.5 ? t : lastEnd, 2),
    latency: {
      p50: round(percentile(points, 0.5), 3),
      p99: round(percentile(points, 0.99), 3),
      max: round(points.length ? Math.max(...points.map(([v]) => v)) : 0, 3),
    },
    hops,
    usage: {
      bucketTokens: Object.fromEntries([...buckets].map(([id, b]) => [id, round(b.drawn, 1)])),
      functionInvocations: Object.fromEntries([...functions].map(([id, f]) => [id, round(f.invocations, 1)])),
      functionSeconds: Object.fromEntries([...functions].map(([id, f]) => [id, round(f.busySeconds, 2)])),
      callAttempts: Object.fromEntries(Object.entries(callAttempts).map(([k, v]) => [k, round(v, 1)])),
      pollerBatches: Object.fromEntries([...pollers].map(([id, p]) => [id, round(p.batches, 1)])),
      simulatedSeconds: round(t, 2),
    },
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
