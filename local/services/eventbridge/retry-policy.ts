/**
 * Target retry policy: pure calculations, no timers.
 *
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html ;
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 * - MaximumRetryAttempts 0..185, default 185; MaximumEventAgeInSeconds 60..86400, default 86400.
 * - "exponential back off and jitter"; delivery stops at whichever limit is reached first.
 * The back-off itself is shared with Pipes (../kernel/backoff.ts); 185 retries at its cap spread over roughly the
 * documented 24 hours.
 */

import { backoffDelayMs } from '../kernel/backoff';

export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;

export interface RetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

export function resolveRetryPolicy(input?: {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
}): RetryPolicy {
  const attempts = input?.maximumRetryAttempts;
  const age = input?.maximumEventAgeInSeconds;
  return {
    maximumRetryAttempts:
      attempts === undefined || attempts === null ? DEFAULT_MAXIMUM_RETRY_ATTEMPTS : Math.max(0, attempts),
    maximumEventAgeInSeconds: age === undefined || age === null ? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS : Math.max(0, age),
  };
}

/** The condition EventBridge reports in the DLQ's EXHAUSTED_RETRY_CONDITION attribute. */
export type ExhaustedCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/**
 * Decides what happens after a failed attempt: wait `delayMs` (AWS time) and retry, or give up with the condition
 * reached first. `retriesDone` counts retries already made (not the first attempt); `ageMs` is the event's AWS-time
 * age now. A target's Retry-After (AWS time) lengthens the wait: "the more conservative of the two"
 * (eb-api-destinations.html).
 */
export function nextRetry(
  policy: RetryPolicy,
  retriesDone: number,
  ageMs: number,
  random: number,
  retryAfterMs?: number,
): { retry: true; delayMs: number } | { retry: false; condition: ExhaustedCondition } {
  if (retriesDone >= policy.maximumRetryAttempts) return { retry: false, condition: 'MaximumRetryAttempts' };
  const delayMs = Math.max(backoffDelayMs(retriesDone + 1, random), retryAfterMs ?? 0);
  if (ageMs + delayMs > policy.maximumEventAgeInSeconds * 1000) {
    return { retry: false, condition: 'MaximumEventAgeInSeconds' };
  }
  return { retry: true, delayMs };
}

/**
 * Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. A negative number of seconds means
 * "do not retry" (eb-api-destinations.html) and returns -1; unparsable values return undefined.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return seconds < 0 ? -1 : seconds * 1000;
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
