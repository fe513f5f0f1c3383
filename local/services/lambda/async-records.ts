/**
 * What Lambda sends after an asynchronous invocation finishes for good. Pure (no I/O).
 *
 * - Destination records (OnSuccess / OnFailure):
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 * - Legacy dead-letter queue message (body = the event as-is, three attributes):
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq
 */

export type DestinationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: DestinationCondition;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload: unknown;
}

export interface StringOrNumberAttribute {
  DataType: 'String' | 'Number';
  StringValue: string;
}

export function buildInvocationRecord(input: {
  time: Date;
  requestId: string;
  functionArn: string;
  condition: DestinationCondition;
  invokeCount: number;
  requestPayload: unknown;
  functionError?: string;
  responsePayload: unknown;
}): InvocationRecord {
  const responseContext: InvocationRecord['responseContext'] = { statusCode: 200, executedVersion: '$LATEST' };
  if (input.functionError) responseContext.functionError = input.functionError;
  return {
    version: '1.0',
    timestamp: input.time.toISOString(),
    requestContext: {
      requestId: input.requestId,
      // The qualified ARN of the version that ran.
      functionArn: `${input.functionArn}:$LATEST`,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    requestPayload: input.requestPayload,
    responseContext,
    responsePayload: input.responsePayload,
  };
}

/** The first `maxBytes` bytes of a UTF-8 string, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** DLQ message attributes: RequestID (String), ErrorCode (Number: the Invoke HTTP status), ErrorMessage (first 1 KB). */
export function deadLetterAttributes(
  requestId: string,
  errorMessage: string,
  statusCode = 200,
): Record<string, StringOrNumberAttribute> {
  return {
    RequestID: { DataType: 'String', StringValue: requestId },
    ErrorCode: { DataType: 'Number', StringValue: String(statusCode) },
    ErrorMessage: { DataType: 'String', StringValue: truncateUtf8(errorMessage, 1024) },
  };
}

/**
 * For an EventBridge bus destination the record becomes the event's detail, with source `lambda`.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (Amazon EventBridge destination)
 * The event's `resources` listing is inferred (function ARN and bus ARN).
 */
export function eventBridgeDestinationEntry(
  record: InvocationRecord,
  busArn: string,
): {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Resources: string[];
} {
  const success = record.requestContext.condition === 'Success';
  return {
    Source: 'lambda',
    DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`,
    Detail: JSON.stringify(record),
    EventBusName: busArn,
    Resources: [busArn, record.requestContext.functionArn],
  };
}
