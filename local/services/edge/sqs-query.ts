/**
 * SQS over the legacy query protocol (`Action=<Op>&Version=2012-11-05` as form body or query string, XML answers),
 * still used by AWS CLI v1, older SDKs and hand-written curl calls
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-xml.html).
 * The flattened form members (`AttributeName.1`, `MessageAttribute.1.Value.StringValue`, ...) are folded into the
 * same input objects the JSON protocol sends, and the outputs are written as SQS's XML.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SqsError, SqsService } from '../sqs';
import { readBody } from './http-util';
import { callSqs, SqsCallContext } from './sqs-operations';

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** The query parameters of a request without X-Amz-Target, or undefined when it carries no `Action`. */
export async function readQueryParams(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const url = new URL(req.url ?? '/', 'http://edge');
  const params = new URLSearchParams(url.search);
  const contentType = String(req.headers['content-type'] ?? '');
  if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams((await readBody(req)).toString('utf8'))) params.append(k, v);
  } else {
    req.resume();
  }
  return params.has('Action') ? params : undefined;
}

/** `Prefix.1`, `Prefix.2`, ... → values in index order. */
function indexed(params: URLSearchParams, prefix: string): string[] {
  const found: [number, string][] = [];
  for (const [key, value] of params) {
    const m = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`).exec(key);
    if (m) found.push([Number(m[1]), value]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** `<prefix>.N.<member...>` groups → one object per N with the rest of the key as member path. */
function groups(params: URLSearchParams, prefix: string): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.(.+)$`);
  for (const [key, value] of params) {
    const m = re.exec(key);
    if (!m) continue;
    const n = Number(m[1]);
    if (!out.has(n)) out.set(n, new Map());
    out.get(n)?.set(m[2], value);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

function messageAttributes(
  params: URLSearchParams,
  prefix: string,
): Record<string, Record<string, string>> | undefined {
  const attrs: Record<string, Record<string, string>> = {};
  for (const members of groups(params, prefix).values()) {
    const name = members.get('Name');
    if (name === undefined) continue;
    const value: Record<string, string> = { DataType: members.get('Value.DataType') ?? '' };
    const sv = members.get('Value.StringValue');
    const bv = members.get('Value.BinaryValue');
    if (sv !== undefined) value.StringValue = sv;
    if (bv !== undefined) value.BinaryValue = bv;
    attrs[name] = value;
  }
  return Object.keys(attrs).length > 0 ? attrs : undefined;
}

/** Folds the query form into the JSON protocol's input shape. */
export function queryToInput(params: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const member of [
    'QueueUrl',
    'QueueName',
    'QueueOwnerAWSAccountId',
    'QueueNamePrefix',
    'MaxResults',
    'MessageBody',
    'DelaySeconds',
    'MaxNumberOfMessages',
    'WaitTimeSeconds',
    'VisibilityTimeout',
    'ReceiptHandle',
  ]) {
    const value = params.get(member);
    if (value !== null) input[member] = value;
  }
  const attributeNames = indexed(params, 'AttributeName');
  if (attributeNames.length > 0) input.AttributeNames = attributeNames;
  const systemNames = indexed(params, 'MessageSystemAttributeName');
  if (systemNames.length > 0) input.MessageSystemAttributeNames = systemNames;
  const messageAttributeNames = indexed(params, 'MessageAttributeName');
  if (messageAttributeNames.length > 0) input.MessageAttributeNames = messageAttributeNames;
  const attrs = messageAttributes(params, 'MessageAttribute');
  if (attrs) input.MessageAttributes = attrs;
  const action = params.get('Action');
  if (action === 'SendMessageBatch' || action === 'DeleteMessageBatch') {
    const entries: Record<string, unknown>[] = [];
    for (const members of groups(params, `${action}RequestEntry`).values()) {
      const entry: Record<string, unknown> = {};
      for (const [key, value] of members) if (!key.startsWith('MessageAttribute.')) entry[key] = value;
      const entryParams = new URLSearchParams([...members.entries()]);
      const entryAttrs = messageAttributes(entryParams, 'MessageAttribute');
      if (entryAttrs) entry.MessageAttributes = entryAttrs;
      entries.push(entry);
    }
    input.Entries = entries;
  }
  return input;
}

function esc(text: unknown): string {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

function el(name: string, value: unknown): string {
  return value === undefined || value === null ? '' : `<${name}>${esc(value)}</${name}>`;
}

function attributeList(attributes: unknown): string {
  return Object.entries((attributes ?? {}) as Record<string, string>)
    .map(([k, v]) => `<Attribute>${el('Name', k)}${el('Value', v)}</Attribute>`)
    .join('');
}

function messageAttributeList(attributes: unknown): string {
  return Object.entries((attributes ?? {}) as Record<string, Record<string, string>>)
    .map(
      ([k, v]) =>
        `<MessageAttribute>${el('Name', k)}<Value>${el('StringValue', v.StringValue)}${el('BinaryValue', v.BinaryValue)}${el('DataType', v.DataType)}</Value></MessageAttribute>`,
    )
    .join('');
}

/** The `<Op>Result` element body for an operation's output. */
export function resultXml(action: string, output: Record<string, unknown>): string {
  switch (action) {
    case 'ListQueues':
      return ((output.QueueUrls ?? []) as string[]).map((u) => el('QueueUrl', u)).join('');
    case 'GetQueueUrl':
    case 'CreateQueue':
      return el('QueueUrl', output.QueueUrl);
    case 'GetQueueAttributes':
      return attributeList(output.Attributes);
    case 'SendMessage':
      return (
        el('MessageId', output.MessageId) +
        el('MD5OfMessageBody', output.MD5OfMessageBody) +
        el('MD5OfMessageAttributes', output.MD5OfMessageAttributes)
      );
    case 'ReceiveMessage':
      return ((output.Messages ?? []) as Record<string, unknown>[])
        .map(
          (m) =>
            `<Message>${el('MessageId', m.MessageId)}${el('ReceiptHandle', m.ReceiptHandle)}${el('MD5OfBody', m.MD5OfBody)}${el('Body', m.Body)}` +
            `${attributeList(m.Attributes)}${el('MD5OfMessageAttributes', m.MD5OfMessageAttributes)}${messageAttributeList(m.MessageAttributes)}</Message>`,
        )
        .join('');
    case 'SendMessageBatch':
    case 'DeleteMessageBatch': {
      const entryName = action === 'SendMessageBatch' ? 'SendMessageBatchResultEntry' : 'DeleteMessageBatchResultEntry';
      const ok = ((output.Successful ?? []) as Record<string, unknown>[])
        .map(
          (e) =>
            `<${entryName}>${el('Id', e.Id)}${el('MessageId', e.MessageId)}${el('MD5OfMessageBody', e.MD5OfMessageBody)}${el('MD5OfMessageAttributes', e.MD5OfMessageAttributes)}</${entryName}>`,
        )
        .join('');
      const failed = ((output.Failed ?? []) as Record<string, unknown>[])
        .map(
          (e) =>
            `<BatchResultErrorEntry>${el('Id', e.Id)}${el('SenderFault', e.SenderFault)}${el('Code', e.Code)}${el('Message', e.Message)}</BatchResultErrorEntry>`,
        )
        .join('');
      return ok + failed;
    }
    default:
      return '';
  }
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0"?>${xml}`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function handleSqsQuery(
  params: URLSearchParams,
  res: ServerResponse,
  sqs: SqsService,
  ctx: SqsCallContext,
): Promise<void> {
  const action = params.get('Action') as string;
  const requestId = randomUUID();
  try {
    const output = await callSqs(sqs, action, queryToInput(params), ctx);
    if (res.destroyed) return;
    const result = resultXml(action, output);
    // Operations without output (DeleteMessage, PurgeQueue, ...) have no <...Result> element.
    const resultElement = ['DeleteMessage', 'ChangeMessageVisibility', 'PurgeQueue'].includes(action)
      ? ''
      : `<${action}Result>${result}</${action}Result>`;
    sendXml(
      res,
      200,
      `<${action}Response xmlns="${XMLNS}">${resultElement}<ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata></${action}Response>`,
    );
  } catch (error) {
    if (res.destroyed) return;
    const sqsError =
      error instanceof SqsError
        ? error
        : new SqsError('InternalError', (error as Error).message, 'InternalError', 500, false);
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html
    sendXml(
      res,
      sqsError.statusCode,
      `<ErrorResponse xmlns="${XMLNS}"><Error>${el('Type', sqsError.senderFault ? 'Sender' : 'Receiver')}${el('Code', sqsError.queryCode)}${el('Message', sqsError.message)}<Detail/></Error>${el('RequestId', requestId)}</ErrorResponse>`,
    );
  }
}
