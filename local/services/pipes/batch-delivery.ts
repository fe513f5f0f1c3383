/**
 * Delivering one batch of a shard to the pipe's target, as a pipe does
 * (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeSourceDynamoDBStreamParameters.html ;
 * docs/aws-behaviour.md#pipes-stream-parameters-and-batches):
 * - retries with exponential back-off (compressed by the clock) until MaximumRetryAttempts (-1 = unlimited) or
 *   MaximumRecordAgeInSeconds (-1 = never) is reached, then the batch metadata goes to the DLQ (or the batch is
 *   dropped without one) and the shard moves on;
 * - a partial failure (records before index k delivered) commits those and retries from the lowest failed record;
 * - AUTOMATIC_BISECT halves a failing batch and handles each half, until a single failing record is left, which is
 *   then retried and dead-lettered on its own;
 * - `commit(sequenceNumber)` is called as prefixes of the batch are handled, in order, and only then.
 * Back-off constants are EventBridge's (eventbridge/retry-policy.ts); Pipes do not publish theirs [I].
 */
import { randomUUID } from 'node:crypto';
import { delay } from '../kernel/delay';
import { backoffDelayMs } from '../kernel/backoff';
import type { Clock } from '../kernel/clock';
import type { SqsMessageSender } from '../kernel/ports';
import { PipeExecutionLog } from './execution-log';
import { buildDlqMessage, DlqCondition } from './records';
import { PipeTarget } from './targets/pipe-target';
import { ResolvedPipe, StreamRecord } from './types';
import { errorMessage } from '../kernel/errors';
import type { IamGate } from '../iam';

export interface BatchItem {
  record: StreamRecord;
  /** Date.now() when the poller read the record: its age is measured from here (DynamoDB Local truncates
   * ApproximateCreationDateTime to the minute, too coarse for MaximumRecordAgeInSeconds) [I] */
  seenAtLocalMs: number;
}

export interface BatchDeliveryEnvironment {
  pipe: ResolvedPipe;
  target: PipeTarget;
  sqs?: SqsMessageSender;
  /** IAM: whether the pipe's role may call the target and its DLQ (absent: always) */
  iam?: Pick<IamGate, 'pipe'>;
  clock: Clock;
  random: () => number;
  log: (message: string) => void;
  signal: AbortSignal;
  /** the pipe's own execution log (logConfiguration), if any */
  executionLog?: PipeExecutionLog;
}

export interface BatchMetrics {
  invocations: number;
  delivered: number;
  retries: number;
  deadLettered: number;
  dropped: number;
}

export class BatchDelivery {
  readonly metrics: BatchMetrics = { invocations: 0, delivered: 0, retries: 0, deadLettered: 0, dropped: 0 };

  constructor(private readonly env: BatchDeliveryEnvironment) {}

  /** Handles the batch completely (delivered, dead-lettered or dropped); false when stopped before that. */
  async processBatch(shardId: string, items: BatchItem[], commit: (sequenceNumber: string) => void): Promise<boolean> {
    if (items.length === 0) return true;
    return this.run(shardId, items, commit);
  }

  private async run(shardId: string, items: BatchItem[], commit: (sequenceNumber: string) => void): Promise<boolean> {
    const { pipe, target, clock, signal } = this.env;
    let batch = items;
    let invocations = 0;
    let compressedAwayMs = 0;
    const executionId = randomUUID();
    this.env.executionLog?.write('INFO', 'ExecutionStarted', executionId);
    for (;;) {
      if (signal.aborted) return false;
      // A role that may not call the target fails every batch the way the call itself would: AccessDeniedException,
      // retried, then dead-lettered (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html).
      const denied = this.env.iam?.pipe(pipe.name, 'deliver');
      const result = denied
        ? { ok: false as const, errorCode: 'AccessDeniedException', errorMessage: denied.message, retryable: true }
        : await target.sendBatch(
            batch.map((i) => i.record),
            new Date(),
          );
      invocations += 1;
      this.metrics.invocations += 1;
      if (result.ok) {
        this.env.executionLog?.write('INFO', 'ExecutionSucceeded', executionId);
        this.metrics.delivered += batch.length;
        commit(sequenceOf(batch[batch.length - 1]));
        return true;
      }
      const from = Math.min(Math.max(result.failedFromIndex ?? 0, 0), batch.length - 1);
      if (from > 0) {
        this.metrics.delivered += from;
        commit(sequenceOf(batch[from - 1]));
        batch = batch.slice(from);
      }
      this.env.log(
        `[pipes] ${pipe.name} ${shardId}: ${result.errorCode} ${result.errorMessage} (${batch.length} record(s))`,
      );
      this.env.executionLog?.write('ERROR', 'TargetInvocationFailed', executionId, {
        code: result.errorCode,
        message: result.errorMessage,
      });

      if (pipe.bisectOnFailure && batch.length > 1) {
        const middle = Math.ceil(batch.length / 2);
        if (!(await this.run(shardId, batch.slice(0, middle), commit))) return false;
        return this.run(shardId, batch.slice(middle), commit);
      }
      if (!result.retryable) return this.giveUp(shardId, batch, 'NonRetryableError', invocations, commit);
      const retriesDone = invocations - 1;
      if (pipe.maximumRetryAttempts >= 0 && retriesDone >= pipe.maximumRetryAttempts) {
        return this.giveUp(shardId, batch, 'RetryAttemptsExhausted', invocations, commit);
      }
      const delayMs = backoffDelayMs(retriesDone + 1, this.env.random());
      const ageMs = Date.now() - batch[0].seenAtLocalMs + compressedAwayMs;
      if (pipe.maximumRecordAgeInSeconds >= 0 && ageMs + delayMs > pipe.maximumRecordAgeInSeconds * 1000) {
        return this.giveUp(shardId, batch, 'MaximumRecordAgeExceeded', invocations, commit);
      }
      const localDelay = clock.compressed(delayMs);
      if (!(await delay(localDelay, { signal }))) return false;
      compressedAwayMs += Math.max(0, delayMs - localDelay);
      this.metrics.retries += 1;
    }
  }

  private async giveUp(
    shardId: string,
    batch: BatchItem[],
    condition: DlqCondition,
    invocations: number,
    commit: (sequenceNumber: string) => void,
  ): Promise<boolean> {
    const { pipe } = this.env;
    const last = sequenceOf(batch[batch.length - 1]);
    this.env.executionLog?.write('ERROR', 'ExecutionFailed', randomUUID(), {
      code: condition,
      message: `${batch.length} record(s) not delivered`,
    });
    if (pipe.deadLetterArn === undefined || this.env.sqs === undefined) {
      this.metrics.dropped += batch.length;
      this.env.log(`[pipes] ${pipe.name} ${shardId}: ${batch.length} record(s) discarded (${condition}), no DLQ`);
      commit(last);
      return true;
    }
    const message = buildDlqMessage({
      requestId: randomUUID(),
      pipeArn: pipe.arn,
      condition,
      approximateInvokeCount: invocations,
      now: new Date(),
      shardId,
      streamArn: pipe.sourceArn,
      records: batch.map((i) => i.record),
    });
    try {
      const refused = this.env.iam?.pipe(pipe.name, 'deadLetter');
      if (refused) throw new Error(refused.message);
      await this.env.sqs.sendMessage(pipe.deadLetterArn, JSON.stringify(message));
      await this.env.sqs.synced?.();
      this.metrics.deadLettered += batch.length;
      this.env.log(
        `[pipes] ${pipe.name} ${shardId}: ${batch.length} record(s) sent to DLQ ${pipe.deadLetterArn} (${condition})`,
      );
    } catch (err) {
      this.metrics.dropped += batch.length;
      this.env.log(
        `[pipes] ${pipe.name} ${shardId}: DLQ ${pipe.deadLetterArn} refused the batch, ${batch.length} record(s) lost: ${errorMessage(err)}`,
      );
    }
    commit(last);
    return true;
  }
}

function sequenceOf(item: BatchItem): string {
  return item.record.dynamodb.SequenceNumber;
}
