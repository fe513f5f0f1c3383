/**
 * SQS over AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Operation>`), the protocol of AWS SDK v3 client-sqs and the
 * AWS CLI v2 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html).
 * Errors carry the shape id in `__type` (`com.amazonaws.sqs#QueueDoesNotExist`) and the query-protocol code in the
 * `x-amzn-query-error: <code>;Sender` header, which SDKs use for backwards-compatible error codes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SqsError, SqsService } from '../sqs';
import { AwsProtocolError, parseJsonObject, readBody, sendJson, sendJsonError } from './http-util';
import { checkOperationInput } from './input-shapes';
import { SQS_SHAPES } from './operation-shapes';
import { callSqs, SqsCallContext } from './sqs-operations';

const CONTENT_TYPE = 'application/x-amz-json-1.0';

export async function handleSqsJson(
  operation: string,
  req: IncomingMessage,
  res: ServerResponse,
  sqs: SqsService,
  ctx: SqsCallContext,
): Promise<void> {
  try {
    const input = parseJsonObject(await readBody(req));
    // Member types as the JSON protocol's deserializer holds them (input-shapes.ts); SQS itself checks the rest.
    checkOperationInput(SQS_SHAPES, operation, input);
    const output = await callSqs(sqs, operation, input, ctx);
    if (!res.writableEnded && !res.destroyed) sendJson(res, 200, CONTENT_TYPE, output);
  } catch (error) {
    if (res.destroyed) return;
    if (error instanceof SqsError) {
      const fault = error.senderFault ? 'Sender' : 'Receiver';
      sendJsonError(
        res,
        CONTENT_TYPE,
        new AwsProtocolError(error.code, error.message, error.statusCode, {
          'x-amzn-query-error': `${error.queryCode};${fault}`,
        }),
        'com.amazonaws.sqs#',
      );
    } else if (error instanceof AwsProtocolError) {
      sendJsonError(res, CONTENT_TYPE, error, 'com.amazonaws.sqs#');
    } else {
      sendJsonError(
        res,
        CONTENT_TYPE,
        new AwsProtocolError('InternalError', (error as Error).message, 500),
        'com.amazonaws.sqs#',
      );
    }
  }
}
