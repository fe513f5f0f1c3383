/**
 * EventBridge on the edge: AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonParameters.html).
 * Every input is held to its shape first (operation-shapes.ts); PutEvents, TestEventPattern and the archive replay
 * API (StartReplay, DescribeReplay, ListReplays, CancelReplay: docs/aws-behaviour.md#archive-replay) are delegated
 * to the injected service; every other operation is answered with AWS's UnknownOperationException so clients fail
 * clearly instead of hanging.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StartReplayInput } from '../eventbridge';
import { checkDepth } from './eventbridge-input';
import { AwsProtocolError, parseJsonObject, readBody, sendJson, sendJsonError, toAwsError } from './http-util';
import { checkOperationInput, timestampValue } from './input-shapes';
import { EVENTBRIDGE_SHAPES } from './operation-shapes';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** What the edge needs from the local EventBridge (local/services/eventbridge provides it). */
export interface EdgeEventBridge {
  putEvents(request: { Entries: object[] }): Promise<unknown> | unknown;
  testEventPattern(pattern: string, event: string): Promise<boolean> | boolean;
  startReplay?(input: StartReplayInput): unknown;
  describeReplay?(name: string): unknown;
  listReplays?(query: {
    NamePrefix?: string;
    State?: string;
    EventSourceArn?: string;
    Limit?: number;
    NextToken?: string;
  }): unknown;
  cancelReplay?(name: string): unknown;
}

const SUPPORTED = ['PutEvents', 'TestEventPattern', 'StartReplay', 'DescribeReplay', 'ListReplays', 'CancelReplay'];

function unknownOperation(operation: string): AwsProtocolError {
  return new AwsProtocolError(
    'UnknownOperationException',
    `Operation AWSEvents.${operation} is not emulated by the local edge (supported: ${SUPPORTED.join(', ')})`,
  );
}

/** The operation's answer; its input has been held to its shape already. */
async function call(operation: string, input: Record<string, unknown>, service: EdgeEventBridge): Promise<unknown> {
  const replayOp = <T>(method: T | undefined): T => {
    if (method === undefined) throw unknownOperation(operation);
    return method;
  };
  switch (operation) {
    case 'PutEvents':
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
      return service.putEvents({ ...input, Entries: input.Entries as object[] });
    case 'TestEventPattern': {
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
      const pattern = input.EventPattern as string;
      const event = input.Event as string;
      checkDepth('EventPattern', pattern);
      checkDepth('Event', event);
      return { Result: await service.testEventPattern(pattern, event) };
    }
    case 'StartReplay': {
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
      const destination = input.Destination as { Arn: string; FilterArns?: string[] };
      return replayOp(service.startReplay).call(service, {
        ReplayName: input.ReplayName as string,
        Description: input.Description as string | undefined,
        EventSourceArn: input.EventSourceArn as string,
        EventStartTime: timestampValue(input.EventStartTime),
        EventEndTime: timestampValue(input.EventEndTime),
        Destination: { Arn: destination.Arn, FilterArns: destination.FilterArns ?? undefined },
      });
    }
    case 'DescribeReplay':
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html
      return replayOp(service.describeReplay).call(service, input.ReplayName as string);
    case 'ListReplays':
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListReplays.html
      return replayOp(service.listReplays).call(service, {
        NamePrefix: (input.NamePrefix as string | null) ?? undefined,
        State: (input.State as string | null) ?? undefined,
        EventSourceArn: (input.EventSourceArn as string | null) ?? undefined,
        Limit: (input.Limit as number | null) ?? undefined,
        NextToken: (input.NextToken as string | null) ?? undefined,
      });
    case 'CancelReplay':
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CancelReplay.html
      return replayOp(service.cancelReplay).call(service, input.ReplayName as string);
    default:
      throw unknownOperation(operation);
  }
}

export async function handleEventBridge(
  operation: string,
  req: IncomingMessage,
  res: ServerResponse,
  service: EdgeEventBridge,
): Promise<void> {
  try {
    const input = parseJsonObject(await readBody(req));
    checkOperationInput(EVENTBRIDGE_SHAPES, operation, input, 'ValidationException');
    sendJson(res, 200, CONTENT_TYPE, await call(operation, input, service));
  } catch (error) {
    sendJsonError(res, CONTENT_TYPE, toAwsError(error));
  }
}
