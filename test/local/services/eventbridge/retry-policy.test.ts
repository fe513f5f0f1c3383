import { nextRetry, parseRetryAfter, resolveRetryPolicy } from '../../../../local/services/eventbridge/retry-policy';
import { backoffDelayMs } from '../../../../local/services/kernel/backoff';

describe('retry policy', () => {
  it("defaults to AWS's 185 retries and 24 hours", () => {
    // Prepare, Act
    const policy = resolveRetryPolicy(undefined);
    // Assess
    expect(policy).toEqual({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 });
  });

  it('keeps an explicit 0 retries', () => {
    // Prepare, Act, Assess
    expect(resolveRetryPolicy({ maximumRetryAttempts: 0 }).maximumRetryAttempts).toBe(0);
  });

  it('doubles the back-off per retry with jitter between half and all of it, up to the cap', () => {
    // Prepare, Act, Assess
    expect(backoffDelayMs(1, 0)).toBe(500);
    expect(backoffDelayMs(1, 0.999)).toBeCloseTo(999.5);
    expect(backoffDelayMs(3, 0)).toBe(2000);
    expect(backoffDelayMs(50, 1)).toBe(180_000);
  });

  it('gives up on retries first when they run out', () => {
    // Prepare
    const policy = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 86400 };
    // Act, Assess
    expect(nextRetry(policy, 1, 0, 0)).toEqual({ retry: true, delayMs: 1000 });
    expect(nextRetry(policy, 2, 0, 0)).toEqual({ retry: false, condition: 'MaximumRetryAttempts' });
  });

  it('gives up when the next wait would take the event past its maximum age', () => {
    // Prepare
    const policy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 60 };
    // Act, Assess
    expect(nextRetry(policy, 0, 59_000, 0)).toEqual({ retry: true, delayMs: 500 });
    expect(nextRetry(policy, 0, 59_600, 0)).toEqual({ retry: false, condition: 'MaximumEventAgeInSeconds' });
  });

  it('waits for Retry-After when it is longer than the back-off', () => {
    // Prepare
    const policy = resolveRetryPolicy({});
    // Act, Assess
    expect(nextRetry(policy, 0, 0, 0, 30_000)).toEqual({ retry: true, delayMs: 30_000 });
    expect(nextRetry(policy, 0, 0, 0, 10)).toEqual({ retry: true, delayMs: 500 });
  });

  it('reads Retry-After as seconds, as an HTTP date, and negative as stop', () => {
    // Prepare
    const now = new Date('2025-01-15T12:00:00Z');
    // Act, Assess
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('-1', now)).toBe(-1);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
