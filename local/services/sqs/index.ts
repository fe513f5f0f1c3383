/**
 * Amazon SQS standard queues (in memory, journaled to disk): what the local cloud uses for dead-letter queues and SQS targets.
 *
 * Queues are not created through the API: the wiring creates one per `aws:sqs/queue:Queue` of the resource graph
 * (`createQueue` with the graph's name, ARN and URL), so the names and ARNs match what the stack would deploy.
 * Every method accepts a queue by ARN, by its graph URL, or by any URL whose path ends in `/<account>/<name>`
 * (the form the AWS edge hands out; see edge.ts), so callers never need to translate.
 *
 * Behaviour copied from SQS (standard queues, at-least-once, best-effort order):
 * - visibility timeout, receive counts, long polling:
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
 * - message attribute MD5:
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 * - dead-letter redrive (RedrivePolicy maxReceiveCount):
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 *
 * Durability: every change to a message (sent, received, hidden, moved to a DLQ, deleted, purged) is appended to a
 * journal (shared/journal.ts) when one is given; `restore` replays it at start-up, so messages, their attributes,
 * receive counts and visibility survive a `kill -9`. Senders that acknowledge (the edge's SendMessage, a DLQ write
 * before a delivery is marked done) wait for `synced()`. Without a journal (`--in-memory`) nothing is persisted.
 *
 * Differences from AWS: there is no FIFO support (the graph's DLQs are standard queues, which EventBridge and Lambda
 * require); retention is enforced lazily, on receive.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LocalCloudError } from '../kernel/errors';
import { Journal } from '../kernel/journal';

export interface SqsMessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export type SqsMessageAttributes = Record<string, SqsMessageAttributeValue>;

export interface SqsQueueDefinition {
  name: string;
  arn: string;
  url: string;
  /** SQS attribute names as in SetQueueAttributes (`VisibilityTimeout`, `DelaySeconds`, `RedrivePolicy`, ...). */
  attributes?: Record<string, string>;
}

export interface SqsReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: SqsMessageAttributes;
  MD5OfMessageAttributes?: string;
}

export interface SqsReceiveOptions {
  /** System attributes to return (`All`, `SentTimestamp`, `ApproximateReceiveCount`, ...). */
  attributeNames?: string[];
  /** Message attributes to return (`All`, `.*`, `prefix.*`, or exact names). */
  messageAttributeNames?: string[];
  /** Ends a long poll early (e.g. the HTTP client went away). */
  signal?: AbortSignal;
}

/**
 * An SQS error with both of its names: `code` is the JSON protocol's shape name (`QueueDoesNotExist`),
 * `queryCode` the query protocol's error code (`AWS.SimpleQueueService.NonExistentQueue`).
 */
export class SqsError extends LocalCloudError {
  constructor(
    code: string,
    message: string,
    readonly queryCode: string = code,
    statusCode = 400,
    readonly senderFault = true,
  ) {
    super(message, { code, statusCode });
  }
}

function queueDoesNotExist(): SqsError {
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html (Errors)
  return new SqsError(
    'QueueDoesNotExist',
    'The specified queue does not exist.',
    'AWS.SimpleQueueService.NonExistentQueue',
  );
}

function invalidParameter(message: string): SqsError {
  return new SqsError('InvalidParameterValue', message);
}

/** Defaults of CreateQueue: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html */
const DEFAULT_ATTRIBUTES: Record<string, string> = {
  VisibilityTimeout: '30',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};

/** Attributes that GetQueueAttributes knows; anything else is `InvalidAttributeName`. */
const QUEUE_ATTRIBUTE_NAMES = new Set([
  'All',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'Policy',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);

const MESSAGE_SYSTEM_ATTRIBUTE_NAMES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
] as const;

/** The principal SQS reports as SenderId; locally every sender is the same dummy identity. */
const LOCAL_SENDER_ID = 'AIDAEXAMPLELOCALSENDER';

interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes: SqsMessageAttributes;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The receipt handle of the latest receive; older handles still delete, as in SQS standard queues. */
  receiptToken?: string;
}

interface Queue {
  name: string;
  arn: string;
  url: string;
  account: string;
  attributes: Record<string, string>;
  createdAt: number;
  messages: StoredMessage[];
  waiters: Set<() => void>;
}

export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

/**
 * MD5OfMessageAttributes exactly as SQS computes it: attributes sorted by name, each encoded as
 * name, data type (4-byte big-endian length + UTF-8 bytes each), a transport byte (1 string/number, 2 binary)
 * and the length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: SqsMessageAttributes): string {
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    parts.push(lengthPrefixed(Buffer.from(name, 'utf8')));
    parts.push(lengthPrefixed(Buffer.from(value.DataType, 'utf8')));
    if (value.DataType.startsWith('Binary')) {
      parts.push(Buffer.from([2]));
      parts.push(lengthPrefixed(Buffer.from(value.BinaryValue ?? new Uint8Array())));
    } else {
      parts.push(Buffer.from([1]));
      parts.push(lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8')));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

function validateMessageAttributes(attributes: SqsMessageAttributes): void {
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
  const names = Object.keys(attributes);
  if (names.length > 10) {
    throw invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  }
  for (const name of names) {
    const value = attributes[name];
    const type = value?.DataType ?? '';
    if (!/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw new SqsError(
        'InvalidParameterValue',
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (type.startsWith('Binary') ? value.BinaryValue === undefined : value.StringValue === undefined) {
      throw invalidParameter(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    }
    if (type.startsWith('Number') && !Number.isFinite(Number(value.StringValue))) {
      throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
  }
}

function selectMessageAttributes(all: SqsMessageAttributes, requested: string[] | undefined): SqsMessageAttributes {
  if (!requested || requested.length === 0) return {};
  const picked: SqsMessageAttributes = {};
  for (const [name, value] of Object.entries(all)) {
    const wanted = requested.some((r) => {
      if (r === 'All' || r === '.*') return true;
      if (r.endsWith('.*')) return name.startsWith(r.slice(0, -1));
      return r === name;
    });
    if (wanted) picked[name] = value;
  }
  return picked;
}

function intAttribute(queue: Queue, name: string): number {
  return Number(queue.attributes[name] ?? DEFAULT_ATTRIBUTES[name] ?? '0');
}

/** The `<account>/<name>` key of a queue URL, whatever its host (graph URL, edge URL, AWS URL). */
function urlKey(url: string): string | undefined {
  const match = /^[a-z]+:\/\/[^/]+\/([^/]+)\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(url);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

export interface SqsServiceOptions {
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Where changes to messages are recorded (default: nowhere, in memory). */
  journal?: Journal<SqsJournalRecord>;
}

/** A stored message as the journal keeps it (binary attribute values as base64). */
export interface JournaledMessage {
  id: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string; BinaryBase64?: string }>;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

/** One change to a queue's messages. */
export type SqsJournalRecord =
  | { op: 'send'; q: string; m: JournaledMessage }
  | { op: 'recv'; q: string; id: string; rc: number; vis: number; first?: number }
  | { op: 'vis'; q: string; id: string; vis: number }
  | { op: 'move'; q: string; to: string; id: string; vis: number }
  | { op: 'del'; q: string; id: string }
  | { op: 'purge'; q: string };

/** The journal is rewritten from the messages kept once this many records were appended. */
const COMPACT_AFTER_RECORDS = 50_000;

function toJournaled(m: StoredMessage): JournaledMessage {
  const attributes: JournaledMessage['attributes'] = {};
  for (const [name, value] of Object.entries(m.attributes)) {
    attributes[name] = { DataType: value.DataType, StringValue: value.StringValue };
    if (value.BinaryValue !== undefined)
      attributes[name].BinaryBase64 = Buffer.from(value.BinaryValue).toString('base64');
  }
  const { id, body, sentAt, visibleAt, receiveCount, firstReceivedAt } = m;
  return { id, body, attributes, sentAt, visibleAt, receiveCount, firstReceivedAt };
}

function fromJournaled(m: JournaledMessage): StoredMessage {
  const attributes: SqsMessageAttributes = {};
  for (const [name, value] of Object.entries(m.attributes)) {
    attributes[name] = { DataType: value.DataType };
    if (value.StringValue !== undefined) attributes[name].StringValue = value.StringValue;
    if (value.BinaryBase64 !== undefined) attributes[name].BinaryValue = Buffer.from(value.BinaryBase64, 'base64');
  }
  const { id, body, sentAt, visibleAt, receiveCount, firstReceivedAt } = m;
  return { id, body, md5OfBody: md5Hex(body), attributes, sentAt, visibleAt, receiveCount, firstReceivedAt };
}

export class SqsService {
  private readonly queues = new Map<string, Queue>(); // by ARN
  private readonly now: () => number;
  private readonly journal: Journal<SqsJournalRecord>;
  private closed = false;

  constructor(options: SqsServiceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.journal = options.journal ?? Journal.inMemory();
  }

  /** Resolves once every change made so far is on disk (acknowledge a SendMessage after this). */
  synced(): Promise<void> {
    return this.journal.synced();
  }

  /**
   * Replays journal records onto the queues created so far (call after `createQueue` for the graph's queues), then
   * compacts the journal to one `send` record per message kept. Records of queues that no longer exist are dropped.
   * Returns the number of messages restored.
   */
  async restore(records: SqsJournalRecord[]): Promise<number> {
    const find = (arn: string, id: string): StoredMessage | undefined =>
      this.queues.get(arn)?.messages.find((m) => m.id === id);
    for (const record of records) {
      const q = this.queues.get(record.q);
      if (q === undefined) continue;
      if (record.op === 'send') q.messages.push(fromJournaled(record.m));
      else if (record.op === 'purge') q.messages = [];
      else if (record.op === 'del') q.messages = q.messages.filter((m) => m.id !== record.id);
      else if (record.op === 'recv') {
        const m = find(record.q, record.id);
        if (m) Object.assign(m, { receiveCount: record.rc, visibleAt: record.vis, firstReceivedAt: record.first });
      } else if (record.op === 'vis') {
        const m = find(record.q, record.id);
        if (m) m.visibleAt = record.vis;
      } else {
        const m = find(record.q, record.id);
        const to = this.queues.get(record.to);
        q.messages = q.messages.filter((x) => x.id !== record.id);
        if (m && to) to.messages.push({ ...m, visibleAt: record.vis });
      }
    }
    const snapshot = this.snapshot();
    await this.journal.compact(snapshot);
    return snapshot.length;
  }

  private record(record: SqsJournalRecord): void {
    // Awaited through synced() by whoever acknowledges; a failed write is reported there.
    this.journal.append(record).catch(() => undefined);
    // Receives and deletes add up in a long run: rewrite the journal from the messages kept now and then.
    if (this.journal.appendedSinceCompaction > COMPACT_AFTER_RECORDS)
      this.journal.compact(this.snapshot()).catch(() => undefined);
  }

  private snapshot(): SqsJournalRecord[] {
    const records: SqsJournalRecord[] = [];
    for (const q of this.queues.values())
      for (const m of q.messages) records.push({ op: 'send', q: q.arn, m: toJournaled(m) });
    return records;
  }

  createQueue(definition: SqsQueueDefinition): void {
    const attributes = { ...definition.attributes };
    if (attributes.FifoQueue === 'true' || definition.name.endsWith('.fifo')) {
      throw new Error(`FIFO queue ${definition.name} is not emulated (standard queues only)`);
    }
    const createdAt = this.now();
    this.queues.set(definition.arn, {
      name: definition.name,
      arn: definition.arn,
      url: definition.url,
      account: accountOfArn(definition.arn),
      attributes,
      createdAt,
      messages: [],
      waiters: new Set(),
    });
  }

  /** Name, ARN and graph URL of a queue given by ARN or URL; throws QueueDoesNotExist. */
  describeQueue(queueArnOrUrl: string): { name: string; arn: string; url: string; account: string } {
    const q = this.resolve(queueArnOrUrl);
    return { name: q.name, arn: q.arn, url: q.url, account: q.account };
  }

  /** All queues, in creation order. */
  queueList(): { name: string; arn: string; url: string; account: string }[] {
    return [...this.queues.values()].map((q) => ({ name: q.name, arn: q.arn, url: q.url, account: q.account }));
  }

  sendMessage(
    queueArnOrUrl: string,
    body: string,
    attributes: SqsMessageAttributes = {},
    options: { delaySeconds?: number } = {},
  ): { MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string } {
    const q = this.resolve(queueArnOrUrl);
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
    if (typeof body !== 'string' || body.length === 0) {
      throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    validateMessageAttributes(attributes);
    const size = Buffer.byteLength(body, 'utf8') + attributesSize(attributes);
    const max = intAttribute(q, 'MaximumMessageSize');
    if (size > max) {
      throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
    }
    const delaySeconds = options.delaySeconds ?? intAttribute(q, 'DelaySeconds');
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      throw invalidParameter(
        `Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
      );
    }
    const now = this.now();
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      attributes: { ...attributes },
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.enqueue(q, message);
    this.record({ op: 'send', q: q.arn, m: toJournaled(message) });
    const result: { MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes?: string } = {
      MessageId: message.id,
      MD5OfMessageBody: message.md5OfBody,
    };
    if (Object.keys(attributes).length > 0) result.MD5OfMessageAttributes = md5OfMessageAttributes(attributes);
    return result;
  }

  /**
   * Receives up to `max` (1..10) visible messages, hiding them for the visibility timeout. With `waitSeconds` > 0
   * (long polling) it waits until at least one message is available or the wait ends, then returns what it has.
   */
  async receiveMessages(
    queueArnOrUrl: string,
    max = 1,
    waitSeconds?: number,
    visibilityTimeout?: number,
    options: SqsReceiveOptions = {},
  ): Promise<SqsReceivedMessage[]> {
    const q = this.resolve(queueArnOrUrl);
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw invalidParameter(
        `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    }
    const wait = waitSeconds ?? intAttribute(q, 'ReceiveMessageWaitTimeSeconds');
    if (!Number.isInteger(wait) || wait < 0 || wait > 20) {
      throw invalidParameter(
        `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
      );
    }
    if (
      visibilityTimeout !== undefined &&
      (!Number.isInteger(visibilityTimeout) || visibilityTimeout < 0 || visibilityTimeout > 43200)
    ) {
      throw invalidParameter(
        `Value ${visibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`,
      );
    }
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const got = this.takeVisible(q, max, visibilityTimeout ?? intAttribute(q, 'VisibilityTimeout'), options);
      if (got.length > 0 || this.closed || options.signal?.aborted) return got;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return got;
      await this.waitForChange(q, Math.min(remaining, this.untilNextVisible(q)), options.signal);
    }
  }

  deleteMessage(queueArnOrUrl: string, receiptHandle: string): void {
    const q = this.resolve(queueArnOrUrl);
    const decoded = decodeReceiptHandle(receiptHandle);
    if (!decoded || decoded.queueArn !== q.arn) {
      // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
        'ReceiptHandleIsInvalid',
        404,
      );
    }
    // A handle of an already deleted message succeeds silently, as in SQS.
    q.messages = q.messages.filter((m) => m.id !== decoded.messageId);
    this.record({ op: 'del', q: q.arn, id: decoded.messageId });
  }

  /** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html */
  changeMessageVisibility(queueArnOrUrl: string, receiptHandle: string, visibilityTimeout: number): void {
    const q = this.resolve(queueArnOrUrl);
    const decoded = decodeReceiptHandle(receiptHandle);
    if (!decoded || decoded.queueArn !== q.arn) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
        'ReceiptHandleIsInvalid',
        404,
      );
    }
    const message = q.messages.find((m) => m.id === decoded.messageId);
    if (!message || message.visibleAt <= this.now()) {
      throw new SqsError(
        'MessageNotInflight',
        'Message does not exist or is not available for visibility timeout change.',
        'AWS.SimpleQueueService.MessageNotInflight',
      );
    }
    message.visibleAt = this.now() + visibilityTimeout * 1000;
    this.record({ op: 'vis', q: q.arn, id: message.id, vis: message.visibleAt });
    if (visibilityTimeout === 0) this.wake(q);
  }

  purgeQueue(queueArnOrUrl: string): void {
    const q = this.resolve(queueArnOrUrl);
    q.messages = [];
    this.record({ op: 'purge', q: q.arn });
  }

  /** Graph URLs of the queues whose name starts with `prefix` (ListQueues). */
  listQueues(prefix?: string): string[] {
    return [...this.queues.values()].filter((q) => !prefix || q.name.startsWith(prefix)).map((q) => q.url);
  }

  /** Graph URL of the queue named `name` (GetQueueUrl); throws QueueDoesNotExist. */
  getQueueUrl(name: string, account?: string): string {
    for (const q of this.queues.values()) {
      if (q.name === name && (account === undefined || q.account === account)) return q.url;
    }
    throw queueDoesNotExist();
  }

  /** GetQueueAttributes: `names` may contain `All`; unknown names give InvalidAttributeName. */
  getQueueAttributes(queueArnOrUrl: string, names: string[] = ['All']): Record<string, string> {
    const q = this.resolve(queueArnOrUrl);
    for (const name of names) {
      if (!QUEUE_ATTRIBUTE_NAMES.has(name)) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    const now = this.now();
    this.expire(q, now);
    const all: Record<string, string> = {
      ...DEFAULT_ATTRIBUTES,
      ...q.attributes,
      QueueArn: q.arn,
      ApproximateNumberOfMessages: String(q.messages.filter((m) => m.visibleAt <= now).length),
      ApproximateNumberOfMessagesNotVisible: String(
        q.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length,
      ),
      ApproximateNumberOfMessagesDelayed: String(
        q.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length,
      ),
      CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(q.createdAt / 1000)),
    };
    if (names.includes('All')) return all;
    const picked: Record<string, string> = {};
    for (const name of names) if (all[name] !== undefined) picked[name] = all[name];
    return picked;
  }

  /** Ends all long polls (they return what they have) and refuses to wait again. */
  close(): void {
    this.closed = true;
    for (const q of this.queues.values()) this.wake(q);
  }

  private resolve(queueArnOrUrl: string): Queue {
    const byArn = this.queues.get(queueArnOrUrl);
    if (byArn) return byArn;
    const key = urlKey(queueArnOrUrl);
    for (const q of this.queues.values()) {
      if (q.url === queueArnOrUrl || (key !== undefined && `${q.account}/${q.name}` === key)) return q;
    }
    throw queueDoesNotExist();
  }

  private enqueue(q: Queue, message: StoredMessage): void {
    q.messages.push(message);
    this.wake(q);
  }

  private wake(q: Queue): void {
    for (const waiter of [...q.waiters]) waiter();
  }

  private untilNextVisible(q: Queue): number {
    const now = this.now();
    let next = Infinity;
    for (const m of q.messages) if (m.visibleAt > now) next = Math.min(next, m.visibleAt - now);
    // Never spin: at least a few ms between checks.
    return Math.max(next, 5);
  }

  private waitForChange(q: Queue, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        q.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      q.waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  private expire(q: Queue, now: number): void {
    const retentionMs = intAttribute(q, 'MessageRetentionPeriod') * 1000;
    q.messages = q.messages.filter((m) => now - m.sentAt < retentionMs);
  }

  private takeVisible(
    q: Queue,
    max: number,
    visibilityTimeout: number,
    options: SqsReceiveOptions,
  ): SqsReceivedMessage[] {
    const now = this.now();
    this.expire(q, now);
    const redrive = parseRedrivePolicy(q.attributes.RedrivePolicy);
    const out: SqsReceivedMessage[] = [];
    for (const message of [...q.messages]) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      // Redrive: a message received maxReceiveCount times moves to the DLQ instead of being received again.
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        const dlq = this.queues.get(redrive.deadLetterTargetArn);
        if (dlq) {
          q.messages = q.messages.filter((m) => m !== message);
          // The message keeps its id, body, attributes and SentTimestamp; its receive count carries over.
          this.enqueue(dlq, { ...message, visibleAt: now });
          this.record({ op: 'move', q: q.arn, to: dlq.arn, id: message.id, vis: now });
          continue;
        }
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityTimeout * 1000;
      message.receiptToken = randomBytes(12).toString('hex');
      this.record({
        op: 'recv',
        q: q.arn,
        id: message.id,
        rc: message.receiveCount,
        vis: message.visibleAt,
        first: message.firstReceivedAt,
      });
      out.push(this.present(q, message, options));
    }
    return out;
  }

  private present(q: Queue, m: StoredMessage, options: SqsReceiveOptions): SqsReceivedMessage {
    const result: SqsReceivedMessage = {
      MessageId: m.id,
      ReceiptHandle: encodeReceiptHandle(q.arn, m.id, m.receiptToken ?? ''),
      MD5OfBody: m.md5OfBody,
      Body: m.body,
    };
    const wantedSystem = options.attributeNames ?? [];
    if (wantedSystem.length > 0) {
      const all: Record<string, string> = {
        SenderId: LOCAL_SENDER_ID,
        SentTimestamp: String(m.sentAt),
        ApproximateReceiveCount: String(m.receiveCount),
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      };
      const attributes: Record<string, string> = {};
      for (const name of MESSAGE_SYSTEM_ATTRIBUTE_NAMES) {
        if (wantedSystem.includes('All') || wantedSystem.includes(name)) attributes[name] = all[name];
      }
      if (Object.keys(attributes).length > 0) result.Attributes = attributes;
    }
    const picked = selectMessageAttributes(m.attributes, options.messageAttributeNames);
    if (Object.keys(picked).length > 0) {
      result.MessageAttributes = picked;
      result.MD5OfMessageAttributes = md5OfMessageAttributes(picked);
    }
    return result;
  }
}

function attributesSize(attributes: SqsMessageAttributes): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size += value.BinaryValue ? value.BinaryValue.length : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

function parseRedrivePolicy(
  raw: string | undefined,
): { deadLetterTargetArn: string; maxReceiveCount: number } | undefined {
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const max = Number(parsed.maxReceiveCount);
    if (typeof parsed.deadLetterTargetArn === 'string' && Number.isInteger(max) && max > 0) {
      return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: max };
    }
  } catch {
    // An unparsable policy behaves as no policy; the wiring validated the graph's value already.
  }
  return undefined;
}

/** Receipt handles are opaque to clients; ours carry the queue ARN, the message id and a per-receive token. */
function encodeReceiptHandle(queueArn: string, messageId: string, token: string): string {
  return Buffer.from(JSON.stringify([queueArn, messageId, token]), 'utf8').toString('base64');
}

function decodeReceiptHandle(handle: string): { queueArn: string; messageId: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string')) {
      return { queueArn: parsed[0] as string, messageId: parsed[1] as string };
    }
  } catch {
    // not one of ours
  }
  return undefined;
}
