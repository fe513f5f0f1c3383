/**
 * Bad input never gets a 5xx on the edge: a member of the wrong JSON type for each JSON-protocol service it serves
 * (EventBridge, SQS, CloudWatch Logs), and free-form JSON nested 5,000 deep through PutEvents and TestEventPattern,
 * against an edge backed by the real services.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EdgeHandle, startEdge } from '../../../../local/services/edge';
import { EventBridgeService } from '../../../../local/services/eventbridge';
import { FileLogStore } from '../../../../local/services/logs/store';
import { SqsService } from '../../../../local/services/sqs';
import { FakeSqs, waitFor } from '../../helpers/fakes';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:q';
const BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/shop';

let dir: string;
let edge: EdgeHandle;
let sqs: SqsService;
let targets: FakeSqs;
let eventBridge: EventBridgeService;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'edge-input-'));
  sqs = new SqsService();
  sqs.createQueue({ name: 'q', arn: QUEUE, url: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' });
  targets = new FakeSqs();
  eventBridge = new EventBridgeService({ sqs: targets, archiveDir: path.join(dir, 'archives'), log: () => undefined });
  eventBridge.addBus({ name: 'shop' });
  eventBridge.addArchive({ name: 'shop-archive', eventSourceArn: BUS });
  eventBridge.addRule({ name: 'deep', eventBusName: 'shop', eventPattern: JSON.stringify({ source: ['shop'] }) });
  eventBridge.addTarget({ rule: 'deep', eventBusName: 'shop', targetId: 't', arn: QUEUE });
  edge = await startEdge({
    port: 0,
    host: '127.0.0.1',
    sqs,
    dynamoDbEndpoint: 'http://127.0.0.1:9',
    eventBridge,
    logs: new FileLogStore(dir, []),
  });
});

afterAll(async () => {
  await edge.stop();
  await eventBridge.stop();
  sqs.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(target: string, body: unknown, contentType = 'application/x-amz-json-1.1') {
  const res = await fetch(edge.url, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': target },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('edge: malformed JSON-protocol input is a 400 with AWS wording', () => {
  it.each([
    [
      'EventBridge PutEvents',
      'AWSEvents.PutEvents',
      { Entries: [{ Source: 1 }] },
      'SerializationException',
      'NUMBER_VALUE can not be converted to a String',
    ],
    [
      'EventBridge PutEvents (Entries an object)',
      'AWSEvents.PutEvents',
      { Entries: { a: 1 } },
      'SerializationException',
      'Start of structure or map found where not expected.',
    ],
    [
      'EventBridge PutEvents (a null entry)',
      'AWSEvents.PutEvents',
      { Entries: [null] },
      'ValidationException',
      "1 validation error detected: Value null at 'entries.1.member' failed to satisfy constraint: Member must not be null",
    ],
    [
      'EventBridge TestEventPattern',
      'AWSEvents.TestEventPattern',
      { EventPattern: ['x'], Event: '{}' },
      'SerializationException',
      'Start of list found where not expected',
    ],
    [
      'CloudWatch Logs DescribeLogGroups',
      'Logs_20140328.DescribeLogGroups',
      { limit: 'ten' },
      'SerializationException',
      'STRING_VALUE can not be converted to an Integer',
    ],
    [
      'CloudWatch Logs FilterLogEvents',
      'Logs_20140328.FilterLogEvents',
      { logGroupName: 'g', logStreamNames: 'one' },
      'SerializationException',
      'STRING_VALUE can not be converted to a List',
    ],
  ])('%s', async (_label, target, body, type, message) => {
    expect(await post(target, body)).toEqual({ status: 400, body: { __type: type, message } });
  });

  it('SQS (AWS JSON 1.0): a wrong-typed member is a 400 SerializationException with the shape id prefix', async () => {
    const answer = await post(
      'AmazonSQS.SendMessage',
      { QueueUrl: `${edge.url}/123456789012/q`, MessageBody: { text: 'hi' } },
      'application/x-amz-json-1.0',
    );
    expect(answer).toEqual({
      status: 400,
      body: {
        __type: 'com.amazonaws.sqs#SerializationException',
        message: 'Start of structure or map found where not expected.',
      },
    });
    const receive = await post(
      'AmazonSQS.ReceiveMessage',
      { QueueUrl: `${edge.url}/123456789012/q`, MaxNumberOfMessages: true },
      'application/x-amz-json-1.0',
    );
    expect(receive.status).toBe(400);
    expect(receive.body.message).toBe('TRUE_VALUE can not be converted to an Integer');
  });

  it('a 5,000-deep Detail through PutEvents fails its entry (MalformedDetail, 200); a 900-deep one is matched, delivered, archived and replayed', async () => {
    const client = new EventBridgeClient({
      endpoint: edge.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    try {
      const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const deep = await client.send(
        new PutEventsCommand({
          Entries: [{ Source: 'shop', DetailType: 'Deep', Detail: nested(5000), EventBusName: 'shop' }],
        }),
      );
      expect(deep).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail' }] });

      const ok = await client.send(
        new PutEventsCommand({
          Entries: [{ Source: 'shop', DetailType: 'Deep', Detail: nested(900), EventBusName: 'shop' }],
        }),
      );
      expect(ok.FailedEntryCount).toBe(0);
      await waitFor(() => targets.messages.length === 1);
      expect(eventBridge.readArchive('shop-archive')).toHaveLength(1);
      // ...and replayed from the archive.
      eventBridge.startReplay({
        ReplayName: 'deep',
        EventSourceArn: 'arn:aws:events:us-east-1:123456789012:archive/shop-archive',
        EventStartTime: new Date(Date.now() - 3_600_000),
        EventEndTime: new Date(Date.now() + 3_600_000),
        Destination: { Arn: BUS },
      });
      await waitFor(() => targets.messages.length === 2);
      expect(JSON.parse(targets.messages[1].body)).toMatchObject({ 'replay-name': 'deep' });
    } finally {
      client.destroy();
    }
  });

  it('a 5,000-deep event through TestEventPattern is a 400, not a stack overflow', async () => {
    const event = JSON.stringify({
      id: '1',
      source: 's',
      'detail-type': 'd',
      account: '1',
      time: '2026-01-01T00:00:00Z',
      region: 'r',
      resources: [],
    }).replace(/}$/, `,"detail":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
    const answer = await post('AWSEvents.TestEventPattern', { EventPattern: '{"source":["s"]}', Event: event });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('InvalidEventPatternException');
  });
});
