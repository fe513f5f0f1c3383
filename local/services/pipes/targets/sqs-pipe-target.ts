/**
 * SQS targets of a pipe: one message per record (or template output), in order.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html
 */
import type { SqsMessageSender } from '../../kernel/ports';
import { ResolvedPipe, StreamRecord } from '../types';
import { PipeTarget, PipeTargetResult } from './pipe-target';
import { errorMessage } from '../../kernel/errors';

export class SqsPipeTarget extends PipeTarget {
  constructor(
    pipe: ResolvedPipe,
    private readonly sqs: SqsMessageSender,
  ) {
    super(pipe);
  }

  protected async send(payloads: string[], _records: StreamRecord[]): Promise<PipeTargetResult> {
    for (let i = 0; i < payloads.length; i += 1) {
      try {
        await this.sqs.sendMessage(this.pipe.targetArn, payloads[i]);
        await this.sqs.synced?.();
      } catch (err) {
        return {
          ok: false,
          errorCode: 'SQS_SEND_FAILED',
          errorMessage: errorMessage(err),
          retryable: true,
          failedFromIndex: i,
        };
      }
    }
    return { ok: true };
  }
}
