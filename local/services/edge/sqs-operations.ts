/**
 * SQS operations on the edge, independent of the wire protocol: inputs and outputs use the member names of the
 * SQS API reference (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html),
 * which the JSON protocol sends as they are and the query protocol flattens into form fields and XML.
 *
 * Queues come from the stack's graph: CreateQueue answers with the URL of an existing queue of that name (as SQS
 * does for an identical CreateQueue) and refuses new ones; DeleteQueue and SetQueueAttributes are not emulated.
 */
import { SqsError, SqsMessageAttributes, SqsService } from '../sqs';
import { edgeQueueUrl } from './queue-urls';

export interface SqsCallContext {
  /** `http://<host the client used>`: base of the queue URLs handed out. */
  edgeBaseUrl: string;
  /** Aborted when the client goes away or the edge stops (ends long polls). */
  signal: AbortSignal;
}

type Input = Record<string, unknown>;

interface WireAttributeValue {
  DataType?: unknown;
  StringValue?: unknown;
  BinaryValue?: unknown;
}

export const SQS_OPERATIONS = [
  'ListQueues',
  'GetQueueUrl',
  'GetQueueAttributes',
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'PurgeQueue',
  'CreateQueue',
] as const;

function str(input: Input, member: string, required = true): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) {
    if (required) throw new SqsError('MissingParameter', `The request must contain the parameter ${member}.`);
    return undefined;
  }
  return String(value);
}

function int(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${String(value)} for parameter ${member} is invalid. Reason: must be an integer.`,
    );
  return n;
}

function strings(input: Input, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Wire attributes (BinaryValue base64) → SqsService attributes. */
export function fromWireAttributes(value: unknown): SqsMessageAttributes {
  const out: SqsMessageAttributes = {};
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object') throw new SqsError('InvalidParameterValue', 'MessageAttributes must be a map.');
  for (const [name, raw] of Object.entries(value as Record<string, WireAttributeValue>)) {
    const attr: SqsMessageAttributes[string] = { DataType: String(raw?.DataType ?? '') };
    if (raw?.StringValue !== undefined) attr.StringValue = String(raw.StringValue);
    if (raw?.BinaryValue !== undefined) attr.BinaryValue = Buffer.from(String(raw.BinaryValue), 'base64');
    out[name] = attr;
  }
  return out;
}

/** SqsService attributes → wire attributes (BinaryValue base64). */
export function toWireAttributes(
  attributes: SqsMessageAttributes,
): Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> {
  const out: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = { DataType: value.DataType };
    if (value.StringValue !== undefined) out[name].StringValue = value.StringValue;
    if (value.BinaryValue !== undefined) out[name].BinaryValue = Buffer.from(value.BinaryValue).toString('base64');
  }
  return out;
}

function urlFor(sqs: SqsService, queue: string, ctx: SqsCallContext): string {
  const q = sqs.describeQueue(queue);
  return edgeQueueUrl(ctx.edgeBaseUrl, q.account, q.name);
}

export async function callSqs(
  sqs: SqsService,
  operation: string,
  input: Input,
  ctx: SqsCallContext,
): Promise<Record<string, unknown>> {
  switch (operation) {
    case 'ListQueues': {
      const prefix = str(input, 'QueueNamePrefix', false);
      const max = int(input, 'MaxResults');
      let urls = sqs.listQueues(prefix).map((u) => urlFor(sqs, u, ctx));
      if (max !== undefined) urls = urls.slice(0, max);
      return urls.length > 0 ? { QueueUrls: urls } : {};
    }
    case 'GetQueueUrl': {
      const url = sqs.getQueueUrl(str(input, 'QueueName') as string, str(input, 'QueueOwnerAWSAccountId', false));
      return { QueueUrl: urlFor(sqs, url, ctx) };
    }
    case 'CreateQueue': {
      const name = str(input, 'QueueName') as string;
      try {
        return { QueueUrl: urlFor(sqs, sqs.getQueueUrl(name), ctx) };
      } catch {
        throw new SqsError(
          'UnsupportedOperation',
          `The local cloud creates queues from the stack only; ${name} is not in it.`,
          'AWS.SimpleQueueService.UnsupportedOperation',
        );
      }
    }
    case 'GetQueueAttributes': {
      const names = strings(input, 'AttributeNames') ?? [];
      const attributes = sqs.getQueueAttributes(str(input, 'QueueUrl') as string, names.length > 0 ? names : ['All']);
      // Without AttributeNames SQS returns no attributes.
      return names.length > 0 ? { Attributes: attributes } : {};
    }
    case 'SendMessage': {
      const result = sqs.sendMessage(
        str(input, 'QueueUrl') as string,
        str(input, 'MessageBody') as string,
        fromWireAttributes(input.MessageAttributes),
        {
          delaySeconds: int(input, 'DelaySeconds'),
        },
      );
      await sqs.synced(); // acknowledged only once durable (local/services/kernel/journal.ts)
      return { ...result };
    }
    case 'SendMessageBatch': {
      const queue = str(input, 'QueueUrl') as string;
      sqs.describeQueue(queue);
      const entries = (Array.isArray(input.Entries) ? input.Entries : []) as Input[];
      if (entries.length === 0)
        throw new SqsError(
          'EmptyBatchRequest',
          'There should be at least one SendMessageBatchRequestEntry in the request.',
          'AWS.SimpleQueueService.EmptyBatchRequest',
        );
      if (entries.length > 10)
        throw new SqsError(
          'TooManyEntriesInBatchRequest',
          `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
          'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        );
      const successful: Record<string, unknown>[] = [];
      const failed: Record<string, unknown>[] = [];
      for (const entry of entries) {
        try {
          const result = sqs.sendMessage(
            queue,
            str(entry, 'MessageBody') as string,
            fromWireAttributes(entry.MessageAttributes),
            { delaySeconds: int(entry, 'DelaySeconds') },
          );
          successful.push({ Id: entry.Id, ...result });
        } catch (error) {
          if (!(error instanceof SqsError)) throw error;
          failed.push({ Id: entry.Id, SenderFault: error.senderFault, Code: error.code, Message: error.message });
        }
      }
      await sqs.synced();
      return { Successful: successful, Failed: failed };
    }
    case 'ReceiveMessage': {
      const messages = await sqs.receiveMessages(
        str(input, 'QueueUrl') as string,
        int(input, 'MaxNumberOfMessages') ?? 1,
        int(input, 'WaitTimeSeconds'),
        int(input, 'VisibilityTimeout'),
        {
          attributeNames: [
            ...(strings(input, 'AttributeNames') ?? []),
            ...(strings(input, 'MessageSystemAttributeNames') ?? []),
          ],
          messageAttributeNames: strings(input, 'MessageAttributeNames'),
          signal: ctx.signal,
        },
      );
      return {
        Messages: messages.map((m) => ({
          ...m,
          ...(m.MessageAttributes ? { MessageAttributes: toWireAttributes(m.MessageAttributes) } : {}),
        })),
      };
    }
    case 'DeleteMessage':
      sqs.deleteMessage(str(input, 'QueueUrl') as string, str(input, 'ReceiptHandle') as string);
      return {};
    case 'DeleteMessageBatch': {
      const queue = str(input, 'QueueUrl') as string;
      const entries = (Array.isArray(input.Entries) ? input.Entries : []) as Input[];
      if (entries.length === 0)
        throw new SqsError(
          'EmptyBatchRequest',
          'There should be at least one DeleteMessageBatchRequestEntry in the request.',
          'AWS.SimpleQueueService.EmptyBatchRequest',
        );
      const successful: Record<string, unknown>[] = [];
      const failed: Record<string, unknown>[] = [];
      for (const entry of entries) {
        try {
          sqs.deleteMessage(queue, str(entry, 'ReceiptHandle') as string);
          successful.push({ Id: entry.Id });
        } catch (error) {
          if (!(error instanceof SqsError)) throw error;
          failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
        }
      }
      await sqs.synced();
      return { Successful: successful, Failed: failed };
    }
    case 'ChangeMessageVisibility':
      sqs.changeMessageVisibility(
        str(input, 'QueueUrl') as string,
        str(input, 'ReceiptHandle') as string,
        int(input, 'VisibilityTimeout') ?? 0,
      );
      return {};
    case 'PurgeQueue':
      sqs.purgeQueue(str(input, 'QueueUrl') as string);
      return {};
    default:
      throw new SqsError(
        'UnsupportedOperation',
        `Operation ${operation} is not emulated by the local edge (supported: ${SQS_OPERATIONS.join(', ')}).`,
        'AWS.SimpleQueueService.UnsupportedOperation',
      );
  }
}
