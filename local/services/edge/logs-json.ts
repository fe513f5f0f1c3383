/**
 * CloudWatch Logs on the edge: AWS JSON 1.1, `X-Amz-Target: Logs_20140328.<Operation>`
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/CommonParameters.html). The read API is
 * served from the local log store (logs/api.ts); without a store every call is AWS's UnknownOperationException.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callLogsApi, LogsApiError } from '../logs/api';
import type { LogStore } from '../logs/store';
import { AwsProtocolError, parseJsonObject, readBody, sendJson, sendJsonError, toAwsError } from './http-util';
import { checkOperationInput } from './input-shapes';
import { LOGS_SHAPES } from './operation-shapes';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

export async function handleLogsJson(
  operation: string,
  req: IncomingMessage,
  res: ServerResponse,
  store: LogStore | undefined,
): Promise<void> {
  try {
    const input = parseJsonObject(await readBody(req));
    // Member types first, as the JSON protocol's deserializer does (input-shapes.ts); CloudWatch Logs answers a
    // missing required member with InvalidParameterException (logs/api.ts).
    checkOperationInput(LOGS_SHAPES, operation, input, 'InvalidParameterException');
    if (!store)
      throw new AwsProtocolError(
        'UnknownOperationException',
        'CloudWatch Logs is not served by this edge (no log store)',
      );
    sendJson(res, 200, CONTENT_TYPE, callLogsApi(store, operation, input));
  } catch (error) {
    sendJsonError(
      res,
      CONTENT_TYPE,
      error instanceof LogsApiError
        ? new AwsProtocolError(error.code, error.message, error.statusCode)
        : toAwsError(error),
    );
  }
}
