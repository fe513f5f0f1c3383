/**
 * CloudWatch Logs log-group targets: the payload becomes one log event of the group (locally: one LogSink record
 * whose source is the log group name, so `npm run logs` shows it).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html (CloudWatch log group)
 */
import { logGroupNameOf } from '../../kernel/arns';
import type { LogRecordWriter } from '../../kernel/ports';
import { EventEnvelope } from '../types';
import { DeliveryTarget, SenderEnvironment, SendResult, TargetSender } from './target-sender';
import { errorMessage } from '../../kernel/errors';

export class LogGroupTargetSender extends TargetSender {
  private readonly groupName: string;

  constructor(
    target: DeliveryTarget,
    env: SenderEnvironment,
    private readonly logs: LogRecordWriter,
  ) {
    super(target, env);
    this.groupName = logGroupNameOf(target.arn);
  }

  protected async send(payload: string, _event: EventEnvelope): Promise<SendResult> {
    try {
      // Delivery time, not the event's second-precision time, so followed logs stay in arrival order [I].
      this.logs.write({ time: new Date(), source: this.groupName, message: payload });
      return { ok: true };
    } catch (err) {
      return { ok: false, errorCode: 'INTERNAL_ERROR', errorMessage: errorMessage(err), retryable: true };
    }
  }
}
