/**
 * Pure helpers for stream records: the SDK's shapes back to AWS's JSON record, sequence ordering, and the DLQ
 * batch-information message.
 */
import type { _Record, AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import { StreamRecord } from './types';

/**
 * The record as Pipes hand it to filters, templates and targets (docs/aws-behaviour.md#pipes-dynamodb-stream-records): ApproximateCreationDateTime
 * as epoch seconds, B/BS as base64 (the SDK gives a Date and Uint8Arrays). DynamoDB Local reports region `ddblocal`
 * and its own stream ARN; records are presented with the pipe's declared source ARN and region, as AWS would [I].
 */
export function toPipeRecord(record: _Record, source: { sourceArn: string; region: string }): StreamRecord {
  const d = record.dynamodb ?? {};
  // Keys in the order AWS shows them.
  const ordered = {} as StreamRecord['dynamodb'];
  if (d.ApproximateCreationDateTime !== undefined)
    ordered.ApproximateCreationDateTime = Math.floor(new Date(d.ApproximateCreationDateTime).getTime() / 1000);
  if (d.Keys) ordered.Keys = imageToJson(d.Keys);
  if (d.NewImage) ordered.NewImage = imageToJson(d.NewImage);
  if (d.OldImage) ordered.OldImage = imageToJson(d.OldImage);
  ordered.SequenceNumber = d.SequenceNumber ?? '';
  if (d.SizeBytes !== undefined) ordered.SizeBytes = d.SizeBytes;
  if (d.StreamViewType !== undefined) ordered.StreamViewType = d.StreamViewType;
  const out: StreamRecord = {
    eventID: record.eventID ?? '',
    eventName: record.eventName ?? '',
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: source.region,
    dynamodb: ordered,
    eventSourceARN: source.sourceArn,
  };
  if (record.userIdentity)
    out.userIdentity = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  return out;
}

function imageToJson(image: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(image)) out[key] = attributeToJson(value);
  return out;
}

/** AttributeValue as DynamoDB's JSON wire form: binaries base64, everything else as is. */
export function attributeToJson(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: imageToJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(attributeToJson) };
  const { $unknown: _unknown, ...rest } = value as AttributeValue & { $unknown?: unknown };
  for (const [key, inner] of Object.entries(rest)) if (inner !== undefined) return { [key]: inner };
  return {};
}

/** Sequence numbers are decimal strings that grow within a shard; compare numerically (lengths differ). */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export type DlqCondition = 'RetryAttemptsExhausted' | 'MaximumRecordAgeExceeded' | 'NonRetryableError';

/**
 * The message a pipe sends to its DLQ: batch metadata, not the records (Lambda event-source-mapping style,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-dynamodb-errors ; docs/aws-behaviour.md#pipes-stream-parameters-and-batches).
 * `condition` values other than RetryAttemptsExhausted are [I].
 */
export function buildDlqMessage(args: {
  requestId: string;
  pipeArn: string;
  condition: DlqCondition;
  approximateInvokeCount: number;
  now: Date;
  shardId: string;
  streamArn: string;
  records: StreamRecord[];
}): object {
  const first = args.records[0];
  const last = args.records[args.records.length - 1];
  return {
    requestContext: {
      requestId: args.requestId,
      pipeArn: args.pipeArn,
      condition: args.condition,
      approximateInvokeCount: args.approximateInvokeCount,
    },
    version: '1.0',
    timestamp: args.now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: args.shardId,
      startSequenceNumber: first.dynamodb.SequenceNumber,
      endSequenceNumber: last.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: args.records.length,
      streamArn: args.streamArn,
    },
  };
}

function arrival(record: StreamRecord): string | null {
  const seconds = record.dynamodb.ApproximateCreationDateTime;
  return seconds === undefined ? null : `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}
