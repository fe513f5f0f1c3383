/**
 * The model alone, on small hand-built pipelines: rate limits, EventBridge's back-off and budget, Lambda's scaling
 * rate, conservation and determinism. Prepare / Act / Assess.
 */
import { meanBackoffSeconds, nextRetryDelay } from '../../capacity/backoff';
import { ModelInput, runModel, StepSpec } from '../../capacity/model';

const NO_LAMBDA_LIMITS = { accountConcurrency: 1e9, scalingPerTenSeconds: 1e9 };

function pipeline(steps: StepSpec[], extra: Partial<ModelInput> = {}): ModelInput {
  return { buckets: [], functions: [], pollers: [], steps, lambda: NO_LAMBDA_LIMITS, ...extra };
}

describe('a rate-limited hop', () => {
  it('passes a backlog at its limit and drains when the limit says', () => {
    // Prepare: 1,000 orders in 10 s into a hop limited to 20/s (one second of burst).
    const input = pipeline([{ kind: 'queue', id: 'limited', label: 'limited', uses: [{ bucket: 'rate', cost: 1 }] }], {
      buckets: [{ id: 'rate', label: '20/s', rate: 20, burst: 20 }],
    });
    // Act
    const result = runModel(input, { rate: 100, durationSeconds: 10 });
    // Assess: 20 at once, then 20 a second: the last leaves at (1000 - 20) / 20 = 49 s.
    expect(result.completed).toBeCloseTo(1000, 3);
    expect(result.drainSeconds).toBeGreaterThan(48.5);
    expect(result.drainSeconds).toBeLessThan(49.5);
    const hop = result.hops[0];
    expect(hop.peakBacklog).toBeGreaterThan(750);
    expect(hop.peakUtilization).toBeGreaterThanOrEqual(1);
  });

  it('rejects at a gate what the bucket cannot take, and counts it as throttled', () => {
    const input = pipeline([{ kind: 'gate', id: 'stage', label: 'stage', uses: [{ bucket: 'stage', cost: 1 }] }], {
      buckets: [{ id: 'stage', label: '25/s burst 50', rate: 25, burst: 50 }],
    });
    const result = runModel(input, { rate: 100, durationSeconds: 10 });
    // 50 of burst plus 25/s for 10 s get through.
    expect(result.completed).toBeCloseTo(300, 0);
    expect(result.throttled).toBeCloseTo(700, 0);
  });
});

describe("EventBridge's retries", () => {
  it('use the mean of an exponential back-off with equal jitter, capped at three minutes', () => {
    expect([1, 2, 3, 4, 9].map(meanBackoffSeconds)).toEqual([0.75, 1.5, 3, 6, 135]);
    expect(meanBackoffSeconds(20)).toBe(135);
    expect(nextRetryDelay({ maximumRetryAttempts: 8, maximumEventAgeSeconds: 3600 }, 8, 10)).toBeUndefined();
    expect(nextRetryDelay({ maximumRetryAttempts: 8, maximumEventAgeSeconds: 60 }, 0, 59.5)).toBeUndefined();
  });

  const failingCarrier = (maximumRetryAttempts: number, maximumEventAgeSeconds: number): ModelInput =>
    pipeline([
      { kind: 'event', id: 'event', label: 'event' },
      { kind: 'queue', id: 'delivery', label: 'delivery', uses: [] },
      {
        kind: 'call',
        id: 'call',
        label: 'carrier',
        seconds: 0,
        failureRate: 1,
        callbackGate: [],
        retry: { maximumRetryAttempts, maximumEventAgeSeconds },
        retryStep: 'delivery',
        dlq: 'carrier-dlq',
      },
    ]);

  it('stop after MaximumRetryAttempts, at the time the back-off adds up to', () => {
    const result = runModel(failingCarrier(8, 3600), { rate: 10, durationSeconds: 1 });
    const call = result.hops.find((h) => h.id === 'call');
    // Assess: 8 retries each, then the DLQ; 0.75 × (1 + 2 + … + 128) = 191.25 s after the first attempt.
    expect(call?.retries).toBeCloseTo(80, 3);
    expect(result.deadLettered).toEqual({ 'carrier-dlq': 10 });
    expect(result.completed).toBe(0);
    expect(result.drainSeconds).toBeGreaterThan(191);
    expect(result.drainSeconds).toBeLessThan(193);
    expect(result.usage.callAttempts.call).toBeCloseTo(90, 3);
  });

  it('stop earlier when MaximumEventAgeInSeconds would be passed', () => {
    const result = runModel(failingCarrier(185, 60), { rate: 10, durationSeconds: 1 });
    // Delays 0.75, 1.5, 3, 6, 12, 24 add up to 47.25 s; the next (48 s) would pass 60 s.
    expect(result.hops.find((h) => h.id === 'call')?.retries).toBeCloseTo(60, 3);
    expect(result.deadLettered['carrier-dlq']).toBeCloseTo(10, 3);
  });
});

describe("Lambda's scaling rate", () => {
  it('queues a burst that needs more environments than 1,000 per 10 seconds allow, and then serves it', () => {
    // Prepare: a 1-second function; 5,000 invocations a second for 4 s need 5,000 environments.
    const input = pipeline([{ kind: 'function', id: 'fn', label: 'fn', fn: 'fn' }], {
      functions: [{ id: 'fn', label: 'fn', concurrency: Infinity, serviceSeconds: 1, coldStartSeconds: 0 }],
      lambda: { accountConcurrency: 100_000, scalingPerTenSeconds: 1000 },
    });
    // Act
    const result = runModel(input, { rate: 0, durationSeconds: 4, burst: { rate: 5000, seconds: 4 } });
    // Assess: 1,000 environments at once, then 100 more a second (scaling-behavior.html): a backlog forms and
    // drains as environments are added; nothing is lost.
    const hop = result.hops[0];
    expect(hop.peakBacklog).toBeGreaterThan(10_000);
    expect(result.completed).toBeCloseTo(20_000, 0);
    // With E(t) = 1000 + 100 t environments each starting one invocation a second, the 20,000th starts at s
    // where 1000 s + 50 s² = 20,000 (s ≈ 12.4) and ends a second later. Without the scaling limit it would be 5 s.
    expect(result.drainSeconds).toBeGreaterThan(12.5);
    expect(result.drainSeconds).toBeLessThan(14);
  });

  it('is not the limit when the burst fits in the environments it may add', () => {
    const input = pipeline([{ kind: 'function', id: 'fn', label: 'fn', fn: 'fn' }], {
      functions: [{ id: 'fn', label: 'fn', concurrency: Infinity, serviceSeconds: 0.1, coldStartSeconds: 0 }],
      lambda: { accountConcurrency: 1000, scalingPerTenSeconds: 1000 },
    });
    const result = runModel(input, { rate: 5000, durationSeconds: 4 });
    expect(result.hops[0].peakBacklog).toBeLessThan(1);
  });
});

describe('the model as a whole', () => {
  const mixed = (): ModelInput =>
    pipeline(
      [
        { kind: 'gate', id: 'stage', label: 'stage', uses: [{ bucket: 'stage', cost: 1 }] },
        { kind: 'event', id: 'e1', label: 'e1' },
        { kind: 'queue', id: 'q', label: 'q', uses: [{ bucket: 'dest', cost: 1 }], maxAgeSeconds: 60, dlq: 'aged' },
        { kind: 'function', id: 'fn', label: 'fn', fn: 'fn', maxAgeSeconds: 600, dlq: 'fn-dlq' },
        {
          kind: 'call',
          id: 'call',
          label: 'call',
          seconds: 0.2,
          failureRate: 0.3,
          callbackGate: [],
          retry: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 3600 },
          retryStep: 'q',
          dlq: 'call-dlq',
        },
        { kind: 'complete', id: 'done', label: 'done' },
      ],
      {
        buckets: [
          { id: 'stage', label: 'stage', rate: 80, burst: 100 },
          { id: 'dest', label: 'dest', rate: 30, burst: 30 },
        ],
        functions: [{ id: 'fn', label: 'fn', concurrency: 5, serviceSeconds: 0.05, coldStartSeconds: 0.5 }],
        lambda: { accountConcurrency: 10, scalingPerTenSeconds: 1000 },
      },
    );

  it('ends every order somewhere: completed, throttled or dead-lettered', () => {
    const result = runModel(mixed(), {
      rate: 50,
      durationSeconds: 30,
      burst: { rate: 200, seconds: 5, atSeconds: 10 },
    });
    const dead = Object.values(result.deadLettered).reduce((a, b) => a + b, 0);
    expect(result.offered).toBeCloseTo(50 * 30 + 150 * 5, 3);
    expect(result.throttled).toBeGreaterThan(0);
    expect(dead).toBeGreaterThan(0);
    expect(result.inFlightAtEnd).toBe(0);
    expect(result.completed + result.throttled + dead).toBeCloseTo(result.offered, 0);
  });

  it('is deterministic', () => {
    const scenario = { rate: 50, durationSeconds: 30, burst: { rate: 200, seconds: 5, atSeconds: 10 } };
    expect(runModel(mixed(), scenario)).toEqual(runModel(mixed(), scenario));
  });
});
