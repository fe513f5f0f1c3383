import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeJournalRecord, EventBridgeService } from '../../../../local/services/eventbridge';
import { Journal, readJournalFile } from '../../../../local/services/kernel/journal';
import { FakeLambda, FakeSqs, waitFor } from '../../helpers/fakes';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:target-queue`;
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn`;

describe('EventBridgeService with a journal', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-journal-'));
    file = path.join(dir, 'eventbridge.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A service as a fresh process builds it: the graph's bus, rules and targets, and the journal opened. */
  function start(
    sqs: FakeSqs,
    lambda: FakeLambda,
  ): { service: EventBridgeService; records: EventBridgeJournalRecord[] } {
    const { journal, records } = Journal.open<EventBridgeJournalRecord>(file, { flushMs: 1 });
    const service = new EventBridgeService({
      account: ACCOUNT,
      region: REGION,
      sqs,
      lambda,
      clock: { compressed: () => 150 }, // every back-off waits 150 ms here
      archiveDir: path.join(dir, 'archives'),
      log: () => undefined,
      journal,
    });
    service.addBus({ name: 'shop' });
    service.addRule({ name: 'to-queue', eventBusName: 'shop', eventPattern: JSON.stringify({ source: ['shop'] }) });
    service.addTarget({ rule: 'to-queue', eventBusName: 'shop', targetId: 'q', arn: QUEUE });
    service.addRule({ name: 'to-fn', eventBusName: 'shop', eventPattern: JSON.stringify({ source: ['shop'] }) });
    service.addTarget({
      rule: 'to-fn',
      eventBusName: 'shop',
      targetId: 'f',
      arn: FUNCTION,
      retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 3600 },
    });
    return { service, records };
  }

  it('PutEvents answers once the event is on disk; after a stop mid-retry only the unfinished delivery resumes, with its retry count', async () => {
    // First run: the queue target succeeds, the function target fails and is waiting for its first retry.
    const sqs1 = new FakeSqs();
    const failing = new FakeLambda(() => {
      throw new Error('function unavailable');
    });
    const first = start(sqs1, failing);
    const result = await first.service.putEvents({
      Entries: [{ Source: 'shop', DetailType: 'Thing', Detail: '{"n":1}', EventBusName: 'shop' }],
    });
    const id = (result.Entries[0] as { EventId: string }).EventId;
    expect(readJournalFile<EventBridgeJournalRecord>(file).records[0]).toMatchObject({ op: 'event', event: { id } });
    await waitFor(
      () =>
        sqs1.messages.length === 1 &&
        readJournalFile<EventBridgeJournalRecord>(file).records.some((r) => r.op === 'retry'),
    );
    await first.service.stop(); // the retry is abandoned as by a crash: no end recorded for it

    // Second run: the function works again.
    const sqs2 = new FakeSqs();
    const lambda2 = new FakeLambda();
    const second = start(sqs2, lambda2);
    expect(await second.service.recover(second.records)).toBe(1);
    // Compacted to the live state: the event and its pending retry.
    const compacted = readJournalFile<EventBridgeJournalRecord>(file).records;
    expect(compacted.map((r) => r.op)).toEqual(['event', 'retry']);
    expect(compacted[0]).toMatchObject({ only: [{ rule: expect.stringContaining('to-fn'), target: 'f' }] });
    expect(compacted[1]).toMatchObject({ id, target: 'f', retries: 1, dueAtMs: expect.any(Number) });
    await second.service.idle();
    expect(sqs2.messages).toEqual([]); // delivered before the stop: not delivered again
    expect(lambda2.invocations).toHaveLength(1);
    expect(lambda2.invocations[0].payload).toMatchObject({ id, detail: { n: 1 } });
    const ended = readJournalFile<EventBridgeJournalRecord>(file).records.filter((r) => r.op === 'done');
    expect(ended).toEqual([{ op: 'done', id, rule: expect.stringContaining('to-fn'), target: 'f' }]);
    await second.service.stop();

    // Third start: nothing left to do, and the journal is empty after compaction.
    const third = start(new FakeSqs(), new FakeLambda());
    expect(await third.service.recover(third.records)).toBe(0);
    expect(readJournalFile(file).records).toEqual([]);
    await third.service.stop();
  });

  it('an event accepted but not yet routed when the process died is routed at recovery', async () => {
    const event = {
      version: '0',
      id: 'e-1',
      'detail-type': 'Thing',
      source: 'shop',
      account: ACCOUNT,
      time: '2026-01-01T00:00:00Z',
      region: REGION,
      resources: [],
      detail: {},
    };
    fs.writeFileSync(
      file,
      JSON.stringify({ op: 'event', bus: 'shop', event, at: event.time, local: Date.now() }) + '\n',
    );
    const sqs = new FakeSqs();
    const lambda = new FakeLambda();
    const { service, records } = start(sqs, lambda);
    expect(await service.recover(records)).toBe(2);
    await service.idle();
    expect(sqs.to(QUEUE)).toHaveLength(1);
    expect(lambda.invocations).toHaveLength(1);
    await service.stop();
  });
});
