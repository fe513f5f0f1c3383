import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Journal } from '../../../../local/services/kernel/journal';
import { SqsJournalRecord, SqsService } from '../../../../local/services/sqs';

const ACCOUNT = '123456789012';
const arn = (name: string): string => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const url = (name: string): string => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;

/** A service as a fresh process would build it: queues from the graph, then the journal replayed. */
async function start(
  file: string,
  now: () => number,
): Promise<{ sqs: SqsService; journal: Journal<SqsJournalRecord>; restored: number }> {
  const { journal, records } = Journal.open<SqsJournalRecord>(file, { flushMs: 1 });
  const sqs = new SqsService({ journal, now });
  sqs.createQueue({ name: 'dlq', arn: arn('dlq'), url: url('dlq') });
  sqs.createQueue({
    name: 'work',
    arn: arn('work'),
    url: url('work'),
    attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('dlq'), maxReceiveCount: 1 }) },
  });
  const restored = await sqs.restore(records);
  return { sqs, journal, restored };
}

describe('SqsService with a journal', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqs-journal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('messages, attributes, receive counts, DLQ moves and deletes survive a restart (no close: as after kill -9)', async () => {
    let clock = 1_000_000;
    const now = (): number => clock;
    const file = path.join(dir, 'sqs.journal');
    const first = await start(file, now);
    const kept = first.sqs.sendMessage(arn('dlq'), 'kept', {
      ERROR_CODE: { DataType: 'String', StringValue: 'TIMEOUT' },
      Bin: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
    });
    const deleted = first.sqs.sendMessage(arn('dlq'), 'deleted');
    first.sqs.sendMessage(arn('work'), 'redriven');
    const [received] = await first.sqs.receiveMessages(arn('dlq'), 10, 0, 0, {});
    expect(received.MessageId).toBe(kept.MessageId);
    const all = await first.sqs.receiveMessages(arn('dlq'), 10, 0, 30, {});
    first.sqs.deleteMessage(arn('dlq'), all.find((m) => m.MessageId === deleted.MessageId)!.ReceiptHandle);
    // work: received once (hidden 0 s), then the next receive moves it to the DLQ (maxReceiveCount 1).
    await first.sqs.receiveMessages(arn('work'), 1, 0, 0, {});
    expect(await first.sqs.receiveMessages(arn('work'), 1, 0, 0, {})).toEqual([]);
    await first.sqs.synced();

    clock += 60_000; // the 30 s visibility timeout has passed
    const second = await start(file, now);
    expect(second.restored).toBe(2);
    const messages = await second.sqs.receiveMessages(arn('dlq'), 10, 0, 30, {
      attributeNames: ['All'],
      messageAttributeNames: ['All'],
    });
    const byBody = Object.fromEntries(messages.map((m) => [m.Body, m]));
    expect(Object.keys(byBody).sort()).toEqual(['kept', 'redriven']);
    expect(byBody.kept.MessageId).toBe(kept.MessageId);
    expect(byBody.kept.Attributes?.ApproximateReceiveCount).toBe('3');
    expect(byBody.kept.MessageAttributes?.ERROR_CODE.StringValue).toBe('TIMEOUT');
    expect(Buffer.from(byBody.kept.MessageAttributes?.Bin.BinaryValue ?? [])).toEqual(Buffer.from([1, 2]));
    expect(byBody.kept.MD5OfMessageAttributes).toBe(kept.MD5OfMessageAttributes);
    expect(byBody.redriven.Attributes?.ApproximateReceiveCount).toBe('2');
    await second.journal.close();

    // Compacted at start-up: one record per message kept, then the receives since.
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SqsJournalRecord);
    expect(lines.filter((l) => l.op === 'send')).toHaveLength(2);
  });

  it('a purge survives a restart', async () => {
    const file = path.join(dir, 'sqs.journal');
    const first = await start(file, Date.now);
    first.sqs.sendMessage(arn('dlq'), 'a');
    first.sqs.purgeQueue(arn('dlq'));
    first.sqs.sendMessage(arn('dlq'), 'b');
    await first.sqs.synced();
    const second = await start(file, Date.now);
    expect((await second.sqs.receiveMessages(arn('dlq'), 10, 0)).map((m) => m.Body)).toEqual(['b']);
    await second.journal.close();
  });
});
