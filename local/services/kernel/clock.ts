/**
 * The local cloud's clock: the ONE place where it knowingly differs from AWS in time.
 *
 * AWS waits real minutes and hours for retry back-off (EventBridge retries a target for up to 24 h, Lambda async
 * retries after ~1 and ~2 minutes, Pipes batching windows up to 300 s). Locally that would make a failing target
 * take a day to reach its DLQ, so every AWS-defined delay is divided by one factor before we wait for it.
 *
 * - `LOCAL_TIME_COMPRESSION` (env, default 60): with 60, one AWS minute is one local second.
 *   Set it to 1 to wait exactly as long as AWS would.
 * - `compressed(ms)` converts an AWS duration to the local one; `sleep(ms)` waits the compressed duration.
 *
 * Only delays that AWS defines (back-off, batching windows, event/record ages) go through this module. Things
 * that are not AWS delays (polling cadence of our own loops, HTTP timeouts the target sees) stay real time
 * unless a caller explicitly chooses to compress them.
 */
import { delay } from './delay';

const DEFAULT_TIME_COMPRESSION = 60;

function readCompression(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_TIME_COMPRESSION;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`LOCAL_TIME_COMPRESSION must be a positive number, got "${raw}"`);
  }
  return value;
}

/** How many times faster than AWS the local cloud runs its AWS-defined delays. */
export const TIME_COMPRESSION: number = readCompression(process.env.LOCAL_TIME_COMPRESSION);

/** The local duration (ms) that stands for an AWS duration of `ms`. */
export function compressed(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 0;
  return ms / TIME_COMPRESSION;
}

/** Waits the local equivalent of the AWS duration `ms`. */
export async function sleep(ms: number): Promise<void> {
  await delay(compressed(ms));
}

/**
 * How AWS delays become local ones, as services receive it: `compressed` converts an AWS duration (ms) to a
 * local one. The default is this module's `compressed`; tests inject a faster one.
 */
export interface Clock {
  compressed(ms: number): number;
}
