/**
 * Lambda targets of a pipe: the function receives a bare JSON array of the records (or template outputs), not
 * `{"Records":[...]}` (docs/aws-behaviour.md#pipes-targets, docs/aws-behaviour.md#fidelity-traps, trap 13). REQUEST_RESPONSE (default) waits for the result; a function
 * error fails the batch; a `batchItemFailures` answer is a partial failure, retried from the lowest failed record
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html). FIRE_AND_FORGET
 * succeeds once Lambda accepted the event.
 */
import type { LambdaInvoker } from '../../kernel/ports';
import { ResolvedPipe, StreamRecord } from '../types';
import { parseJson, PipeTarget, PipeTargetResult } from './pipe-target';
import { errorMessage } from '../../kernel/errors';

export class LambdaPipeTarget extends PipeTarget {
  constructor(
    pipe: ResolvedPipe,
    private readonly lambda: LambdaInvoker,
  ) {
    super(pipe);
  }

  protected async send(payloads: string[], records: StreamRecord[]): Promise<PipeTargetResult> {
    const batch = payloads.map(parseJson);
    if (this.pipe.lambdaInvocationType === 'FIRE_AND_FORGET') {
      try {
        await this.lambda.invokeAsync(this.pipe.targetArn, batch);
        return { ok: true };
      } catch (err) {
        return { ok: false, errorCode: 'INVOKE_FAILED', errorMessage: errorMessage(err), retryable: true };
      }
    }
    let response;
    try {
      response = await this.lambda.invoke(this.pipe.targetArn, batch);
    } catch (err) {
      return { ok: false, errorCode: 'INVOKE_FAILED', errorMessage: errorMessage(err), retryable: true };
    }
    if (response.functionError !== undefined) {
      return {
        ok: false,
        errorCode: response.errorType ?? 'FunctionError',
        errorMessage: response.errorMessage ?? 'Function error',
        retryable: true,
      };
    }
    return partialFailure(response.payload, records);
  }
}

/**
 * Reads a partial batch response. Success: no response, null or empty list. Complete failure: an item without an
 * identifier, or an identifier not in the batch. Identifiers may be the record's eventID or its SequenceNumber [I].
 */
export function partialFailure(payload: unknown, records: StreamRecord[]): PipeTargetResult {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return { ok: true };
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0))
    return { ok: true };
  const complete: PipeTargetResult = {
    ok: false,
    errorCode: 'BATCH_ITEM_FAILURE',
    errorMessage: 'Invalid batchItemFailures response',
    retryable: true,
  };
  if (!Array.isArray(failures)) return complete;
  let lowest = Number.POSITIVE_INFINITY;
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return complete;
    const index = records.findIndex((r) => r.eventID === id || r.dynamodb.SequenceNumber === id);
    if (index < 0) return complete;
    lowest = Math.min(lowest, index);
  }
  return {
    ok: false,
    errorCode: 'BATCH_ITEM_FAILURE',
    errorMessage: `${failures.length} record(s) reported as failed`,
    retryable: true,
    failedFromIndex: lowest,
  };
}
