/**
 * Archive replay through the edge with the real SDK client and the real EventBridge service: window, FilterArns,
 * replay-name, states, errors; replay records surviving a restart and a replay resuming after a crash.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancelReplayCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListReplaysCommand,
  PutEventsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { EdgeHandle, startEdge } from '../../../../local/services/edge';
import { EventBridgeJournalRecord, EventBridgeService } from '../../../../local/services/eventbridge';
import { Journal } from '../../../../local/services/kernel/journal';
import { SqsService } from '../../../../local/services/sqs';
import { FakeSqs, waitFor } from '../../helpers/fakes';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/shop`;
const ARCHIVE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:archive/shop-archive`;
const RULE_A = `arn:aws:events:${REGION}:${ACCOUNT}:rule/shop/to-a`;
const QUEUE_A = `arn:aws:sqs:${REGION}:${ACCOUNT}:queue-a`;
const QUEUE_B = `arn:aws:sqs:${REGION}:${ACCOUNT}:queue-b`;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-replay-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The service as a process builds it: a bus with an archive and two rules, one SQS target each. */
function service(targets: FakeSqs, journal?: Journal<EventBridgeJournalRecord>): EventBridgeService {
  const eventBridge = new EventBridgeService({
    account: ACCOUNT,
    region: REGION,
    sqs: targets,
    archiveDir: path.join(dir, 'archives'),
    replayFile: path.join(dir, 'state', 'replays.json'),
    log: () => undefined,
    journal,
  });
  eventBridge.addBus({ name: 'shop' });
  eventBridge.addArchive({ name: 'shop-archive', eventSourceArn: BUS_ARN });
  for (const [name, queue] of [
    ['to-a', QUEUE_A],
    ['to-b', QUEUE_B],
  ]) {
    eventBridge.addRule({ name, eventBusName: 'shop', eventPattern: JSON.stringify({ source: ['shop'] }) });
    eventBridge.addTarget({ rule: name, eventBusName: 'shop', targetId: 't', arn: queue });
  }
  return eventBridge;
}

async function withEdge<T>(
  eventBridge: EventBridgeService,
  act: (client: EventBridgeClient, edge: EdgeHandle) => Promise<T>,
): Promise<T> {
  const sqs = new SqsService();
  const edge = await startEdge({
    port: 0,
    host: '127.0.0.1',
    sqs,
    dynamoDbEndpoint: 'http://127.0.0.1:9',
    eventBridge,
  });
  const client = new EventBridgeClient({ endpoint: edge.url, region: REGION, credentials });
  try {
    return await act(client, edge);
  } finally {
    client.destroy();
    await edge.stop();
    sqs.close();
  }
}

const entry = (n: number, time: string) => ({
  Source: 'shop',
  DetailType: 'Thing',
  Detail: JSON.stringify({ n }),
  EventBusName: 'shop',
  Time: new Date(time),
});

const bodies = (targets: FakeSqs, queue: string): Record<string, unknown>[] =>
  targets.to(queue).map((m) => JSON.parse(m.body) as Record<string, unknown>);

describe('edge: EventBridge archive replay', () => {
  it('replays only the window, only to the filtered rule, each event with replay-name, then reports COMPLETED', async () => {
    // Prepare: four archived events, two of them in [10:00, 11:00)
    const targets = new FakeSqs();
    const eventBridge = service(targets);
    await withEdge(eventBridge, async (client) => {
      await client.send(
        new PutEventsCommand({
          Entries: [
            entry(1, '2026-01-01T09:59:59Z'),
            entry(2, '2026-01-01T10:30:00Z'),
            entry(3, '2026-01-01T10:00:00Z'),
            entry(4, '2026-01-01T11:00:00Z'),
          ],
        }),
      );
      await waitFor(() => eventBridge.readArchive('shop-archive').length === 4 && targets.messages.length === 8);
      targets.messages.length = 0;

      // Act
      const started = await client.send(
        new StartReplayCommand({
          ReplayName: 'morning',
          Description: 'the ten o’clock hour',
          EventSourceArn: ARCHIVE_ARN,
          EventStartTime: new Date('2026-01-01T10:00:00Z'),
          EventEndTime: new Date('2026-01-01T11:00:00Z'),
          Destination: { Arn: BUS_ARN, FilterArns: [RULE_A] },
        }),
      );
      await waitFor(() => targets.messages.length === 2);
      await eventBridge.idle();
      const described = await client.send(new DescribeReplayCommand({ ReplayName: 'morning' }));
      const listed = await client.send(new ListReplaysCommand({ State: 'COMPLETED' }));

      // Assess
      expect(started).toMatchObject({
        ReplayArn: `arn:aws:events:${REGION}:${ACCOUNT}:replay/morning`,
        State: 'STARTING',
        StateReason: expect.any(String),
        ReplayStartTime: expect.any(Date),
      });
      const replayed = bodies(targets, QUEUE_A);
      expect(replayed.map((e) => (e.detail as { n: number }).n)).toEqual([3, 2]);
      expect(replayed.every((e) => e['replay-name'] === 'morning')).toBe(true);
      expect(bodies(targets, QUEUE_B)).toEqual([]);
      expect(described).toMatchObject({
        ReplayName: 'morning',
        State: 'COMPLETED',
        Description: 'the ten o’clock hour',
        EventSourceArn: ARCHIVE_ARN,
        Destination: { Arn: BUS_ARN, FilterArns: [RULE_A] },
        EventStartTime: new Date('2026-01-01T10:00:00Z'),
        EventEndTime: new Date('2026-01-01T11:00:00Z'),
        EventLastReplayedTime: new Date('2026-01-01T10:30:00Z'),
        ReplayEndTime: expect.any(Date),
      });
      expect(listed.Replays?.map((r) => [r.ReplayName, r.State])).toEqual([['morning', 'COMPLETED']]);
      // Replayed events are not archived again (the archive's managed rule excludes replay-name).
      expect(eventBridge.readArchive('shop-archive')).toHaveLength(4);
    });
    await eventBridge.stop();
  });

  it('replays to every rule of the bus when no FilterArns are given', async () => {
    const targets = new FakeSqs();
    const eventBridge = service(targets);
    await withEdge(eventBridge, async (client) => {
      await client.send(new PutEventsCommand({ Entries: [entry(1, '2026-01-01T10:00:00Z')] }));
      await waitFor(() => targets.messages.length === 2);
      targets.messages.length = 0;
      await client.send(
        new StartReplayCommand({
          ReplayName: 'all-rules',
          EventSourceArn: ARCHIVE_ARN,
          EventStartTime: new Date('2026-01-01T00:00:00Z'),
          EventEndTime: new Date('2026-01-02T00:00:00Z'),
          Destination: { Arn: BUS_ARN },
        }),
      );
      await waitFor(() => targets.messages.length === 2);
      expect(targets.messages.map((m) => m.queue).sort()).toEqual([QUEUE_A, QUEUE_B]);
    });
    await eventBridge.stop();
  });

  it('answers bad replay input with AWS 4xx errors, never a 500', async () => {
    const eventBridge = service(new FakeSqs());
    await withEdge(eventBridge, async (client, edge) => {
      const start = (change: Record<string, unknown>) =>
        client.send(
          new StartReplayCommand({
            ReplayName: 'r',
            EventSourceArn: ARCHIVE_ARN,
            EventStartTime: new Date('2026-01-01T10:00:00Z'),
            EventEndTime: new Date('2026-01-01T11:00:00Z'),
            Destination: { Arn: BUS_ARN },
            ...change,
          }),
        );
      const failure = (name: string, message: string) =>
        expect.objectContaining({ name, message, $metadata: expect.objectContaining({ httpStatusCode: 400 }) });

      await expect(start({ EventEndTime: new Date('2026-01-01T09:00:00Z') })).rejects.toEqual(
        failure(
          'ValidationException',
          'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
        ),
      );
      await expect(start({ EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:archive/nope` })).rejects.toEqual(
        failure('ValidationException', 'Parameter EventSourceArn is not valid. Reason: Archive nope does not exist.'),
      );
      await expect(
        start({ Destination: { Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default` } }),
      ).rejects.toEqual(
        failure(
          'ValidationException',
          'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
        ),
      );
      await expect(
        start({ Destination: { Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/nope` } }),
      ).rejects.toEqual(failure('ResourceNotFoundException', 'Event bus nope does not exist.'));
      await start({});
      await expect(start({})).rejects.toEqual(failure('ResourceAlreadyExistsException', 'Replay r already exists.'));
      await expect(client.send(new DescribeReplayCommand({ ReplayName: 'other' }))).rejects.toEqual(
        failure('ResourceNotFoundException', 'Replay other does not exist.'),
      );
      await eventBridge.idle();
      await expect(client.send(new CancelReplayCommand({ ReplayName: 'r' }))).rejects.toEqual(
        failure('IllegalStatusException', 'Replay r is not in a valid state for this operation.'),
      );
      await expect(client.send(new ListReplaysCommand({ NamePrefix: 'r', State: 'COMPLETED' }))).rejects.toEqual(
        failure(
          'ValidationException',
          'At most one filter is allowed for ListReplays. Use either : State, EventSourceArn, or NamePrefix.',
        ),
      );

      // Members of the wrong JSON type and missing ones, as raw JSON (the SDK would not send them).
      const raw = async (operation: string, body: unknown) => {
        const res = await fetch(edge.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${operation}` },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as { __type: string; message: string } };
      };
      expect(await raw('StartReplay', { ReplayName: 5 })).toEqual({
        status: 400,
        body: { __type: 'SerializationException', message: 'NUMBER_VALUE can not be converted to a String' },
      });
      expect(
        await raw('StartReplay', { ReplayName: 'x', EventSourceArn: ARCHIVE_ARN, EventStartTime: 1, EventEndTime: 2 }),
      ).toEqual({
        status: 400,
        body: {
          __type: 'ValidationException',
          message:
            "1 validation error detected: Value null at 'destination' failed to satisfy constraint: Member must not be null",
        },
      });
      expect((await raw('ListReplays', { Limit: '5' })).body.__type).toBe('SerializationException');
      expect((await raw('DescribeReplay', { ReplayName: ['x'] })).body.message).toBe(
        'Start of list found where not expected',
      );
    });
    await eventBridge.stop();
  });

  it('cancels a replay that has not run yet: CANCELLING, then CANCELLED, nothing replayed', async () => {
    const targets = new FakeSqs();
    const eventBridge = service(targets);
    await eventBridge.putEvents({ Entries: [entry(1, '2026-01-01T10:00:00Z')] });
    await eventBridge.idle();
    targets.messages.length = 0;

    eventBridge.startReplay({
      ReplayName: 'stop-me',
      EventSourceArn: ARCHIVE_ARN,
      EventStartTime: new Date('2026-01-01T00:00:00Z'),
      EventEndTime: new Date('2026-01-02T00:00:00Z'),
      Destination: { Arn: BUS_ARN },
    });
    const cancelled = eventBridge.cancelReplay('stop-me');
    await eventBridge.idle();

    expect(cancelled).toMatchObject({ State: 'CANCELLING' });
    expect(eventBridge.describeReplay('stop-me')).toMatchObject({
      State: 'CANCELLED',
      ReplayEndTime: expect.any(Number),
    });
    expect(targets.messages).toEqual([]);
    await eventBridge.stop();
  });

  it('skips a line of the archive torn by a crash mid-append and replays the rest', async () => {
    const targets = new FakeSqs();
    const eventBridge = service(targets);
    await eventBridge.putEvents({ Entries: [entry(1, '2026-01-01T10:00:00Z')] });
    await eventBridge.idle();
    fs.appendFileSync(path.join(dir, 'archives', 'shop-archive.jsonl'), '{"version":"0","id":"torn","ti');
    targets.messages.length = 0;

    eventBridge.startReplay({
      ReplayName: 'after-crash',
      EventSourceArn: ARCHIVE_ARN,
      EventStartTime: new Date('2026-01-01T00:00:00Z'),
      EventEndTime: new Date('2026-01-02T00:00:00Z'),
      Destination: { Arn: BUS_ARN, FilterArns: [RULE_A] },
    });
    await waitFor(() => targets.messages.length === 1);
    await eventBridge.idle();

    expect(bodies(targets, QUEUE_A)).toEqual([
      expect.objectContaining({ detail: { n: 1 }, 'replay-name': 'after-crash' }),
    ]);
    expect(eventBridge.describeReplay('after-crash')).toMatchObject({ State: 'COMPLETED' });
    await eventBridge.stop();
  });

  it('lists replays after a restart, and a replay cut short by a crash resumes through the journal', async () => {
    const journalFile = path.join(dir, 'eventbridge.jsonl');
    // First run: an archived event, a replay accepted, then the process stops before the replay ran.
    const first = Journal.open<EventBridgeJournalRecord>(journalFile, { flushMs: 1 });
    const targets1 = new FakeSqs();
    const run1 = service(targets1, first.journal);
    await run1.putEvents({ Entries: [entry(7, '2026-01-01T10:00:00Z')] });
    await waitFor(() => targets1.messages.length === 2);
    run1.startReplay({
      ReplayName: 'interrupted',
      EventSourceArn: ARCHIVE_ARN,
      EventStartTime: new Date('2026-01-01T00:00:00Z'),
      EventEndTime: new Date('2026-01-02T00:00:00Z'),
      Destination: { Arn: BUS_ARN, FilterArns: [RULE_A] },
    });
    await run1.stop();
    await first.journal.close();

    // Second run on the same data: the replay is listed and resumes when the journal is recovered.
    const second = Journal.open<EventBridgeJournalRecord>(journalFile, { flushMs: 1 });
    const targets2 = new FakeSqs();
    const run2 = service(targets2, second.journal);
    expect(run2.listReplays({}).Replays).toEqual([
      expect.objectContaining({ ReplayName: 'interrupted', State: 'STARTING' }),
    ]);
    await run2.recover(second.records);
    await waitFor(() => targets2.messages.length === 1);
    await run2.idle();
    expect(bodies(targets2, QUEUE_A)).toEqual([
      expect.objectContaining({ 'replay-name': 'interrupted', detail: { n: 7 } }),
    ]);
    expect(run2.describeReplay('interrupted')).toMatchObject({ State: 'COMPLETED' });
    await run2.stop();
    await second.journal.close();

    // Third run: nothing left to deliver, the replay still listed as COMPLETED.
    const third = Journal.open<EventBridgeJournalRecord>(journalFile, { flushMs: 1 });
    const targets3 = new FakeSqs();
    const run3 = service(targets3, third.journal);
    expect(await run3.recover(third.records)).toBe(0);
    await run3.idle();
    expect(targets3.messages).toEqual([]);
    expect(run3.listReplays({}).Replays).toEqual([
      expect.objectContaining({ ReplayName: 'interrupted', State: 'COMPLETED' }),
    ]);
    await run3.stop();
    await third.journal.close();
  });
});
