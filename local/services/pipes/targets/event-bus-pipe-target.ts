/**
 * Event bus targets of a pipe (docs/aws-behaviour.md#pipes-targets;
 * https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeTargetEventBridgeEventBusParameters.html):
 * one PutEvents entry per record, at most 10 per call; Source `Pipe <name>` and DetailType `Event from aws:dynamodb`
 * unless EventBridgeEventBusParameters say otherwise (static or a whole-value JSONPath into the record); the detail
 * is the record or the template output and must be a JSON object.
 */
import { resolveJsonPathValue } from '../../../engine';
import { EventBusPutter, ResolvedPipe, StreamRecord } from '../types';
import { PipeTarget, PipeTargetResult } from './pipe-target';
import { errorMessage } from '../../kernel/errors';

const MAX_ENTRIES_PER_CALL = 10;
/** PutEvents entry codes worth retrying (API_PutEventsResultEntry). */
const RETRYABLE_ENTRY_CODES = new Set(['InternalFailure', 'ThrottlingException']);

export class EventBusPipeTarget extends PipeTarget {
  constructor(
    pipe: ResolvedPipe,
    private readonly bus: EventBusPutter,
  ) {
    super(pipe);
  }

  protected async send(payloads: string[], records: StreamRecord[]): Promise<PipeTargetResult> {
    const params = this.pipe.eventBusParameters ?? {};
    const entries = payloads.map((detail, i) => {
      const record = records[i];
      const entry: {
        Source: string;
        DetailType: string;
        Detail: string;
        EventBusName: string;
        Resources?: string[];
        Time?: string;
      } = {
        Source: params.source !== undefined ? resolveJsonPathValue(record, params.source) : `Pipe ${this.pipe.name}`,
        DetailType:
          params.detailType !== undefined ? resolveJsonPathValue(record, params.detailType) : 'Event from aws:dynamodb',
        Detail: detail,
        EventBusName: this.pipe.targetArn,
      };
      if (params.resources !== undefined)
        entry.Resources = params.resources.map((r) => resolveJsonPathValue(record, r));
      if (params.time !== undefined) entry.Time = resolveJsonPathValue(record, params.time);
      return entry;
    });

    for (let start = 0; start < entries.length; start += MAX_ENTRIES_PER_CALL) {
      const chunk = entries.slice(start, start + MAX_ENTRIES_PER_CALL);
      let result;
      try {
        result = await this.bus.putEvents({ Entries: chunk });
      } catch (err) {
        return {
          ok: false,
          errorCode: 'INTERNAL_ERROR',
          errorMessage: errorMessage(err),
          retryable: true,
          failedFromIndex: start,
        };
      }
      const failedAt = result.Entries.findIndex((e) => e.ErrorCode !== undefined);
      if (failedAt >= 0) {
        const failed = result.Entries[failedAt];
        return {
          ok: false,
          errorCode: failed.ErrorCode ?? 'UNKNOWN',
          errorMessage: failed.ErrorMessage ?? '',
          retryable: RETRYABLE_ENTRY_CODES.has(failed.ErrorCode ?? ''),
          failedFromIndex: start + failedAt,
        };
      }
    }
    return { ok: true };
  }
}
