/**
 * The shared base of pipe targets: a template method that renders each record with the pipe's input template
 * (the engine's renderPipeTemplate, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html;
 * applied per record [I]) or passes the record itself, then calls the target once for the batch.
 * Retries, bisecting and dead-lettering are the pipe runner's job (pipes/batch-delivery.ts).
 */
import { renderPipeTemplate } from '../../../engine';
import { ResolvedPipe, StreamRecord } from '../types';
import { errorMessage } from '../../kernel/errors';

export type PipeTargetResult =
  | { ok: true }
  | {
      ok: false;
      errorCode: string;
      errorMessage: string;
      retryable: boolean;
      /** records before this index were delivered (partial batch failure: retry from the lowest failed record) */
      failedFromIndex?: number;
    };

export abstract class PipeTarget {
  constructor(protected readonly pipe: ResolvedPipe) {}

  /** One invocation of the target with the batch's payloads (JSON text per record). */
  protected abstract send(payloads: string[], records: StreamRecord[]): Promise<PipeTargetResult>;

  async sendBatch(records: StreamRecord[], ingestionTime: Date): Promise<PipeTargetResult> {
    const payloads: string[] = [];
    for (const record of records) {
      if (this.pipe.inputTemplate === undefined) {
        payloads.push(JSON.stringify(record));
        continue;
      }
      const rendered = renderPipeTemplate(this.pipe.inputTemplate, record, {
        pipeArn: this.pipe.arn,
        pipeName: this.pipe.name,
        sourceArn: this.pipe.sourceArn,
        targetArn: this.pipe.targetArn,
        ingestionTime: ingestionTime.toISOString(),
      });
      if (!rendered.ok) {
        // A template that cannot produce the payload fails the same way on every retry.
        return {
          ok: false,
          errorCode: rendered.errorCode,
          errorMessage: rendered.errorMessage,
          retryable: false,
          failedFromIndex: payloads.length,
        };
      }
      payloads.push(rendered.body);
    }
    try {
      return await this.send(payloads, records);
    } catch (err) {
      return { ok: false, errorCode: 'INTERNAL_ERROR', errorMessage: errorMessage(err), retryable: true };
    }
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
