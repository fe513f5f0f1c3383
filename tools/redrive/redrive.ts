/**
 * Sends dead letters back where they failed, and starts archive replays, through AWS APIs only (SQS, EventBridge,
 * Lambda, Pipes, DynamoDB Streams): pointed at AWS it works there, pointed at the local cloud's edge it works there.
 *
 * How each kind goes back (docs/operations.md#redrive-and-replay says why each is safe to repeat):
 * - A Lambda on-failure record: the function is invoked asynchronously with the very payload it failed on (same
 *   event id), so its own retries and DLQ apply again.
 * - A rule target's dead letter, Lambda target: the event is rendered as that target renders it (its Input,
 *   InputPath or InputTransformer, read with ListTargetsByRule) and the function is invoked asynchronously.
 * - A rule target's dead letter, API destination: EventBridge has no API that calls an API destination, so the event
 *   goes back onto its bus with PutEvents (source, detail type, detail, resources and time unchanged); every rule
 *   that matches sees it again.
 * - A pipe's batch: the records are read again from the stream (they stay 24 hours), filtered and rendered as the
 *   pipe does (DescribePipe), and put on the pipe's target bus.
 * A message is deleted only after it was placed; one that cannot be placed stays in its queue, visible again.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  StartReplayCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribePipeCommand, PipesClient } from '@aws-sdk/client-pipes';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { compilePipeFilter, renderPipeTemplate, renderTargetInput } from '../../local/engine';
import { targetKindOf } from '../../local/services/kernel/arns';
import { compareSequenceNumbers, toPipeRecord } from '../../local/services/pipes/records';
import type { ClientConfig } from '../aws-clients';
import { DeadLetter, EventEnvelope, readDeadLetter, StreamBatch } from './dead-letters';

export interface RedriveClients {
  sqs: SQSClient;
  events: EventBridgeClient;
  lambda: LambdaClient;
  pipes: PipesClient;
  streams: DynamoDBStreamsClient;
}

/** One client per API the redrive uses, all with the same endpoint and credentials. */
export function redriveClients(config: ClientConfig): RedriveClients & { destroy(): void } {
  const clients = {
    sqs: new SQSClient(config),
    events: new EventBridgeClient(config),
    lambda: new LambdaClient(config),
    pipes: new PipesClient(config),
    streams: new DynamoDBStreamsClient(config),
  };
  return { ...clients, destroy: () => Object.values(clients).forEach((client) => client.destroy()) };
}

export interface RedriveOptions {
  dryRun?: boolean;
  /** How long a received message stays hidden while it is placed (seconds). */
  visibilityTimeoutSeconds?: number;
}

export interface RedriveReport {
  queueUrl: string;
  /** Messages placed (or, in a dry run, that would be). */
  placed: number;
  /** Messages left in the queue, with the reason. */
  refused: { messageId: string; reason: string }[];
  /** One line per message: what was (or would be) done. */
  actions: string[];
}

/** Something that stops one message from being placed; the message stays in its queue. */
class Unplaceable extends Error {}

/** Moves every message of one DLQ back where it failed (or says what it would do). */
export async function redriveQueue(
  clients: RedriveClients,
  queueUrl: string,
  options: RedriveOptions = {},
): Promise<RedriveReport> {
  const report: RedriveReport = { queueUrl, placed: 0, refused: [], actions: [] };
  const seen = new Set<string>();
  const keptHandles: string[] = [];
  const visibility = options.visibilityTimeoutSeconds ?? 60;
  for (;;) {
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibility,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = (received.Messages ?? []).filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId as string);
      const letter = readDeadLetter({ body: message.Body ?? '', attributes: stringAttributes(message) });
      try {
        const action = await place(clients, letter, options.dryRun === true);
        report.placed += 1;
        report.actions.push(`${message.MessageId}: ${action}`);
        if (options.dryRun) keptHandles.push(message.ReceiptHandle as string);
        else
          await clients.sqs.send(
            new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
      } catch (error) {
        if (!(error instanceof Unplaceable)) throw error;
        report.refused.push({ messageId: message.MessageId as string, reason: error.message });
        report.actions.push(`${message.MessageId}: refused: ${error.message}`);
        keptHandles.push(message.ReceiptHandle as string);
      }
    }
  }
  // What stays (refused, or only looked at) is visible again at once, for the operator and the next run.
  for (const handle of keptHandles) {
    await clients.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
  }
  return report;
}

function stringAttributes(message: Message): Record<string, string> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) =>
      value.StringValue !== undefined ? [[name, value.StringValue]] : [],
    ),
  );
}

async function place(clients: RedriveClients, letter: DeadLetter, dryRun: boolean): Promise<string> {
  switch (letter.kind) {
    case 'unplaceable':
      throw new Unplaceable(letter.reason);
    case 'async-invocation':
      if (!dryRun) await invokeAsync(clients.lambda, letter.functionArn, JSON.stringify(letter.payload));
      return `invoke ${letter.functionArn} asynchronously with the payload it failed on`;
    case 'rule-target':
      return placeRuleTarget(clients, letter, dryRun);
    case 'pipe-batch':
      return placePipeBatch(clients, letter, dryRun);
  }
}

async function invokeAsync(lambda: LambdaClient, functionArn: string, payload: string): Promise<void> {
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: functionArn, InvocationType: 'Event', Payload: Buffer.from(payload) }),
  );
  if (out.StatusCode !== 202) throw new Error(`Invoke of ${functionArn} answered ${out.StatusCode}`);
}

async function placeRuleTarget(
  clients: RedriveClients,
  letter: Extract<DeadLetter, { kind: 'rule-target' }>,
  dryRun: boolean,
): Promise<string> {
  const { event, ruleArn, ruleName, busName, targetArn } = letter;
  switch (targetKindOf(targetArn)) {
    case 'lambda': {
      const target = await findTarget(clients.events, ruleName, busName, targetArn);
      const rendered = renderTargetInput(
        {
          input: target.Input,
          inputPath: target.InputPath,
          inputTransformer: target.InputTransformer && {
            inputPathsMap: target.InputTransformer.InputPathsMap,
            inputTemplate: target.InputTransformer.InputTemplate as string,
          },
        },
        event,
        { ruleArn, ruleName, ingestionTime: event.time },
      );
      if (!rendered.ok) throw new Unplaceable(`the target's input does not render: ${rendered.errorMessage}`);
      if (!dryRun) await invokeAsync(clients.lambda, targetArn, rendered.body);
      return `invoke ${targetArn} asynchronously with event ${event.id} as rule ${ruleName} renders it`;
    }
    case 'api-destination':
      if (!dryRun) await putBack(clients.events, busName, [event]);
      return `put event ${event.id} back on bus ${busName} for rule ${ruleName} (API destination ${targetArn})`;
    default:
      throw new Unplaceable(`target ${targetArn} is neither a Lambda function nor an API destination`);
  }
}

async function findTarget(events: EventBridgeClient, rule: string, bus: string, arn: string): Promise<Target> {
  let token: string | undefined;
  do {
    const page = await events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus, NextToken: token }));
    const target = (page.Targets ?? []).find((t) => t.Arn === arn);
    if (target !== undefined) return target;
    token = page.NextToken;
  } while (token);
  throw new Unplaceable(`rule ${rule} on bus ${bus} no longer has target ${arn}`);
}

/** PutEvents in batches of 10 (the API's limit); an entry EventBridge refuses makes the message unplaceable. */
async function putBack(events: EventBridgeClient, busName: string, items: EventEnvelope[]): Promise<void> {
  for (let i = 0; i < items.length; i += 10) {
    const entries = items.slice(i, i + 10).map((event) => ({
      EventBusName: busName,
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Resources: event.resources,
      Time: new Date(event.time),
    }));
    const out = await events.send(new PutEventsCommand({ Entries: entries }));
    const failed = (out.Entries ?? []).find((e) => e.ErrorCode !== undefined);
    if (failed) throw new Unplaceable(`PutEvents refused it: ${failed.ErrorCode} ${failed.ErrorMessage ?? ''}`.trim());
  }
}

async function placePipeBatch(
  clients: RedriveClients,
  letter: Extract<DeadLetter, { kind: 'pipe-batch' }>,
  dryRun: boolean,
): Promise<string> {
  const pipe = await clients.pipes.send(new DescribePipeCommand({ Name: letter.pipeName }));
  const bus = pipe.Target ?? '';
  if (targetKindOf(bus) !== 'event-bus')
    throw new Unplaceable(`pipe ${letter.pipeName}'s target ${bus} is not an event bus`);
  const template = pipe.TargetParameters?.InputTemplate;
  const busParameters = pipe.TargetParameters?.EventBridgeEventBusParameters;
  if (!busParameters?.Source || !busParameters.DetailType) {
    throw new Unplaceable(`pipe ${letter.pipeName} sets no Source and DetailType for its bus`);
  }
  const filters = pipe.SourceParameters?.FilterCriteria?.Filters ?? [];
  const filter = compilePipeFilter({ filters: filters.map((f) => ({ pattern: f.Pattern ?? '' })) });
  const source = { sourceArn: pipe.Source ?? letter.batch.streamArn, region: letter.batch.streamArn.split(':')[3] };
  const records = (await readBatch(clients.streams, letter.batch)).map((raw) => toPipeRecord(raw, source));
  const events: EventEnvelope[] = [];
  for (const record of records) {
    if (!filter.matches(record)) continue;
    let detail: unknown = record;
    if (template !== undefined) {
      const rendered = renderPipeTemplate(template, record, {
        pipeArn: letter.pipeArn,
        pipeName: letter.pipeName,
        sourceArn: pipe.Source ?? '',
        targetArn: bus,
        ingestionTime: new Date().toISOString(),
      });
      if (!rendered.ok)
        throw new Unplaceable(`a record does not render with the pipe's template: ${rendered.errorMessage}`);
      detail = JSON.parse(rendered.body);
    }
    events.push({
      id: '',
      source: busParameters.Source,
      'detail-type': busParameters.DetailType,
      time: new Date().toISOString(),
      resources: busParameters.Resources,
      detail,
    });
  }
  if (!dryRun) await putBack(clients.events, bus.split('/').pop() as string, events);
  return `put ${events.length} of ${records.length} record(s) of ${letter.batch.shardId} (${letter.batch.startSequenceNumber}–${letter.batch.endSequenceNumber}) through pipe ${letter.pipeName}'s filter and template onto ${bus}`;
}

/** The batch's records, read again from the stream; a batch the stream no longer holds cannot be placed. */
async function readBatch(streams: DynamoDBStreamsClient, batch: StreamBatch): Promise<StreamRecord[]> {
  const stream = await streams.send(new DescribeStreamCommand({ StreamArn: batch.streamArn }));
  if (!(stream.StreamDescription?.Shards ?? []).some((s) => s.ShardId === batch.shardId)) {
    throw new Unplaceable(`the stream no longer has shard ${batch.shardId} (records are kept 24 hours)`);
  }
  let iterator = (
    await streams.send(
      new GetShardIteratorCommand({
        StreamArn: batch.streamArn,
        ShardId: batch.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: batch.startSequenceNumber,
      }),
    )
  ).ShardIterator;
  const records: StreamRecord[] = [];
  while (iterator !== undefined) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    for (const record of page.Records ?? []) {
      const sequence = record.dynamodb?.SequenceNumber ?? '0';
      if (compareSequenceNumbers(sequence, batch.endSequenceNumber) > 0) return records;
      records.push(record);
    }
    if ((page.Records ?? []).length === 0) break;
    iterator = page.NextShardIterator;
  }
  if (records.length === 0) throw new Unplaceable(`no records of the batch are left in shard ${batch.shardId}`);
  return records;
}

export interface ReplayRequest {
  archiveName: string;
  from: Date;
  to: Date;
  /** Rule ARNs the replayed events go to; all rules of the archive's bus when empty. */
  ruleArns?: string[];
  replayName?: string;
}

/** Starts an archive replay onto the archive's own bus and waits (up to `timeoutMs`) until it ends. */
export async function replayArchive(
  events: EventBridgeClient,
  request: ReplayRequest,
  timeoutMs = 600_000,
): Promise<{ replayName: string; state: string; reason?: string }> {
  const archive = await events.send(new DescribeArchiveCommand({ ArchiveName: request.archiveName }));
  const replayName = request.replayName ?? `redrive-${Date.now()}`;
  await events.send(
    new StartReplayCommand({
      ReplayName: replayName,
      EventSourceArn: archive.ArchiveArn,
      EventStartTime: request.from,
      EventEndTime: request.to,
      Destination: {
        Arn: archive.EventSourceArn,
        ...(request.ruleArns && request.ruleArns.length > 0 ? { FilterArns: request.ruleArns } : {}),
      },
    }),
  );
  const started = Date.now();
  for (;;) {
    const replay = await events.send(new DescribeReplayCommand({ ReplayName: replayName }));
    const state = replay.State ?? 'UNKNOWN';
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(state) || Date.now() - started > timeoutMs) {
      return { replayName, state, ...(replay.StateReason ? { reason: replay.StateReason } : {}) };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
