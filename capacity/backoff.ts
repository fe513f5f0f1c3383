/**
 * EventBridge's target retry schedule, as the model uses it: pure arithmetic.
 *
 * AWS documents "exponential back off and jitter" and that delivery stops at whichever of MaximumRetryAttempts and
 * MaximumEventAgeInSeconds is reached first (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html),
 * but not the constants. The model uses the local cloud's constants (local/services/kernel/backoff.ts:
 * 1 s doubling per retry, capped at 3 minutes, "equal jitter") and, being deterministic, the jitter's mean: three
 * quarters of the exponential step.
 */
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS } from '../local/services/kernel/backoff';

export interface RetryBudget {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
}

/** Mean delay (s) before retry number `retry` (1-based). */
export function meanBackoffSeconds(retry: number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  return (exponential * 0.75) / 1000;
}

/**
 * After a failed attempt: the delay (s) before the next one, or `undefined` when the budget is spent (the event
 * goes to the target's dead-letter queue). `retriesDone` excludes the first attempt; `ageSeconds` is the event's age now.
 */
export function nextRetryDelay(budget: RetryBudget, retriesDone: number, ageSeconds: number): number | undefined {
  if (retriesDone >= budget.maximumRetryAttempts) return undefined;
  const delay = meanBackoffSeconds(retriesDone + 1);
  if (ageSeconds + delay > budget.maximumEventAgeSeconds) return undefined;
  return delay;
}
