import { createHash } from 'node:crypto';
import { SqsError, SqsService, md5OfMessageAttributes } from '../../../../local/services/sqs';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:jobs-dlq';
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq';

function serviceWithQueue(attributes: Record<string, string> = {}, now?: () => number): SqsService {
  const sqs = new SqsService(now ? { now } : {});
  sqs.createQueue({ name: 'jobs-dlq', arn: ARN, url: URL, attributes });
  return sqs;
}

describe('SqsService', () => {
  it('sends and receives by ARN, graph URL or any /<account>/<name> URL, with the body MD5', async () => {
    // Prepare
    const sqs = serviceWithQueue();
    // Act
    const sent = sqs.sendMessage(ARN, 'hello');
    const [received] = await sqs.receiveMessages('http://127.0.0.1:4566/123456789012/jobs-dlq', 1);
    // Assess
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('hello').digest('hex'));
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(received.MessageId).toBe(sent.MessageId);
    expect(received.Body).toBe('hello');
    expect(received.MD5OfBody).toBe(sent.MD5OfMessageBody);
    expect(sqs.getQueueAttributes(URL, ['ApproximateNumberOfMessagesNotVisible'])).toEqual({
      ApproximateNumberOfMessagesNotVisible: '1',
    });
  });

  it('computes MD5OfMessageAttributes with the length-prefixed encoding SQS documents', () => {
    // Prepare: name, type, transport byte 1, value; each string 4-byte big-endian length prefixed
    const expectedBytes = Buffer.concat([
      Buffer.from([0, 0, 0, 1]),
      Buffer.from('a'),
      Buffer.from([0, 0, 0, 6]),
      Buffer.from('String'),
      Buffer.from([1]),
      Buffer.from([0, 0, 0, 2]),
      Buffer.from('xy'),
      Buffer.from([0, 0, 0, 1]),
      Buffer.from('b'),
      Buffer.from([0, 0, 0, 6]),
      Buffer.from('Binary'),
      Buffer.from([2]),
      Buffer.from([0, 0, 0, 1]),
      Buffer.from([7]),
    ]);
    // Act: given out of order, must be sorted by name
    const md5 = md5OfMessageAttributes({
      b: { DataType: 'Binary', BinaryValue: new Uint8Array([7]) },
      a: { DataType: 'String', StringValue: 'xy' },
    });
    // Assess
    expect(md5).toBe(createHash('md5').update(expectedBytes).digest('hex'));
  });

  it('hides a received message for the visibility timeout and counts receives', async () => {
    // Prepare
    let now = 1_000_000;
    const sqs = serviceWithQueue({}, () => now);
    sqs.sendMessage(URL, 'x');
    // Act
    const first = await sqs.receiveMessages(URL, 10, 0, 5, { attributeNames: ['All'] });
    const hidden = await sqs.receiveMessages(URL, 10, 0);
    now += 5_000;
    const again = await sqs.receiveMessages(URL, 10, 0, undefined, { attributeNames: ['ApproximateReceiveCount'] });
    // Assess
    expect(first[0].Attributes).toEqual({
      SenderId: expect.any(String),
      SentTimestamp: '1000000',
      ApproximateReceiveCount: '1',
      ApproximateFirstReceiveTimestamp: '1000000',
    });
    expect(hidden).toEqual([]);
    expect(again[0].Attributes).toEqual({ ApproximateReceiveCount: '2' });
  });

  it('returns only the requested message attributes ("bar.*" = names starting with "bar.") and their MD5', async () => {
    // Prepare
    const sqs = serviceWithQueue();
    const attrs = {
      RULE_ARN: { DataType: 'String', StringValue: 'r' },
      'err.code': { DataType: 'String', StringValue: 'e' },
      errcode: { DataType: 'String', StringValue: 'f' },
      Count: { DataType: 'Number', StringValue: '3' },
    };
    sqs.sendMessage(URL, 'x', attrs);
    // Act
    const [m] = await sqs.receiveMessages(URL, 1, 0, 0, { messageAttributeNames: ['err.*', 'Count'] });
    const [all] = await sqs.receiveMessages(URL, 1, 0, 0, { messageAttributeNames: ['All'] });
    // Assess
    expect(m.MessageAttributes).toEqual({ 'err.code': attrs['err.code'], Count: attrs.Count });
    expect(m.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({ 'err.code': attrs['err.code'], Count: attrs.Count }),
    );
    expect(all.MessageAttributes).toEqual(attrs);
  });

  it('deletes by receipt handle and rejects a foreign handle', async () => {
    // Prepare
    const sqs = serviceWithQueue();
    sqs.sendMessage(URL, 'x');
    const [m] = await sqs.receiveMessages(URL, 1, 0, 0);
    // Act
    sqs.deleteMessage(URL, m.ReceiptHandle);
    // Assess
    expect(sqs.getQueueAttributes(URL, ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages).toBe('0');
    expect(() => sqs.deleteMessage(URL, 'garbage')).toThrow(
      expect.objectContaining({ code: 'ReceiptHandleIsInvalid' }),
    );
  });

  it('long polls until a message arrives', async () => {
    // Prepare
    const sqs = serviceWithQueue();
    const started = Date.now();
    // Act
    const pending = sqs.receiveMessages(URL, 1, 5);
    setTimeout(() => sqs.sendMessage(URL, 'late'), 100);
    const got = await pending;
    // Assess
    expect(got.map((m) => m.Body)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('ends long polls on close', async () => {
    // Prepare
    const sqs = serviceWithQueue();
    const pending = sqs.receiveMessages(URL, 1, 20);
    // Act
    sqs.close();
    // Assess
    await expect(pending).resolves.toEqual([]);
  });

  it('validates MaxNumberOfMessages and unknown queues as SQS does', async () => {
    // Prepare
    const sqs = serviceWithQueue();
    // Act / Assess
    await expect(sqs.receiveMessages(URL, 11)).rejects.toThrow('Must be between 1 and 10');
    expect(() => sqs.getQueueUrl('nope')).toThrow(SqsError);
    expect(() => sqs.getQueueUrl('nope')).toThrow(
      expect.objectContaining({ code: 'QueueDoesNotExist', queryCode: 'AWS.SimpleQueueService.NonExistentQueue' }),
    );
    expect(() => sqs.getQueueAttributes(URL, ['Bogus'])).toThrow('Unknown Attribute Bogus.');
  });

  it('lists queues by prefix and answers GetQueueAttributes with the queue facts', () => {
    // Prepare
    const sqs = serviceWithQueue({ VisibilityTimeout: '45' });
    sqs.createQueue({
      name: 'other',
      arn: 'arn:aws:sqs:us-east-1:123456789012:other',
      url: 'https://sqs.us-east-1.amazonaws.com/123456789012/other',
    });
    // Act
    const listed = sqs.listQueues('jobs');
    const attributes = sqs.getQueueAttributes(ARN, ['All']);
    // Assess
    expect(listed).toEqual([URL]);
    expect(sqs.listQueues()).toHaveLength(2);
    expect(sqs.getQueueUrl('other')).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/other');
    expect(attributes).toMatchObject({
      QueueArn: ARN,
      VisibilityTimeout: '45',
      ApproximateNumberOfMessages: '0',
      CreatedTimestamp: expect.stringMatching(/^\d{10}$/),
    });
  });

  it('moves a message to the RedrivePolicy DLQ after maxReceiveCount receives', async () => {
    // Prepare
    const dlqArn = 'arn:aws:sqs:us-east-1:123456789012:dead';
    const sqs = serviceWithQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
    });
    sqs.createQueue({ name: 'dead', arn: dlqArn, url: 'https://sqs.us-east-1.amazonaws.com/123456789012/dead' });
    sqs.sendMessage(URL, 'poison');
    // Act
    const first = await sqs.receiveMessages(URL, 1, 0, 0);
    const second = await sqs.receiveMessages(URL, 1, 0, 0);
    const dead = await sqs.receiveMessages(dlqArn, 1, 0);
    // Assess
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    expect(dead.map((m) => m.Body)).toEqual(['poison']);
  });
});
