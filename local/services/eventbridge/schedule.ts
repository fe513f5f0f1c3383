/**
 * Schedule expressions of scheduled rules: `rate(value unit)` is emulated, `cron(...)` is not (yet).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 * - value: a positive whole number; unit: minute(s), hour(s), day(s); the singular unit for 1, the plural otherwise.
 * - The event: source `aws.events`, detail-type `Scheduled Event`, resources `[<rule ARN>]`, detail `{}`.
 * The interval is AWS time; the service waits its compressed equivalent (clock.ts).
 */
import { LocalCloudError } from '../kernel/errors';

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export class ScheduleExpressionError extends LocalCloudError {
  override readonly name = 'ValidationException';
}

/** The AWS-time interval (ms) of a rate expression; throws ScheduleExpressionError for anything else. */
export function parseRateExpression(expression: string): number {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) {
    const kind = expression.trim().startsWith('cron(')
      ? 'cron expressions are not emulated'
      : 'Parameter ScheduleExpression is not valid.';
    throw new ScheduleExpressionError(kind);
  }
  const value = Number(match[1]);
  const unit = match[2];
  const singular = !unit.endsWith('s');
  if (value < 1 || (value === 1) !== singular)
    throw new ScheduleExpressionError('Parameter ScheduleExpression is not valid.');
  return value * UNIT_MS[singular ? unit : unit.slice(0, -1)];
}
