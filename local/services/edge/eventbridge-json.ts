/**
 * EventBridge on the edge: AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonParameters.html).
 * PutEvents and TestEventPattern are delegated to the injected service; every other operation is answered with
 * AWS's UnknownOperationException so clients fail clearly instead of hanging.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkDepth, checkPutEventsEntries } from './eventbridge-input';
import { AwsProtocolError, parseJsonObject, readBody, sendJson, sendJsonError, toAwsError } from './http-util';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** What the edge needs from the local EventBridge (local/services/eventbridge provides it). */
export interface EdgeEventBridge {
  putEvents(request: { Entries: object[] }): Promise<unknown> | unknown;
  testEventPattern(pattern: string, event: string): Promise<boolean> | boolean;
}

/** `1 validation error detected: Value null at 'x' failed to satisfy constraint: Member must not be null` (AWS wording). */
function missing(member: string): AwsProtocolError {
  return new AwsProtocolError(
    'ValidationException',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

export async function handleEventBridge(
  operation: string,
  req: IncomingMessage,
  res: ServerResponse,
  service: EdgeEventBridge,
): Promise<void> {
  try {
    const input = parseJsonObject(await readBody(req));
    switch (operation) {
      case 'PutEvents': {
        // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
        if (!Array.isArray(input.Entries)) throw missing('entries');
        checkPutEventsEntries(input.Entries);
        const output = await service.putEvents({ ...input, Entries: input.Entries as object[] });
        sendJson(res, 200, CONTENT_TYPE, output);
        return;
      }
      case 'TestEventPattern': {
        // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
        if (typeof input.EventPattern !== 'string') throw missing('eventPattern');
        if (typeof input.Event !== 'string') throw missing('event');
        checkDepth('EventPattern', input.EventPattern);
        checkDepth('Event', input.Event);
        const result = await service.testEventPattern(input.EventPattern, input.Event);
        sendJson(res, 200, CONTENT_TYPE, { Result: result });
        return;
      }
      default:
        throw new AwsProtocolError(
          'UnknownOperationException',
          `Operation AWSEvents.${operation} is not emulated by the local edge (supported: PutEvents, TestEventPattern)`,
        );
    }
  } catch (error) {
    sendJsonError(res, CONTENT_TYPE, toAwsError(error));
  }
}
