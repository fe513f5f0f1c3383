import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkStartReplay,
  listReplays,
  ReplayRecord,
  ReplayStore,
  replayedEvent,
  ruleReceivesReplay,
  selectReplayEvents,
  StartReplayCheck,
} from '../../../../local/services/eventbridge/replay';
import { testEventPattern } from '../../../../local/engine';
import type { EventEnvelope } from '../../../../local/services/eventbridge';

const event = (id: string, time: string): EventEnvelope => ({
  version: '0',
  id,
  'detail-type': 'Thing',
  source: 'shop',
  account: '123456789012',
  time,
  region: 'us-east-1',
  resources: [],
  detail: {},
});

const ms = (iso: string): number => Date.parse(iso);

describe('replay: which events, where to', () => {
  it('selects the events whose time is in [start, end), oldest first, equal times in archive order', () => {
    // Prepare
    const archived = [
      event('late', '2026-01-01T10:05:00Z'),
      event('before', '2026-01-01T09:59:59Z'),
      event('at-start', '2026-01-01T10:00:00Z'),
      event('at-end', '2026-01-01T10:10:00Z'),
      event('same-1', '2026-01-01T10:02:00Z'),
      event('same-2', '2026-01-01T10:02:00Z'),
    ];

    // Act
    const selected = selectReplayEvents(archived, ms('2026-01-01T10:00:00Z'), ms('2026-01-01T10:10:00Z'));

    // Assess
    expect(selected.map((e) => e.id)).toEqual(['at-start', 'same-1', 'same-2', 'late']);
  });

  it('marks a replayed event with replay-name and leaves the archived one as it was', () => {
    const original = event('e', '2026-01-01T10:00:00Z');
    expect(replayedEvent(original, 'r1')).toEqual({ ...original, 'replay-name': 'r1' });
    expect(original).not.toHaveProperty('replay-name');
  });

  it("is told apart by the archive's managed-rule pattern, which a rule of one's own may use too", () => {
    // eb-archive.html: the managed rule matches {"replay-name": [{"exists": false}]}.
    const pattern = JSON.stringify({ 'replay-name': [{ exists: false }] });
    const original = event('e', '2026-01-01T10:00:00Z');
    expect(testEventPattern(pattern, JSON.stringify(original))).toBe(true);
    expect(testEventPattern(pattern, JSON.stringify(replayedEvent(original, 'r1')))).toBe(false);
    expect(
      testEventPattern(JSON.stringify({ 'replay-name': ['r1'] }), JSON.stringify(replayedEvent(original, 'r1'))),
    ).toBe(true);
  });

  it('sends to every rule without FilterArns, otherwise only to the named rules', () => {
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/shop/a';
    expect(ruleReceivesReplay(rule, undefined)).toBe(true);
    expect(ruleReceivesReplay(rule, [])).toBe(true);
    expect(ruleReceivesReplay(rule, [rule])).toBe(true);
    expect(ruleReceivesReplay(rule, ['arn:aws:events:us-east-1:123456789012:rule/shop/b'])).toBe(false);
  });
});

describe('replay: StartReplay checks', () => {
  const BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/shop';
  const ok: StartReplayCheck = {
    name: 'r',
    startMs: 1000,
    endMs: 2000,
    exists: () => false,
    archiveBusArn: BUS,
    archiveName: 'arch',
    destinationArn: BUS,
    destinationBusArn: BUS,
  };

  it.each([
    [
      'a name with a space',
      { name: 'my replay' },
      'ValidationException',
      "1 validation error detected: Value 'my replay' at 'replayName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    ],
    [
      'a name of 65 characters',
      { name: 'r'.repeat(65) },
      'ValidationException',
      `1 validation error detected: Value '${'r'.repeat(65)}' at 'replayName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    ],
    ['a name in use', { exists: () => true }, 'ResourceAlreadyExistsException', 'Replay r already exists.'],
    [
      'an end before the start',
      { endMs: 500 },
      'ValidationException',
      'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
    ],
    [
      'an end equal to the start',
      { endMs: 1000 },
      'ValidationException',
      'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
    ],
    [
      'an unknown archive',
      { archiveBusArn: undefined },
      'ValidationException',
      'Parameter EventSourceArn is not valid. Reason: Archive arch does not exist.',
    ],
    [
      'another bus',
      {
        destinationArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default',
        destinationBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default',
      },
      'ValidationException',
      'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
    ],
    [
      'no bus',
      { destinationArn: 'arn:aws:events:us-east-1:123456789012:event-bus/nope', destinationBusArn: undefined },
      'ResourceNotFoundException',
      'Event bus nope does not exist.',
    ],
  ])('refuses %s', (_label, change, code, message) => {
    expect(() => checkStartReplay({ ...ok, ...change })).toThrow(
      expect.objectContaining({ code, statusCode: 400, message }),
    );
  });

  it('accepts a valid request', () => {
    expect(() => checkStartReplay(ok)).not.toThrow();
  });
});

describe('replay: ListReplays and the store', () => {
  const record = (name: string, state: ReplayRecord['state'], eventSourceArn = 'arn:archive/a'): ReplayRecord => ({
    name,
    arn: `arn:replay/${name}`,
    eventSourceArn,
    destination: { Arn: 'bus' },
    eventStartTime: 0,
    eventEndTime: 1000,
    state,
    stateReason: '',
    replayStartTime: 5000,
    progress: 0,
  });
  const records = [record('b', 'COMPLETED'), record('a1', 'RUNNING', 'arn:archive/b'), record('a2', 'COMPLETED')];

  it('filters by one of NamePrefix, State, EventSourceArn and pages by Limit/NextToken', () => {
    expect(listReplays(records, { NamePrefix: 'a' }).page.map((r) => r.name)).toEqual(['a1', 'a2']);
    expect(listReplays(records, { State: 'COMPLETED' }).page.map((r) => r.name)).toEqual(['a2', 'b']);
    expect(listReplays(records, { EventSourceArn: 'arn:archive/b' }).page.map((r) => r.name)).toEqual(['a1']);
    const first = listReplays(records, { Limit: 2 });
    expect(first).toEqual({ page: [records[1], records[2]], nextToken: '2' });
    expect(listReplays(records, { Limit: 2, NextToken: first.nextToken })).toEqual({ page: [records[0]] });
  });

  it.each([
    ['two filters', { NamePrefix: 'a', State: 'RUNNING' }, 'At most one filter is allowed'],
    ['an unknown state', { State: 'DONE' }, "Value 'DONE' at 'state' failed to satisfy constraint"],
    ['a limit of 0', { Limit: 0 }, 'greater than or equal to 1'],
    ['a limit of 101', { Limit: 101 }, 'less than or equal to 100'],
    ['a bad token', { NextToken: 'x' }, 'NextToken'],
  ])('refuses %s with ValidationException', (_label, query, message) => {
    expect(() => listReplays(records, query)).toThrow(
      expect.objectContaining({ code: 'ValidationException', message: expect.stringContaining(message) }),
    );
  });

  it('keeps records in a file across instances, and only in memory without one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replays-'));
    try {
      const file = path.join(dir, 'state', 'replays.json');
      new ReplayStore(file).put(record('kept', 'COMPLETED'));
      expect(new ReplayStore(file).get('kept')).toMatchObject({ name: 'kept', state: 'COMPLETED' });
      const memory = new ReplayStore();
      memory.put(record('m', 'RUNNING'));
      expect(memory.all()).toHaveLength(1);
      expect(fs.readdirSync(path.join(dir, 'state'))).toEqual(['replays.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
