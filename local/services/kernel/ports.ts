/**
 * What one local service needs of another, declared once. Services receive these narrow views instead of each
 * other's classes, so each can be tested with a small fake and wired in any order (local/cloud.ts).
 */

/** The result of a synchronous (RequestResponse) invoke. */
export interface InvokeResult {
  payload?: unknown;
  /** `Unhandled` when the function threw (Lambda's X-Amz-Function-Error). */
  functionError?: string;
  errorMessage?: string;
  errorType?: string;
}

/** Lambda as callers see it (LambdaService satisfies this); a caller takes the part it needs with `Pick`. */
export interface LambdaInvoker {
  /** Synchronous invoke: waits for the function's result. */
  invoke(arnOrName: string, payload: unknown): Promise<InvokeResult>;
  /** Asynchronous (Event) invoke: queued, retried and sent to destinations by Lambda. */
  invokeAsync(arnOrName: string, payload: unknown): Promise<unknown>;
}

/** SQS as senders need it (SqsService satisfies this). */
export interface SqsMessageSender {
  sendMessage(
    queueArnOrUrl: string,
    body: string,
    attributes?: Record<string, { DataType: string; StringValue: string }>,
  ): unknown;
  /**
   * Resolves once every message sent so far is durable (SqsService's journal). Whoever records that a message was
   * handed over (a delivery marked done, a checkpoint advanced) waits for this first, so a crash cannot lose it.
   */
  synced?(): Promise<void>;
}

/** Log writing as services need it (LogSink satisfies this). */
export interface LogRecordWriter {
  write(record: { time: Date; source: string; message: string }): void;
}
