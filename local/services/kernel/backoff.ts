/**
 * Exponential back-off with jitter, for EventBridge target retries and Pipes batch retries. AWS publishes
 * "exponential back off and jitter" but not the constants
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html); ours: 1 s doubling per
 * retry, capped at 3 minutes, with "equal jitter" (half fixed, half random). Pipes do not publish theirs either
 * and use the same. Pure: the caller waits (see clock.ts for how AWS time becomes local time).
 */

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 180_000;

/** AWS-time delay before retry number `retry` (1-based). `random` in [0, 1). */
export function backoffDelayMs(retry: number, random: number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  return exponential / 2 + (exponential / 2) * random;
}
