/**
 * Lambda function targets. EventBridge invokes with InvocationType=Event; delivery succeeds once Lambda accepts
 * the event (202). Function errors are Lambda's business (its own async retries and destinations); only a failure
 * of the invoke call itself is retried here or dead-lettered.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html ;
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
import type { LambdaInvoker } from '../../kernel/ports';
import { EventEnvelope } from '../types';
import { classifyServiceError, DeliveryTarget, SenderEnvironment, SendResult, TargetSender } from './target-sender';

export class LambdaTargetSender extends TargetSender {
  constructor(
    target: DeliveryTarget,
    env: SenderEnvironment,
    private readonly lambda: Pick<LambdaInvoker, 'invokeAsync'>,
  ) {
    super(target, env);
  }

  protected async send(payload: string, _event: EventEnvelope): Promise<SendResult> {
    try {
      await this.lambda.invokeAsync(this.target.arn, parsePayload(payload));
      return { ok: true };
    } catch (err) {
      return classifyServiceError(err);
    }
  }
}

/** The rendered input is JSON text (the Invoke payload); a function receives it parsed. */
export function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}
