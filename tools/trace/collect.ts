/**
 * The trace's I/O, through the AWS SDK only, so one code path serves AWS and the local edge: FilterLogEvents on
 * every log group for the quoted id (terms match JSON and text alike), then the START/END/REPORT lines of each
 * invocation that logged it; and a peek into every queue of the stack for messages that carry the id.
 *
 * The peek is ReceiveMessage with VisibilityTimeout 0: messages stay visible to everyone else, but each receive
 * counts in their ApproximateReceiveCount (harmless for DLQs, which have no redrive policy of their own).
 */
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { findStackQueues } from '../aws-clients';
import type { DeadLetter, TraceGroup, TraceLogEvent } from './timeline';

export interface CollectOptions {
  logs: CloudWatchLogsClient;
  sqs?: SQSClient;
  id: string;
  groups: TraceGroup[];
  queueLogicalNames: string[];
  startTime?: number;
}

export interface Collected {
  events: TraceLogEvent[];
  deadLetters: DeadLetter[];
  /** Log groups that do not exist (yet) on this backend. */
  missingGroups: string[];
}

async function filterAll(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  filterPattern: string,
  startTime?: number,
): Promise<TraceLogEvent[]> {
  const events: TraceLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern, startTime, nextToken }));
    for (const e of page.events ?? [])
      events.push({ logGroupName, timestamp: e.timestamp ?? 0, message: e.message ?? '' });
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

const quoted = (text: string): string => `"${text.replace(/["\\]/g, '\\$&')}"`;

export async function collectTrace(options: CollectOptions): Promise<Collected> {
  const missingGroups: string[] = [];
  const perGroup = await Promise.all(
    options.groups.map(async (group) => {
      try {
        const found = await filterAll(options.logs, group.logGroupName, quoted(options.id), options.startTime);
        if (group.kind !== 'function') return found;
        const requestIds = new Set(
          found
            .map((e) => /"function_request_id":"([^"]+)"/.exec(e.message)?.[1])
            .filter((r): r is string => r !== undefined),
        );
        const lifecycle = await Promise.all(
          [...requestIds].map((r) =>
            filterAll(options.logs, group.logGroupName, quoted(`RequestId: ${r}`), options.startTime),
          ),
        );
        return [...found, ...lifecycle.flat()];
      } catch (error) {
        if (error instanceof ResourceNotFoundException) {
          missingGroups.push(group.logGroupName);
          return [];
        }
        throw error;
      }
    }),
  );
  return {
    events: perGroup.flat(),
    deadLetters: options.sqs ? await peekQueues(options.sqs, options.queueLogicalNames, options.id) : [],
    missingGroups,
  };
}

async function peekQueues(sqs: SQSClient, logicalNames: string[], id: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const { queueName, url } of await findStackQueues(sqs, logicalNames)) {
    const seen = new Set<string>();
    // Receives return a sample; a few rounds with VisibilityTimeout 0 see a small queue whole.
    for (let round = 0; round < 5; round += 1) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      const messages = out.Messages ?? [];
      let fresh = 0;
      for (const m of messages) {
        if (!m.MessageId || seen.has(m.MessageId)) continue;
        seen.add(m.MessageId);
        fresh += 1;
        if (!(m.Body ?? '').includes(id)) continue;
        const attributes = Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
        );
        letters.push({
          queueName,
          sentTimestamp: Number(m.Attributes?.SentTimestamp ?? 0),
          body: m.Body ?? '',
          attributes,
        });
      }
      if (messages.length < 10 && fresh === 0) break;
    }
  }
  return letters;
}
