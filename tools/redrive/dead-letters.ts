/**
 * What a dead-lettered message is and where it failed, read from the message alone. Pure: no I/O.
 *
 * The three kinds of DLQ message this stack produces, each as AWS writes it:
 * - An EventBridge rule target's DLQ: the body is the event, and the message attributes `RULE_ARN` and `TARGET_ARN`
 *   name the rule and the target that could not be reached
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * - A Lambda function's on-failure destination (an SQS queue): the body is an invocation record whose
 *   `requestContext.functionArn` is the function and whose `requestPayload` is the event it was invoked with
 *   (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * - An EventBridge pipe's DLQ for a DynamoDB stream source: the body describes the batch (`DDBStreamBatchInfo`:
 *   shard, first and last sequence number, stream ARN), not its records, as Lambda's stream event-source mappings do
 *   (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-dynamodb-errors).
 */
import { isRecord } from '../../local/services/kernel/values';

export interface EventEnvelope {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  resources?: string[];
  detail: unknown;
  [field: string]: unknown;
}

export interface StreamBatch {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

export type DeadLetter =
  | { kind: 'rule-target'; ruleArn: string; ruleName: string; busName: string; targetArn: string; event: EventEnvelope }
  | { kind: 'async-invocation'; functionArn: string; payload: unknown }
  | { kind: 'pipe-batch'; pipeArn: string; pipeName: string; batch: StreamBatch }
  | { kind: 'unplaceable'; reason: string };

export interface ReceivedMessage {
  body: string;
  /** Message attributes as strings (`RULE_ARN`, `TARGET_ARN`, ...). */
  attributes: Record<string, string>;
}

/** `arn:aws:events:<region>:<account>:rule/<bus>/<rule>`, or `rule/<rule>` on the default bus (API_Rule.html). */
const RULE_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:rule\/(?:([^/]+)\/)?([^/]+)$/;
/** `arn:aws:pipes:<region>:<account>:pipe/<name>` */
const PIPE_ARN = /^arn:aws[a-z-]*:pipes:[a-z0-9-]+:\d{12}:pipe\/([^/]+)$/;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isEvent(value: unknown): value is EventEnvelope {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.source === 'string' &&
    typeof value['detail-type'] === 'string' &&
    typeof value.time === 'string' &&
    'detail' in value
  );
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Where a dead letter failed, or why it cannot be told. */
export function readDeadLetter(message: ReceivedMessage): DeadLetter {
  const body = parseJson(message.body);
  const ruleArn = message.attributes.RULE_ARN;
  const targetArn = message.attributes.TARGET_ARN;
  if (ruleArn !== undefined || targetArn !== undefined) {
    const rule = RULE_ARN.exec(ruleArn ?? '');
    if (rule === null || targetArn === undefined) {
      return { kind: 'unplaceable', reason: `RULE_ARN ${ruleArn ?? '(none)'} / TARGET_ARN ${targetArn ?? '(none)'}` };
    }
    if (!isEvent(body)) return { kind: 'unplaceable', reason: 'the body is not an EventBridge event' };
    return {
      kind: 'rule-target',
      ruleArn: rule[0],
      busName: rule[1] ?? 'default',
      ruleName: rule[2],
      targetArn,
      event: body,
    };
  }
  if (!isRecord(body) || !isRecord(body.requestContext)) {
    return { kind: 'unplaceable', reason: 'neither EventBridge DLQ attributes nor an invocation or batch record' };
  }
  const context = body.requestContext;
  const functionArn = asString(context.functionArn);
  if (functionArn !== undefined) {
    if (!('requestPayload' in body))
      return { kind: 'unplaceable', reason: 'the invocation record has no requestPayload' };
    return { kind: 'async-invocation', functionArn, payload: body.requestPayload };
  }
  const pipe = PIPE_ARN.exec(asString(context.pipeArn) ?? '');
  const info = body.DDBStreamBatchInfo;
  if (pipe !== null && isRecord(info)) {
    const batch = {
      streamArn: asString(info.streamArn),
      shardId: asString(info.shardId),
      startSequenceNumber: asString(info.startSequenceNumber),
      endSequenceNumber: asString(info.endSequenceNumber),
    };
    if (Object.values(batch).some((v) => v === undefined)) {
      return { kind: 'unplaceable', reason: 'the batch record lacks its stream, shard or sequence numbers' };
    }
    return { kind: 'pipe-batch', pipeArn: pipe[0], pipeName: pipe[1], batch: batch as StreamBatch };
  }
  return { kind: 'unplaceable', reason: 'the record names no function and no pipe with a DynamoDB stream batch' };
}
