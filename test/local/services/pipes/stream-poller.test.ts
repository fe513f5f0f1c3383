import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PipeDefinition, PipesService } from '../../../../local/services/pipes';
import { FakeStreams } from '../../helpers/fake-streams';
import { FakeSqs, recordingClock, waitFor } from '../../helpers/fakes';

const SOURCE = 'arn:aws:dynamodb:us-east-1:123456789012:table/things/stream/2025-01-15T12:00:00.000';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:consumer';

describe('Pipes shard handling (in-memory Streams API)', () => {
  let stateDir: string;
  let streams: FakeStreams;
  let seen: string[];
  let service: PipesService | undefined;
  let logs: string[];

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipes-poller-'));
    streams = new FakeStreams();
    seen = [];
    logs = [];
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  function start(startingPosition: 'LATEST' | 'TRIM_HORIZON' = 'TRIM_HORIZON'): PipesService {
    const definition: PipeDefinition = {
      name: 'poller-pipe',
      source: SOURCE,
      target: FUNCTION,
      sourceParameters: { dynamodbStreamParameters: { startingPosition, batchSize: 100, maximumRetryAttempts: 0 } },
    };
    service = new PipesService({
      streamsClient: streams.asClient(),
      resolveStreamArn: () => 'arn:aws:dynamodb:ddblocal:000000000000:table/things/stream/x',
      lambda: {
        invoke: async (_arn, payload) => {
          seen.push(...(payload as { dynamodb: { Keys: { pk: { S: string } } } }[]).map((r) => r.dynamodb.Keys.pk.S));
          return {};
        },
        invokeAsync: async () => undefined,
      },
      sqs: new FakeSqs(),
      stateDir,
      clock: recordingClock(1000),
      log: (m) => logs.push(m),
      pollIntervalMs: 10,
      maxEmptyPollIntervalMs: 20,
      describeIntervalMs: 50,
    });
    service.addPipe(definition);
    service.start();
    return service;
  }

  it('reads a parent shard to its end before its children, then the children', async () => {
    // Prepare
    streams.addShard('shard-parent');
    streams.write('shard-parent', 'p1');
    streams.write('shard-parent', 'p2');
    streams.closeShard('shard-parent');
    streams.addShard('shard-child', 'shard-parent');
    streams.write('shard-child', 'c1');
    // Act
    start();
    await waitFor(() => seen.length >= 3);
    // Assess
    expect(seen).toEqual(['p1', 'p2', 'c1']);
    const firstChildRead = streams.calls.findIndex((c) => c.op === 'GetShardIterator' && c.shardId === 'shard-child');
    const lastParentRead = streams.calls.map((c) => c.shardId).lastIndexOf('shard-parent');
    expect(firstChildRead).toBeGreaterThan(lastParentRead);
  });

  it('picks up a shard that appears later, from its beginning', async () => {
    // Prepare
    streams.addShard('shard-a');
    start('LATEST');
    await waitFor(() => streams.calls.some((c) => c.op === 'GetRecords' && c.shardId === 'shard-a'));
    // Act
    streams.write('shard-a', 'a1');
    streams.closeShard('shard-a');
    streams.addShard('shard-b', 'shard-a');
    streams.write('shard-b', 'b1');
    streams.write('shard-b', 'b2');
    await waitFor(() => seen.length >= 3);
    // Assess
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(streams.calls.find((c) => c.op === 'GetShardIterator' && c.shardId === 'shard-b')?.type).toBe(
      'TRIM_HORIZON',
    );
  });

  it('re-initialises from the checkpoint after an expired iterator and DynamoDB Local quirks, without replaying', async () => {
    // Prepare
    streams.addShard('shard-a');
    const checkpoint = streams.write('shard-a', 'k1');
    start();
    await waitFor(() => seen.length === 1);
    // Act
    streams.getRecordsErrors.push(
      FakeStreams.expired(),
      Object.assign(new Error('Invalid ShardId in ShardIterator'), { name: 'ResourceNotFoundException' }),
      FakeStreams.trimmed(),
    );
    streams.write('shard-a', 'k2');
    await waitFor(() => seen.length === 2);
    streams.dropNextIterator = 1; // open shard answered without NextShardIterator
    streams.write('shard-a', 'k3');
    await waitFor(() => seen.length === 3);
    await new Promise((r) => setTimeout(r, 100));
    // Assess
    expect(seen).toEqual(['k1', 'k2', 'k3']);
    expect(streams.calls.some((c) => c.op === 'GetShardIterator' && c.type === 'AFTER_SEQUENCE_NUMBER')).toBe(true);
    expect(
      streams.calls
        .filter((c) => c.op === 'GetShardIterator' && c.type === 'AFTER_SEQUENCE_NUMBER')
        .map((c) => c.sequence),
    ).toContain(checkpoint);
    expect(logs.some((l) => l.includes('ExpiredIteratorException'))).toBe(true);
  });

  it('falls back to TRIM_HORIZON when the checkpoint keeps failing, still skipping what was delivered', async () => {
    // Prepare
    streams.addShard('shard-a');
    streams.write('shard-a', 'k1');
    start();
    await waitFor(() => seen.length === 1);
    // Act: the checkpoint position is refused again and again
    streams.getRecordsErrors.push(FakeStreams.trimmed(), FakeStreams.trimmed(), FakeStreams.trimmed());
    streams.write('shard-a', 'k2');
    await waitFor(() => seen.length === 2, 8000);
    await new Promise((r) => setTimeout(r, 100));
    // Assess
    expect(seen).toEqual(['k1', 'k2']);
    expect(logs.some((l) => l.includes('reading from TRIM_HORIZON'))).toBe(true);
  });

  it('stops reading a closed shard once read and does not read it again after a restart', async () => {
    // Prepare
    streams.addShard('shard-a');
    streams.write('shard-a', 'k1');
    streams.closeShard('shard-a');
    start();
    await waitFor(() => seen.length === 1);
    await waitFor(
      () =>
        JSON.parse(fs.readFileSync(path.join(stateDir, 'poller-pipe.checkpoints.json'), 'utf8')).streams[
          Object.keys(
            JSON.parse(fs.readFileSync(path.join(stateDir, 'poller-pipe.checkpoints.json'), 'utf8')).streams,
          )[0]
        ].shards['shard-a'].finished === true,
    );
    await service?.stop();
    const before = streams.calls.length;
    // Act
    start();
    await new Promise((r) => setTimeout(r, 200));
    // Assess
    expect(seen).toEqual(['k1']);
    expect(streams.calls.slice(before).some((c) => c.op === 'GetShardIterator')).toBe(false);
  });
});
