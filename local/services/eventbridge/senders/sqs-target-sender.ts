/**
 * SQS queue targets: the message body is the payload's JSON text.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html (Amazon SQS queues)
 */
import type { SqsMessageSender } from '../../kernel/ports';
import { EventEnvelope } from '../types';
import { classifyServiceError, DeliveryTarget, SenderEnvironment, SendResult, TargetSender } from './target-sender';

export class SqsTargetSender extends TargetSender {
  constructor(
    target: DeliveryTarget,
    env: SenderEnvironment,
    private readonly sqs: SqsMessageSender,
  ) {
    super(target, env);
  }

  protected async send(payload: string, _event: EventEnvelope): Promise<SendResult> {
    try {
      await this.sqs.sendMessage(this.target.arn, payload);
      await this.sqs.synced?.();
      return { ok: true };
    } catch (err) {
      return classifyServiceError(err);
    }
  }
}
